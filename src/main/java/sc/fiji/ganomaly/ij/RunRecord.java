package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scoring run in an output folder scored with, and what it finished: the run record (the
 * inputs with their sizes and modification times, the model file by its content, the options) and
 * the rows of {@code scores.csv}. A resume continues only the same run.
 */
final class RunRecord {

	/**
	 * Format 3: rows and maps named by {@link OutputNames}, the model by its bytes (format 2: by its path
	 * and time; format 1: rows by file name; neither resumed).
	 */
	private static final String FIRST_LINE = "ganomaly score run, format 3";

	private RunRecord() {}

	/** The record of a request: one line per fact, so that the first differing line says what changed. */
	static String of(ScoreBatch.Request r) throws IOException {
		StringBuilder sb = new StringBuilder(FIRST_LINE).append('\n');
		ScoreFiles.Settings s = r.settings();
		sb.append("options stride=").append(s.stride()).append(" threshold=").append(s.threshold()).append(" score=")
			.append(s.score().id()).append(" channels=").append(s.channels()).append(" maps=").append(s.maps().option())
			.append(" precision=").append(r.precision()).append('\n');
		sb.append("model size=").append(Files.size(r.model())).append(" sha256=").append(sc.fiji.ganomaly.core.ModelFiles
			.sha256(r.model())).append('\n');
		for (Path f : r.files())
			sb.append(file("input", f));
		return sb.toString();
	}

	/**
	 * A file's line: its path, size and time; for an input gone since it was listed "missing", and for
	 * one that cannot be looked at (a link in a loop, a folder without access) "unreadable": such an
	 * input fails when read, as a file of its own.
	 */
	private static String file(String what, Path f) {
		Path p = f.toAbsolutePath().normalize();
		try {
			return what + " " + p + " size=" + Files.size(p) + " modified=" + Files.getLastModifiedTime(p).toMillis() + "\n";
		}
		catch (IOException e) {
			return what + " " + p + (e instanceof NoSuchFileException ? " missing\n" : " unreadable\n");
		}
	}

	/**
	 * The planes finished per input file name by the run in {@code output}, if it was made with
	 * {@code record}; null when {@code output} holds no run to resume (nothing scored there yet).
	 * A row cut short by a kill is removed from scores.csv.
	 *
	 * @throws IllegalArgumentException "resume: …" when the folder holds another run
	 */
	static Map<String, Integer> resume(Path output, String record) throws IOException {
		Path runFile = output.resolve(ScoreBatch.RUN), scores = output.resolve(ScoreBatch.SCORES);
		if (!Files.exists(runFile)) {
			if (!Files.exists(scores)) return null;
			throw new IllegalArgumentException("resume: " + output + " holds a scores.csv of no interrupted run of " +
				"this program; score without resume to start over");
		}
		String earlier = Files.readString(runFile, StandardCharsets.UTF_8);
		if (!earlier.startsWith(FIRST_LINE + "\n")) throw new IllegalArgumentException("resume: the run in " + output +
			" was made by another version of this program (" + earlier.lines().findFirst().orElse("an empty record") +
			"); score without resume to start over");
		if (!earlier.equals(record)) throw new IllegalArgumentException("resume: the run in " + output +
			" scored with other inputs, model or options (" + difference(earlier, record) +
			"); score without resume to start over");
		if (!Files.exists(scores)) return null;
		return finishedPlanes(scores);
	}

