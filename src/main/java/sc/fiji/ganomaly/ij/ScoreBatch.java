package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import sc.fiji.ganomaly.core.api.AtomicFiles;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.FolderLock;
import sc.fiji.ganomaly.core.api.HiddenNames;
import sc.fiji.ganomaly.core.api.ProgressListener;


/**
 * Scoring a batch of image files into an output folder: what {@code ganomaly score} and the Fiji
 * folder command do. It streams: planes are read and scored a few at a time (small planes, of one
 * file or of several, together up to {@link sc.fiji.ganomaly.core.GanomalyModel#PIXELS_AT_ONCE}
 * pixels; a larger plane alone), their map planes written and their rows of {@code scores.csv}
 * appended before the next are read, so memory holds that much whatever the size of a stack. A
 * file that cannot be read or scored costs that file only: it is listed in {@code failures.csv}
 * (file, reason) and the batch goes on. A run killed at any point
 * keeps every row and map plane it finished; a resumed run skips them and ends with the same bytes
 * as an uninterrupted run. Maps appear under their names only when complete.
 */
public final class ScoreBatch {

	/** The scores of every plane scored: {@link ScoreFiles#CSV_HEADER}, one row per plane. */
	public static final String SCORES = "scores.csv";
	/** Files that could not be scored: {@code file,reason}. */
	public static final String FAILURES = "failures.csv";
	/** First line of failures.csv. */
	public static final String FAILURES_HEADER = "file,reason";
	/** Exit code of the command lines for a run that scored what it could but not every input. */
	public static final int SOME_FAILED = 3;
	/** What a run scores with (inputs, model, options), for resuming: a hidden file in the output folder. */
	static final String RUN = ".ganomaly-score.run";
	/** The lock file of the {@link FolderLock} a run holds on its output folder: a second run into it is refused. */
	static final String LOCK = ".ganomaly-score.lock";

	/**
	 * A batch to score.
	 *
	 * @param files              input files, in order (an identical path named twice is scored once)
	 * @param model              the model file, recorded for resuming
	 * @param precision          the precision the model scores in, recorded for resuming
	 * @param settings           scoring options
	 * @param output             the output folder (it exists)
	 * @param resume             continue an interrupted run in {@code output} instead of starting over
	 * @param stopAtFirstFailure end the batch with the first file that cannot be scored (always so
	 *                           for a batch of one file, whose failure is the command's)
	 * @param inputOption        how messages name the inputs' parameter ("--input", "folder")
	 */
	public record Request(List<Path> files, Path model, String precision, ScoreFiles.Settings settings, Path output,
		boolean resume, boolean stopAtFirstFailure, String inputOption)
	{

		public Request {
			files = distinct(files);
		}
	}

	/** A file that could not be scored and why (one line). */
	public record Failure(Path file, String reason) {}

	/**
	 * What a batch did.
	 *
	 * @param files         files scored completely (in this run or an earlier one)
	 * @param planes        planes of those files
	 * @param resumedPlanes planes an earlier run had finished
	 * @param failures      files that could not be scored
	 * @param canceled      the batch was stopped before its end
	 */
	public record Summary(int files, long planes, long resumedPlanes, List<Failure> failures, boolean canceled) {}

	private ScoreBatch() {}

	/** A row of failures.csv (without its line end): the file, and why it was not scored on one line. */
	public static String failureRow(String file, String reason) {
		return ScoreFiles.csvField(file) + "," + ScoreFiles.csvField(oneLine(reason));
	}

	/** {@code reason} on one line: line breaks as spaces, no surrounding blanks; null as "unknown failure". */
	public static String oneLine(String reason) {
		return reason == null ? "unknown failure" : reason.replace('\n', ' ').replace('\r', ' ').strip();
	}

