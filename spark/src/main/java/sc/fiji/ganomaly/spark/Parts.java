package sc.fiji.ganomaly.spark;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import sc.fiji.ganomaly.core.api.AtomicFiles;
import sc.fiji.ganomaly.ij.ScoreBatch;
import sc.fiji.ganomaly.ij.ScoreFiles;

/**
 * The work in progress of a Spark scoring run, under {@code DIR/.ganomaly-spark/}: per input file a
 * folder {@code parts/NNNNNN/} with, per band of planes, {@code FIRST-LAST.map} (the band's map
 * planes, raw big-endian float or 16-bit, and its checksum: {@link MapParts}), {@code FIRST-LAST.csv} (its
 * scores.csv rows, written last: the band is done when it holds a row per plane and its map part is
 * complete and matches its checksum) or {@code FIRST-LAST.failed}
 * (why the file cannot be scored), {@code done.csv} once the file's map is written, and
 * {@code input.txt}, the input's path, size and modification time the parts were made from. Every
 * part is written under a temporary name and renamed when complete, so a killed, retried or
 * speculative task leaves either nothing or the same bytes. Bands' rows are forced to disk before
 * their rename; map parts ({@link MapParts}) carry a checksum instead; an input's stamp and a one-band
 * file's {@code done.csv} are not forced (lost in a crash, they make a resume score the input again).
 * A part that is empty, does not parse or does not match its checksum is redone. Removed when the run
 * has finished.
 */
final class Parts {

	static final String FOLDER = ".ganomaly-spark";
	private static final int CHUNK = MapParts.CHUNK;

	private Parts() {}

	static Path root(Path output) {
		return output.resolve(FOLDER);
	}

	static Path fileFolder(Path output, int file) {
		return root(output).resolve("parts").resolve(sixDigits(file));
	}

	static Path band(Path output, int file, int first, int last, String extension) {
		return fileFolder(output, file).resolve(sixDigits(first) + "-" + sixDigits(last) + "." + extension);
	}

	/** {@code n} in at least six digits, zero-padded, as part names spell it. */
	private static String sixDigits(int n) {
		String digits = Integer.toString(n);
		return digits.length() >= 6 ? digits : "000000".substring(digits.length()) + digits;
	}

	static Path done(Path output, int file) {
		return fileFolder(output, file).resolve("done.csv");
	}

	/**
	 * Claims the writing of input {@code file}'s map by a band task: true for the first caller only
	 * (a file created whole or not at all), so that the tasks that find the file's bands all scored
	 * (tasks finishing together, every band task of a resumed file) do not each write it. A claimant
	 * that fails leaves the map to the file's last step.
	 */
	static boolean claimMap(Path output, int file) {
		try {
			Files.createFile(fileFolder(output, file).resolve("map.claimed"));
			return true;
		}
		catch (IOException e) {
			return false; // claimed already, or not writable: the file's last step writes the map
		}
	}

	/** Releases the claim of a run that stopped, before a run's band tasks start ({@link #claimMap}). */
	static void releaseMapClaim(Path output, int file) {
		try {
			Files.deleteIfExists(fileFolder(output, file).resolve("map.claimed"));
		}
		catch (IOException e) {
			// the map is then written by the file's last step
		}
	}

	/** Writes {@code target} through a temporary file in its folder, forced to disk, and a rename. */
	static void write(Path target, IoWriter writer) {
		write(target, writer, true);
	}