	/**
	 * Refuses a fresh start in {@code output} that would replace rows of its scores.csv of files this
	 * run does not score, such as an earlier task's of a job array given the same output folder: they
	 * would be lost. The earlier run's record names its inputs; an input of it that is gone since, or
	 * among {@code files}, loses nothing. A scores.csv without a record (a run of an older version) is
	 * compared by its rows' names ({@code names}: those this run's rows get), and one this program did
	 * not write is refused.
	 */
	static void checkNothingReplaced(Path output, List<Path> files, java.util.Set<String> names) throws IOException {
		Path scores = output.resolve(ScoreBatch.SCORES), runFile = output.resolve(ScoreBatch.RUN);
		if (!Files.isRegularFile(scores)) return;
		List<String> rows = ScoreFiles.CsvRows.of(Files.readAllBytes(scores)).rows();
		if (rows.size() <= 1) return; // no rows to lose
		List<String> lost;
		if (Files.isRegularFile(runFile)) {
			java.util.Set<Path> now = new java.util.HashSet<>(ScoreBatch.distinct(files));
			lost = Files.readAllLines(runFile, StandardCharsets.UTF_8).stream().map(RunRecord::inputOf).filter(p -> p !=
				null && !now.contains(p) && Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).map(Path::toString)
				.toList();
		}
		else if (!rows.get(0).equals(ScoreFiles.CSV_HEADER)) throw new IllegalArgumentException("output: " + scores +
			" is not the scores.csv of a scoring run, and this run would replace it; choose another output folder, or " +
			"move it away");
		else lost = rows.subList(1, rows.size()).stream().map(RunRecord::firstField).filter(n -> !names.contains(n))
			.distinct().toList();
		if (!lost.isEmpty()) throw new IllegalArgumentException("output: " + scores + " holds the scores of " + lost
			.size() + " file(s) that this run does not score (" + lost.get(0) + (lost.size() > 1 ? ", …" : "") + "), which " +
			"it would replace; choose another output folder, give those files too, or delete that scores.csv to replace " +
			"its scores");
	}

	/** The input a line of a run record names ({@link #file}), null for other lines and inputs unread then. */
	private static Path inputOf(String line) {
		if (!line.startsWith("input ") || line.endsWith(" missing") || line.endsWith(" unreadable")) return null;
		int size = line.lastIndexOf(" size=");
		try {
			return size < 0 ? null : java.nio.file.Paths.get(line.substring("input ".length(), size));
		}
		catch (java.nio.file.InvalidPathException e) {
			return null;
		}
	}

	/** The first line that differs, as the earlier and the new run say it. */
	private static String difference(String earlier, String now) {
		List<String> a = earlier.lines().toList(), b = now.lines().toList();
		for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
			String x = i < a.size() ? a.get(i) : "nothing", y = i < b.size() ? b.get(i) : "nothing";
			if (!x.equals(y)) return "then: " + x + "; now: " + y;
		}
		return "the record differs";
	}

	/**
	 * Rows per file name, after cutting scores.csv after its last complete row. A newline inside
	 * quotes (a file name holding one) belongs to its field, not to the end of a row.
	 */
	private static Map<String, Integer> finishedPlanes(Path scores) throws IOException {
		byte[] bytes = Files.readAllBytes(scores);
		ScoreFiles.CsvRows csv = ScoreFiles.CsvRows.of(bytes);
		List<String> records = csv.rows();
		if (csv.end() < bytes.length) try (FileChannel channel = FileChannel.open(scores, StandardOpenOption.WRITE)) {
			channel.truncate(csv.end());
		}
		if (records.isEmpty() || !records.get(0).equals(ScoreFiles.CSV_HEADER)) throw new IllegalArgumentException(
			"resume: " + scores + " does not start with " + ScoreFiles.CSV_HEADER + "; score without resume to start over");
		Map<String, Integer> rows = new HashMap<>();
		for (String row : records.subList(1, records.size()))
			rows.merge(firstField(row), 1, Integer::sum);
		return rows;
	}

	/** The first field of a CSV row, unquoted. */
	static String firstField(String line) {
		if (!line.startsWith("\"")) {
			int comma = line.indexOf(',');
			return comma < 0 ? line : line.substring(0, comma);
		}
		StringBuilder sb = new StringBuilder();
		for (int i = 1; i < line.length(); i++) {
			char c = line.charAt(i);
			if (c == '"') {
				if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
					sb.append('"');
					i++;
				}
				else break;
			}
			else sb.append(c);
		}
		return sb.toString();
	}
}
