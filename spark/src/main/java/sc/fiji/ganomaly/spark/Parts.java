package sc.fiji.ganomaly.spark;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

import sc.fiji.ganomaly.ij.MapFiles;

/**
 * The work in progress of a Spark scoring run, under {@code DIR/.ganomaly-spark/}: per input file a
 * folder {@code parts/NNNNNN/} with, per band of planes, {@code FIRST-LAST.map} (the band's map
 * planes, raw big-endian float or 16-bit), {@code FIRST-LAST.csv} (its scores.csv rows, written last:
 * the band is done when it holds a row per plane and its map part is complete) or {@code FIRST-LAST.failed}
 * (why the file cannot be scored), {@code done.csv} once the file's map is written, and
 * {@code input.txt}, the input's path, size and modification time the parts were made from. Every
 * part is written under a temporary name and renamed when complete, so a killed, retried or
 * speculative task leaves either nothing or the same bytes. Parts other than maps are forced to disk
 * before their rename; a band's map part is not (it is read back and deleted within seconds, mostly
 * from the page cache): its CRC-32 goes into {@code FIRST-LAST.map.crc}, forced, before the band's rows,
 * so that after a crashed node a map part whose bytes never reached the disk is known by its checksum.
 * A part that is empty, does not parse or does not match its checksum is redone. Removed when the run
 * has finished.
 */
final class Parts {

	static final String FOLDER = ".ganomaly-spark";
	/** Bytes per buffer: a quarter of G1's smallest region, so that no buffer is a humongous object. */
	private static final int CHUNK = 1 << 18;

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
		try {
			Files.createDirectories(target.getParent());
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
		}
		MapFiles.writeAtomically(target, tmp -> {
			try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING))
			{
				OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), CHUNK);
				writer.write(out);
				out.flush();
				channel.force(true); // on disk before the rename: after a crash a part is absent or complete
			}
		});
	}

	/**
	 * Writes a band's map part through a temporary file and a rename, not forced to disk, then its
	 * CRC-32 into {@link #checksum} (forced): {@link #validMap} compares them.
	 */
	static void writeMap(Path target, IoWriter writer) {
		CRC32 crc = new CRC32();
		Path tmp = MapFiles.temporaryFor(target);
		try {
			Files.createDirectories(target.getParent());
			try (OutputStream out = new CheckedOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), CHUNK),
				crc))
			{
				writer.write(out);
			}
			MapFiles.move(tmp, target);
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
		}
		finally {
			try {
				Files.deleteIfExists(tmp); // gone after the move
			}
			catch (IOException e) {
				// the temporary file's name says what it is; removed with the run's folder
			}
		}
		writeLines(checksum(target), List.of(Long.toHexString(crc.getValue())));
	}

	/** Where the CRC-32 of map part {@code map} is kept. */
	static Path checksum(Path map) {
		return map.resolveSibling(map.getFileName() + ".crc");
	}

	static void writeLines(Path target, List<String> lines) {
		write(target, out -> {
			for (String line : lines)
				out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		});
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
			stale = old != null;
			deleteTree(folder);
		}
		writeLines(stampFile, List.of(stamp));
		return stale;
	}

	/**
	 * Whether {@code file} holds the scores.csv rows of planes {@code first} to {@code last}: one
	 * complete line per plane, in order, each ending in {@code ,PLANE,SCORE,true|false}.
	 */
	static boolean validRows(Path file, int first, int last) {
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
		}
		catch (IOException e) { // absent, unreadable or not UTF-8
			return false;
		}
		if (!text.endsWith("\n")) return false;
		String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
		if (lines.length != last - first + 1) return false;
		for (int k = 0; k < lines.length; k++) {
			String line = lines[k];
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

	/**
	 * Whether {@code file} is a complete map part of {@code planes} planes of {@code pixels} values of
	 * {@code bytes} each, with the checksum {@link #writeMap} recorded.
	 */
	static boolean validMap(Path file, int planes, long pixels, int bytes) {
		try {
			if (Files.size(file) != planes * pixels * bytes) return false;
			String recorded = Files.readString(checksum(file), StandardCharsets.UTF_8).strip();
			CRC32 crc = new CRC32();
			ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
			try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
				while (ch.read(buffer.clear()) > 0)
					crc.update(buffer.flip());
			}
			return recorded.equals(Long.toHexString(crc.getValue()));
		}
		catch (IOException | RuntimeException e) { // absent, unreadable, not UTF-8
			return false;
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

	/** Writes map pixels (float[] or short[]) big-endian. */
	static void writePixels(OutputStream out, Object pixels) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.BIG_ENDIAN);
		if (pixels instanceof float[] f) {
			for (int i = 0; i < f.length; i += CHUNK / 4) {
				int n = Math.min(CHUNK / 4, f.length - i);
				buffer.clear();
				buffer.asFloatBuffer().put(f, i, n);
				out.write(buffer.array(), 0, n * 4);
			}
		}
		else if (pixels instanceof short[] s) {
			for (int i = 0; i < s.length; i += CHUNK / 2) {
				int n = Math.min(CHUNK / 2, s.length - i);
				buffer.clear();
				buffer.asShortBuffer().put(s, i, n);
				out.write(buffer.array(), 0, n * 2);
			}
		}
		else throw new IllegalArgumentException("map pixels are float[] or short[], not " + pixels);
	}

	/** Reads plane {@code k} (0-based) of a band's map file: {@code pixels} values of 4 (float) or 2 bytes. */
	static Object readPlane(Path file, int k, int pixels, boolean floats) {
		int bytes = floats ? 4 : 2;
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			long offset = (long) k * pixels * bytes;
			if (ch.size() < offset + (long) pixels * bytes) throw new IOException("it is " + ch.size() +
				" bytes, too short for plane " + (k + 1));
			float[] f = floats ? new float[pixels] : null;
			short[] s = floats ? null : new short[pixels];
			ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.BIG_ENDIAN);
			int done = 0;
			while (done < pixels) {
				int n = Math.min(CHUNK / bytes, pixels - done);
				buffer.clear().limit(n * bytes);
				while (buffer.hasRemaining())
					if (ch.read(buffer, offset + (long) done * bytes + buffer.position()) < 0) throw new IOException("end of file");
				buffer.flip();
				if (floats) buffer.asFloatBuffer().get(f, done, n);
				else buffer.asShortBuffer().get(s, done, n);
				done += n;
			}
			return floats ? f : s;
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not read map part " + file + ": " + e.getMessage(), e);
		}
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