	/**
	 * Makes {@code dir} a writable output folder, creating it (and its parents) if needed.
	 *
	 * @param option names the folder in messages ("--output", "output")
	 * @throws IllegalArgumentException if it is a file, cannot be created or is not writable
	 */
	public static void outputFolder(Path dir, String option) {
		if (Files.exists(dir) && !Files.isDirectory(dir))
			throw new IllegalArgumentException(option + ": " + dir + " is a file, not a folder");
		try {
			Files.createDirectories(dir);
		}
		catch (IOException e) {
			// the file system's reason, which NIO keeps apart from the path (and leaves out for some)
			String reason = e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e instanceof
				java.nio.file.NoSuchFileException ? "the file system does not let it be made there" : e instanceof
					java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
			throw new IllegalArgumentException(option + ": cannot create folder " + dir + ": " + reason);
		}
		if (!Files.isWritable(dir)) throw new IllegalArgumentException(option + ": folder " + dir + " is not writable");
	}

	/**
	 * Scores the files of {@code request} with {@code model}, telling {@code progress} of each plane
	 * (status lines name planes done of all, planes per second and time left) and stopping between
	 * planes when it cancels.
	 *
	 * @throws IllegalArgumentException for a request that cannot run (names that collide, a resume
	 *                                  of another run, a fresh start that would replace another run's
	 *                                  rows of scores.csv), naming the option; with
	 *                                  {@code stopAtFirstFailure}, for the first file that fails
	 * @throws UncheckedIOException     when the output folder cannot be written
	 */
	public static Summary run(GanomalyModel model, Request request, ProgressListener progress) {
		OutputNames names = checkNames(request.files(), request.output(), request.settings().maps() != MapFiles.Kind
			.NONE, request.inputOption());
		Path output = request.output();
		try (FolderLock lock = FolderLock.take(output, LOCK, "another scoring run is writing into " + output +
			"; wait until it ends or choose another output folder"))
		{
			String record = RunRecord.of(request);
			Map<String, Integer> done = request.resume() ? RunRecord.resume(output, record) : null;
			if (!request.resume()) checkNothingReplaced(output, names, request.files());
			if (done == null) {
				start(output, record);
				done = Map.of();
			}
			writeNew(output.resolve(FAILURES), FAILURES_HEADER + "\n");
			try (Appender scores = new Appender(output.resolve(SCORES));
				Appender failed = new Appender(output.resolve(FAILURES)))
			{
				return new BatchRun(model, request, names, done, scores, failed, progress).all();
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not write into " + output + ": " + e.getMessage(), e);
		}
	}

	/**
	 * Refuses a fresh start in {@code output} that would replace rows of scores.csv of files other than
	 * {@code files} (named by {@code names}), or a scores.csv this program did not write; "output: …".
	 */
	public static void checkNothingReplaced(Path output, OutputNames names, List<Path> files) throws IOException {
		RunRecord.checkNothingReplaced(output, files, files.stream().map(names::name).collect(java.util.stream
			.Collectors.toSet()));
	}

	/** Writes the record of {@code request}'s run into its output folder, as a run of this class does. */
	public static void record(Request request) throws IOException {
		writeNew(request.output().resolve(RUN), RunRecord.of(request));
	}

	/** A fresh start: the run record, scores.csv with its header alone. */
	private static void start(Path output, String record) throws IOException {
		writeNew(output.resolve(RUN), record);
		writeNew(output.resolve(SCORES), ScoreFiles.CSV_HEADER + "\n");
	}

	private static void writeNew(Path file, String content) {
		AtomicFiles.write(file, tmp -> Files.writeString(tmp, content, StandardCharsets.UTF_8));
	}

	/** {@code files} as absolute, normalised paths, each once, in their first order. */
	public static List<Path> distinct(List<Path> files) {
		return List.copyOf(new LinkedHashSet<>(files.stream().map(f -> f.toAbsolutePath().normalize()).toList()));
	}

	/**
	 * The inputs a run scores, checked by {@link #checkNames} before any work: {@code files}, and for
	 * a resumed run into a folder among its inputs, {@code files} without the maps that the run's
	 * earlier part wrote there, which a new listing of the folder finds.
	 */
	public static List<Path> inputs(List<Path> files, Path output, boolean maps, boolean resume, String option) {
		List<Path> inputs = files;
		if (maps && resume) {
			Path folder = output.toAbsolutePath().normalize();
			List<Path> listed = distinct(files);
			// named as the first part named them: by the inputs' common folder, without the maps it wrote
			OutputNames names = OutputNames.of(listed.stream().filter(f -> !(f.startsWith(folder) && f.getFileName()
				.toString().toLowerCase(Locale.ROOT).endsWith(MapFiles.SUFFIX))).toList());
			Set<String> own = new HashSet<>();
			for (Path f : listed)
				own.add(names.map(folder, new ImageFiles.Input(f, null)).toString().toLowerCase(Locale.ROOT));
			inputs = files.stream().filter(f -> !own.contains(f.toAbsolutePath().normalize().toString().toLowerCase(
				Locale.ROOT))).toList();
		}
		checkNames(inputs, output, maps, option);
		return inputs;
	}

	/**
	 * Refuses, before any work and naming {@code option}, inputs whose outputs in {@code output}
	 * would collide: two inputs of one name ({@link OutputNames}: only inputs with no folder in common,
	 * on two drives of Windows); and when {@code maps} are written, two base names that differ only in
	 * extension or letter case ({@code a.tif} and {@code A.png} write one {@code a_anomaly.tif} on
	 * Windows' and macOS's file systems), a map name longer than a file name may be, and a map that
	 * would overwrite an input (a folder scored into itself a second time). The same file named twice
	 * is no conflict. Returns the names the outputs get.
	 */
	public static OutputNames checkNames(List<Path> files, Path output, boolean maps, String option) {
		List<Path> inputs = distinct(files);
		OutputNames outputNames = OutputNames.of(inputs);
		Map<String, Path> names = new HashMap<>(), mapNames = new HashMap<>(), paths = new HashMap<>();
		for (Path f : inputs)
			paths.put(f.toString().toLowerCase(Locale.ROOT), f);
		Path folder = output.toAbsolutePath().normalize();
		for (Path f : inputs) {
			Path other = names.putIfAbsent(outputNames.name(f), f);
			if (other != null)
				throw new IllegalArgumentException(option + ": " + other + " and " + f + " have the same name and no " +
					"folder in common, so their rows in scores.csv and their maps would collide; score them into " +
					"different output folders");
			if (!maps) continue;
			Path mapFile;
			try {
				mapFile = outputNames.map(folder, new ImageFiles.Input(f, null));
			}
			catch (java.nio.file.InvalidPathException e) { // a name this system's encoding cannot write
				ImageHeaders.checkName(f, option);
				throw e;
			}
			String map = mapFile.getFileName().toString();
			if (map.getBytes(StandardCharsets.UTF_8).length > HiddenNames.MAX_NAME_BYTES)
				throw new IllegalArgumentException(option + ": the map of " + f + " would be named " + map + ", longer than " +
					"the " + HiddenNames.MAX_NAME_BYTES + " bytes a file name may have; rename the file or write no maps");
			String relative = folder.relativize(mapFile).toString().replace('\\', '/');
			other = mapNames.putIfAbsent(relative.toLowerCase(Locale.ROOT), f);
			if (other != null)
				throw new IllegalArgumentException(option + ": " + other + " and " + f + " would both write the map " +
					relative + "; rename one, score them into different output folders, or write no maps");
			Path overwritten = paths.get(mapFile.toString().toLowerCase(Locale.ROOT));
			if (overwritten != null)
				throw new IllegalArgumentException(option + ": " + overwritten + " is an input and would be overwritten by " +
					"the map of " + f + "; score into another output folder, or leave earlier maps out of the inputs");
		}
		return outputNames;
	}
}