	/**
	 * Writes {@code target} through a temporary file in its folder and a rename, the temporary file
	 * forced to disk first if {@code force} ({@link AtomicFiles#write(Path, AtomicFiles.Writing, boolean)}).
	 */
	static void write(Path target, IoWriter writer, boolean force) {
		AtomicFiles.write(target, tmp -> {
			try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), CHUNK)) {
				writer.write(out);
			}
		}, force);
	}

	static void writeLines(Path target, List<String> lines) {
		writeLines(target, lines, true);
	}

	/**
	 * {@link #writeLines(Path, List)}, forced to disk before the rename only if {@code force}: a file
	 * whose loss or garbling after a crash only makes a resume score its input again (an input's stamp,
	 * a file's {@code done.csv}) need not be.
	 */
	static void writeLines(Path target, List<String> lines, boolean force) {
		write(target, out -> {
			for (String line : lines)
				out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		}, force);
	}

	/** The stamp of an input (path, size, modification time): its parts were made from these bytes. */
	static Path inputStamp(Path output, int file) {
		return fileFolder(output, file).resolve("input.txt");
	}

	/**
	 * Keeps the parts of input {@code file} if they were made from the input {@code stamp} describes,
	 * else removes them; then records {@code stamp}. Returns true if they were made from another
	 * version of the input.
	 */
	static boolean keepIfSameInput(Path output, int file, String stamp) {
		Path folder = fileFolder(output, file), stampFile = inputStamp(output, file);
		boolean stale = false;
		if (Files.isDirectory(folder)) {
			String old;
			try {
				old = Files.readString(stampFile, StandardCharsets.UTF_8).strip();
			}
			catch (IOException e) {
				old = null; // no stamp or an unreadable one: nothing in the folder can be trusted
			}
			if (stamp.equals(old)) return false;
			stale = old != null && !old.isEmpty() && old.indexOf('\0') < 0; // a stamp a crash emptied says nothing
			deleteTree(folder);
		}
		writeLines(stampFile, List.of(stamp), false); // lost or garbled, it makes the parts be redone
		return stale;
	}

	/**
	 * Whether {@code file} holds the scores.csv rows of planes {@code first} to {@code last}: one
	 * complete line per plane, in order, each ending in {@code ,PLANE,SCORE,true|false}.
	 */
	static boolean validRows(Path file, int first, int last) {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(file);
			StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
		}
		catch (IOException e) { // absent, unreadable or not UTF-8
			return false;
		}
		ScoreFiles.CsvRows csv = ScoreFiles.CsvRows.of(bytes);
		if (csv.end() != bytes.length) return false; // an unfinished row
		List<String> lines = csv.rows();
		if (lines.size() != last - first + 1) return false;
		for (int k = 0; k < lines.size(); k++) {
			String line = lines.get(k);
			int c3 = line.lastIndexOf(','), c2 = c3 < 1 ? -1 : line.lastIndexOf(',', c3 - 1),
					c1 = c2 < 1 ? -1 : line.lastIndexOf(',', c2 - 1);
			if (c1 < 1) return false;
			String anomalous = line.substring(c3 + 1);
			try {
				if (Integer.parseInt(line.substring(c1 + 1, c2)) != first + k) return false;
				Float.parseFloat(line.substring(c2 + 1, c3));
			}
			catch (NumberFormatException e) {
				return false;
			}
			if (!anomalous.equals("true") && !anomalous.equals("false")) return false;
		}
		return true;
	}

	/** The complete scores.csv rows of a part file ({@link ScoreFiles.CsvRows}). */
	static List<String> readRows(Path file) {
		try {
			return ScoreFiles.CsvRows.of(Files.readAllBytes(file)).rows();
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
		}
	}

	static List<String> readLines(Path file) {
		try {
			return Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
		}
	}

	/** An exception's message as one line. */
	static String message(Throwable e) {
		return ScoreBatch.oneLine(e.getMessage() == null ? e.toString() : e.getMessage());
	}

	/**
	 * A failed Spark job's reason as one line: the failed task's own error, without the stack trace that
	 * Spark appends to it.
	 */
	static String jobFailure(Throwable e) {
		String m = e.getMessage() == null ? e.toString() : e.getMessage();
		int trace = m.indexOf("\n\tat ");
		return ScoreBatch.oneLine(trace < 0 ? m : m.substring(0, trace));
	}

	/** Why an input that needed more heap than its executor had left was not scored, and how to give it more. */
	static String outOfMemory(Path file) {
		return ScoreFiles.outOfMemory(file, "--input", "give the executors more: spark-submit's --executor-memory " +
			"(docs/scale-out.md, \"Memory\")");
	}

	/** Why an input was not scored, as the command line says it: "--input: …". */
	static String inputFailure(Throwable e) {
		String m = message(e);
		return m.startsWith("--input: ") ? m : "--input: " + m;
	}

	/** Deletes a folder and everything in it. */
	static void deleteTree(Path folder) {
		if (!Files.exists(folder)) return;
		try (Stream<Path> walk = Files.walk(folder)) {
			for (Path p : walk.sorted(Comparator.reverseOrder()).toList())
				Files.deleteIfExists(p);
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not delete " + folder + ": " + e.getMessage(), e);
		}
	}

	@FunctionalInterface
	interface IoWriter {

		void write(OutputStream out) throws IOException;
	}
}
