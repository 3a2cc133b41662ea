package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ij.ImagePlus;
import ij.process.ImageProcessor;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.ProgressListener;

/**
 * Scoring a batch of image files into an output folder: what {@code ganomaly score} and the Fiji
 * folder command do. It streams: each plane is read, scored, its map plane written and its row of
 * {@code scores.csv} appended before the next plane is read, so memory holds a plane or two
 * whatever the size of a stack. A file that cannot be read or scored costs that file only: it is
 * listed in {@code failures.csv} (file, reason) and the batch goes on. A run killed at any point
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
			files = List.copyOf(new LinkedHashSet<>(files.stream().map(f -> f.toAbsolutePath().normalize()).toList()));
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

	/**
	 * Scores the files of {@code request} with {@code model}, telling {@code progress} of each plane
	 * (status lines name planes done of all, planes per second and time left) and stopping between
	 * planes when it cancels.
	 *
	 * @throws IllegalArgumentException for a request that cannot run (names that collide, a resume
	 *                                  of another run), naming the option; with
	 *                                  {@code stopAtFirstFailure}, for the first file that fails
	 * @throws UncheckedIOException     when the output folder cannot be written
	 */
	public static Summary run(GanomalyModel model, Request request, ProgressListener progress) {
		checkNames(request.files(), request.inputOption());
		Path output = request.output();
		try {
			String record = RunRecord.of(request);
			Map<String, Integer> done = request.resume() ? RunRecord.resume(output, record) : null;
			if (done == null) {
				start(output, record);
				done = Map.of();
			}
			writeNew(output.resolve(FAILURES), FAILURES_HEADER + "\n");
			try (Appender scores = new Appender(output.resolve(SCORES)); Appender failed = new Appender(output
				.resolve(FAILURES)))
			{
				return new Run(model, request, done, scores, failed, progress).all();
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not write into " + output + ": " + e.getMessage(), e);
		}
	}

	/** A fresh start: the run record, scores.csv with its header alone. */
	private static void start(Path output, String record) throws IOException {
		writeNew(output.resolve(RUN), record);
		writeNew(output.resolve(SCORES), ScoreFiles.CSV_HEADER + "\n");
	}

	private static void writeNew(Path file, String content) {
		MapFiles.writeAtomically(file, tmp -> Files.writeString(tmp, content, StandardCharsets.UTF_8));
	}

	/**
	 * Two inputs of the same file name would share rows and a map: refused before any work, naming
	 * {@code option}. The same file named twice is no conflict.
	 */
	public static void checkNames(List<Path> files, String option) {
		Map<String, Path> seen = new HashMap<>();
		for (Path f : files) {
			Path other = seen.putIfAbsent(f.getFileName().toString(), f);
			if (other != null && !other.toAbsolutePath().normalize().equals(f.toAbsolutePath().normalize()))
				throw new IllegalArgumentException(option + ": " + other + " and " + f + " have the same name, so their " +
					"rows in scores.csv and their maps would collide; score them into different output folders");
		}
	}

	/** One run over the files. */
	private static final class Run {

		private final GanomalyModel model;
		private final Request request;
		private final Map<String, Integer> done;
		private final Appender scores, failed;
		private final ProgressListener progress;
		private final List<Failure> failures = new ArrayList<>();
		private final long start = System.nanoTime();
		private long total, finished, resumed, scoredNow;
		private int files;
		private boolean canceled;

		Run(GanomalyModel model, Request request, Map<String, Integer> done, Appender scores, Appender failed,
			ProgressListener progress)
		{
			this.model = model;
			this.request = request;
			this.done = done;
			this.scores = scores;
			this.failed = failed;
			this.progress = progress;
		}

		Summary all() throws IOException {
			int[] planes = new int[request.files().size()];
			progress.status("reading " + planes.length + " file header(s)");
			for (int i = 0; i < planes.length; i++)
				planes[i] = countPlanes(request.files().get(i));
			for (int n : planes)
				total += n;
			for (int i = 0; i < planes.length && !cancel(); i++) {
				if (planes[i] == 0) continue; // could not be opened
				Path file = request.files().get(i);
				try {
					if (one(file)) files++;
				}
				catch (OutputFailure e) {
					throw e;
				}
				catch (IllegalArgumentException | UncheckedIOException e) {
					fail(file, e.getMessage());
				}
			}
			scores.force();
			failed.force();
			return new Summary(files, finished, resumed, List.copyOf(failures), canceled);
		}

		private int countPlanes(Path file) throws IOException {
			try {
				return ScoreFiles.planes(ScoreFiles.open(file, request.inputOption()));
			}
			catch (IllegalArgumentException | UncheckedIOException e) {
				fail(file, e.getMessage());
				return 0;
			}
		}

		private void fail(Path file, String reason) throws IOException {
			String line = reason == null ? "unknown failure" : reason.replace('\n', ' ');
			if (request.stopAtFirstFailure() || request.files().size() == 1) throw new IllegalArgumentException(line);
			failures.add(new Failure(file, line));
			failed.append(ScoreFiles.csvField(file.toString()) + "," + ScoreFiles.csvField(line) + "\n");
			progress.status("warning: " + file.getFileName() + " was not scored: " + line);
		}

		/** Scores one file; false when canceled before its end. */
		private boolean one(Path file) throws IOException {
			ImageFiles.Input input = ScoreFiles.open(file, request.inputOption());
			ImagePlus imp = input.image();
			int n = ScoreFiles.planes(input);
			String name = file.getFileName().toString();
			int rows = Math.min(done.getOrDefault(name, 0), n);
			ScoreFiles.Settings settings = request.settings();
			if (settings.maps() == MapFiles.Kind.NONE) {
				skip(rows);
				for (int i = rows + 1; i <= n; i++) {
					if (cancel()) return false;
					ScoreFiles.ScoredPlane p = ScoreFiles.scorePlanes(model, input, i, i, settings).get(0);
					row(input, p);
				}
				return true;
			}
			Path map = MapFiles.file(request.output(), input);
			Path partial = StreamedMapWriter.partialFor(map);
			if (rows >= n && Files.exists(map) && !Files.exists(partial)) {
				skip(n);
				return true;
			}
			if (rows > 0 && Files.exists(map) && !Files.exists(partial)) MapFiles.move(map, partial);
			int bitDepth = settings.maps() == MapFiles.Kind.FLOAT ? 32 : 16;
			int kept = rows == 0 ? 0 : Math.min(rows, StreamedMapWriter.completePlanes(map, (long) imp.getWidth() *
				imp.getHeight() * bitDepth / 8, n));
			Planes planes = new Planes(input, map, bitDepth, kept);
			skip(rows);
			try {
				ImagePlus image = MapFiles.image(imp, n, settings.maps(), planes::get);
				if (kept > 0 && !StreamedMapWriter.layoutMatches(image, map)) planes.kept = 0; // scored again below
				StreamedMapWriter.write(image, map, planes.kept, i -> {
					if (i > rows) row(input, planes.scored(i));
				});
			}
			catch (Canceled c) {
				return false;
			}
			return true;
		}

		/**
		 * Map planes for the writer: planes kept in the partial file read back from it, the others
		 * scored (one plane held at a time).
		 */
		private final class Planes {

			final ImageFiles.Input input;
			final Path map;
			final int bitDepth;
			int kept;
			private ScoreFiles.ScoredPlane last;

			Planes(ImageFiles.Input input, Path map, int bitDepth, int kept) {
				this.input = input;
				this.map = map;
				this.bitDepth = bitDepth;
				this.kept = kept;
			}

			ImageProcessor get(int i) {
				if (i <= kept) try {
					return StreamedMapWriter.keptPlane(map, input.image().getWidth(), input.image().getHeight(), bitDepth, i);
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
				if (last == null || last.index() != i) {
					if (cancel()) throw new Canceled();
					last = ScoreFiles.scorePlanes(model, input, i, i, request.settings()).get(0);
				}
				return last.map();
			}

			ScoreFiles.ScoredPlane scored(int i) {
				if (last == null || last.index() != i) throw new IllegalStateException("plane " + i + " was not scored");
				return last;
			}
		}

		private boolean cancel() {
			if (progress.isCanceled()) canceled = true;
			return canceled;
		}

		private void skip(int planes) {
			resumed += planes;
			finished += planes;
		}

		private void row(ImageFiles.Input input, ScoreFiles.ScoredPlane plane) {
			try {
				scores.append(ScoreFiles.csvRow(input, plane, request.settings()) + "\n");
			}
			catch (IOException e) {
				throw new OutputFailure(request.output().resolve(SCORES), e);
			}
			finished++;
			scoredNow++;
			progress.progress(finished, total);
			progress.status(status());
		}

		private String status() {
			double seconds = (System.nanoTime() - start) / 1e9, rate = scoredNow / Math.max(seconds, 1e-9);
			return String.format(Locale.ROOT, "scored %d/%d planes, %.2f planes/s, %s left", finished, total, rate,
				duration((total - finished) / Math.max(rate, 1e-9)));
		}
	}

	/** The output folder could not be written: the run ends (no input is to blame). */
	private static final class OutputFailure extends UncheckedIOException {

		OutputFailure(Path file, IOException cause) {
			super("could not write " + file + ": " + cause.getMessage(), cause);
		}
	}

	/** Cancels the map writer from inside its plane supplier. */
	private static final class Canceled extends RuntimeException {

		Canceled() {
			super("canceled", null, false, false);
		}
	}

	/** h:mm:ss */
	public static String duration(double seconds) {
		long s = Math.round(Math.min(seconds, 1e9));
		return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
	}

	/** Appends lines to a file, each written through at once so that a killed run keeps it. */
	private static final class Appender implements AutoCloseable {

		private final FileChannel channel;

		Appender(Path file) throws IOException {
			channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
		}

		void append(String text) throws IOException {
			ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
			while (bytes.hasRemaining())
				channel.write(bytes);
		}

		void force() throws IOException {
			channel.force(true);
		}

		@Override
		public void close() throws IOException {
			channel.close();
		}
	}
}
