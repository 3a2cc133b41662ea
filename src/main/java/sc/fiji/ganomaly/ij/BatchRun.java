package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;

import ij.ImagePlus;
import ij.process.ImageProcessor;
import sc.fiji.ganomaly.ij.ScoreBatch.Failure;
import sc.fiji.ganomaly.ij.ScoreBatch.Request;
import sc.fiji.ganomaly.ij.ScoreBatch.Summary;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.Renames;

/**
 * One run of a {@link ScoreBatch} over its files: plans them (planes per file), then scores planes
 * a group at a time (runs of small files together), hands each map plane to
 * {@link StreamedMapWriter} and appends its row once the plane is in the map file; failures of
 * inputs are recorded, failures of outputs end the run.
 */
final class BatchRun {

	private final GanomalyModel model;
	private final Request request;
	private final Map<String, Integer> done; // planes finished per input's name (OutputNames), of an earlier run
	private final Appender scores, failed;
	private final ProgressListener progress;
	private final List<Failure> failures = new ArrayList<>();
	private final OutputNames names;
	private final long start = System.nanoTime();
	private final Map<Path, Grouped> grouped = new HashMap<>();
	private long total, finished, resumed, scoredNow;
	/** oneByOneUntil: planes of the current file up to this one are scored one at a time (a group of them failed). */
	private int files, groupedUntil, oneByOneUntil;
	private boolean canceled;

	BatchRun(GanomalyModel model, ScoreBatch.Request request, OutputNames names, Map<String, Integer> done,
		Appender scores, Appender failed, ProgressListener progress)
	{
		this.model = model;
		this.request = request;
		this.done = done;
		this.names = names;
		this.scores = scores;
		this.failed = failed;
		this.progress = progress;
	}

	Summary all() throws IOException {
		List<Header> headers = new ArrayList<>();
		for (int i = 0, n = request.files().size(); i < n && !cancel(); i++) {
			if (i % 100 == 0) progress.status("reading file headers: " + i + "/" + n);
			headers.add(header(request.files().get(i)));
		}
		total = headers.stream().mapToLong(h -> h == null ? 0 : h.planes()).sum();
		if (!cancel()) progress.status("scoring " + total + " plane(s) of " + headers.size() + " file(s)"); // till plane 1
		for (int i = 0; i < headers.size() && !cancel(); i++) {
			if (headers.get(i) == null) continue; // could not be opened
			Path file = request.files().get(i);
			if (i >= groupedUntil && headers.size() > 1) group(i, headers);
			try {
				if (one(file)) files++;
			}
			catch (OutputFailure | CancellationException e) {
				throw e;
			}
			catch (OutOfMemoryError e) { // a plane larger than the heap left: the next file may fit
				fail(file, ScoreFiles.outOfMemory(file, request.inputOption(), ScoreFiles.MORE_MEMORY));
			}
			catch (RuntimeException e) { // whatever one file does costs that file only
				fail(file, e instanceof IllegalArgumentException ? named(e.getMessage()) : e instanceof UncheckedIOException
					? e.getMessage() /* a partial map of an earlier run that cannot be read back */ : named(file
						.getFileName() + ": unexpected failure: " + e));
			}
		}
		scores.force();
		failed.force();
		return new Summary(files, finished, resumed, List.copyOf(failures), canceled);
	}

	private record Header(int planes, long pixels) {} // what the run read of a file at its start (pixels of all planes)

	/**
	 * Scores the files from {@code first} on together while they are new to the run and their planes
	 * together fit in {@link GanomalyModel#PIXELS_AT_ONCE} (small files then share network calls),
	 * keeping their planes for {@link #one}. If any of them fails, none is kept: each is scored alone,
	 * so that a bad file costs that file only. {@code headers} has null for files that could not be opened.
	 */
	private void group(int first, List<Header> headers) {
		List<Integer> members = new ArrayList<>();
		long sum = 0;
		int i = first;
		for (; i < headers.size(); i++) {
			Header h = headers.get(i);
			if (h == null) continue;
			if (done.getOrDefault(names.name(request.files().get(i)), 0) > 0) break;
			if (sum + h.pixels() > GanomalyModel.PIXELS_AT_ONCE) break;
			sum += h.pixels();
			members.add(i);
		}
		groupedUntil = Math.max(i, first + 1);
		if (members.size() < 2) return;
		try {
			List<ImageFiles.Input> inputs = new ArrayList<>();
			for (int k : members)
				inputs.add(ScoreFiles.open(request.files().get(k), request.inputOption()));
			List<List<ScoreFiles.ScoredPlane>> scored = ScoreFiles.scoreAll(model, inputs, request.settings());
			for (int k = 0; k < inputs.size(); k++)
				grouped.put(inputs.get(k).file(), new Grouped(inputs.get(k), scored.get(k)));
		}
		catch (RuntimeException | OutOfMemoryError e) {
			// each file of the group alone: a failure costs its file only
		}
	}

	private record Grouped(ImageFiles.Input input, List<ScoreFiles.ScoredPlane> planes) {} // scored by group(), all planes

	/** The file's {@link ImageFiles#shape} (a one-plane TIFF's header only); null, a failure recorded, if none. */
	private Header header(Path file) throws IOException {
		try {
			ImageFiles.Shape shape = ImageFiles.shape(file, request.inputOption());
			return new Header(shape.planes(), shape.planes() * shape.pixels());
		}
		catch (IllegalArgumentException | UncheckedIOException e) {
			fail(file, e.getMessage());
		}
		catch (OutOfMemoryError e) { // a file read whole (PNG, JPEG, another format's) larger than the heap
			fail(file, ScoreFiles.outOfMemory(file, request.inputOption(), ScoreFiles.MORE_MEMORY));
		}
		return null;
	}

	/** A refusal of a file named by the inputs' option ("--input: x.tif is 10x10 pixels, …"), as header refusals are. */
	private String named(String reason) {
		String prefix = request.inputOption() + ": ";
		return reason == null || reason.startsWith(prefix) ? reason : prefix + reason;
	}

	/** Records that {@code file} was not scored; a map an earlier run left of it goes (not one this run resumes). */
	private void fail(Path file, String reason) throws IOException {
		String line = ScoreBatch.oneLine(reason) + (request.settings().maps() !=
			MapFiles.Kind.NONE && done.getOrDefault(names.name(file), 0) == 0 ? MapFiles.deleteEarlier(names.folder(request
				.output(), file), file) : "");
		failed.append(ScoreBatch.failureRow(file.toString(), line) + "\n");
		if (request.stopAtFirstFailure() || request.files().size() == 1) throw new IllegalArgumentException(line);
		failures.add(new Failure(file, line));
		progress.warning(file.getFileName() + " was not scored: " + line);
	}

	/** Scores one file; false when canceled before its end. */
	private boolean one(Path file) throws IOException {
		oneByOneUntil = 0;
		Grouped scoredBefore = grouped.remove(file);
		ImageFiles.Input input = scoredBefore != null ? scoredBefore.input() : ScoreFiles.open(file, request
			.inputOption());
		List<ScoreFiles.ScoredPlane> held = scoredBefore != null ? scoredBefore.planes() : List.of();
		ImagePlus imp = input.image();
		int n = ScoreFiles.planes(input);
		String name = names.name(file);
		int rows = Math.min(done.getOrDefault(name, 0), n);
		ScoreFiles.Settings settings = request.settings();
		if (settings.maps() == MapFiles.Kind.NONE) {
			skip(rows);
			for (int i = rows + 1; i <= n;) {
				if (cancel()) return false;
				// a file scored with others is new to the run: all its planes are held, written a row at a time
				List<ScoreFiles.ScoredPlane> scored = held.isEmpty() ? scoreFrom(input, i, n) : List.of(held.get(i - 1));
				for (ScoreFiles.ScoredPlane p : scored)
					row(input, p);
				i += scored.size();
			}
			return true;
		}
		Path map = names.map(request.output(), input);
		Path partial = StreamedMapWriter.partialFor(map);
		if (rows >= n && Files.exists(map) && !Files.exists(partial)) {
			skip(n);
			return true;
		}
		if (rows > 0 && Files.exists(map) && !Files.exists(partial)) Renames.replace(map, partial);
		int bitDepth = settings.maps().bitDepth();
		int kept = rows == 0 ? 0 : Math.min(rows, StreamedMapWriter.completePlanes(map, (long) imp.getWidth() *
			imp.getHeight() * bitDepth / 8, n));
		Planes planes = new Planes(input, map, bitDepth, kept);
		planes.scored = held;
		skip(rows);
		try {
			ImagePlus image = MapFiles.image(imp, n, settings.maps(), settings.threshold(), planes::get);
			if (kept > 0 && !StreamedMapWriter.layoutMatches(image, map)) planes.kept = 0; // scored again below
			StreamedMapWriter.write(image, map, planes.kept, i -> {
				if (i > rows) row(input, planes.scored(i));
			});
		}
		catch (StreamedMapWriter.Canceled c) {
			return false;
		}
		return true;
	}

	/**
	 * Map planes for the writer: planes kept in the partial file read back from it, the others
	 * scored {@link ScoreFiles#planesAtOnce} at a time (those held until written).
	 */
	private final class Planes {

		final ImageFiles.Input input;
		final Path map;
		final int bitDepth;
		int kept;
		private List<ScoreFiles.ScoredPlane> scored = List.of();

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
			if (cancel()) throw new StreamedMapWriter.Canceled();
			ScoreFiles.ScoredPlane plane = held(i);
			if (plane == null) {
				scored = scoreFrom(input, i, ScoreFiles.planes(input));
				plane = held(i);
			}
			return plane.map();
		}

		ScoreFiles.ScoredPlane scored(int i) {
			ScoreFiles.ScoredPlane plane = held(i);
			if (plane == null) throw new IllegalStateException("plane " + i + " was not scored");
			return plane;
		}

		/** Plane {@code i} among those scored last, or null. */
		private ScoreFiles.ScoredPlane held(int i) {
			int k = scored.isEmpty() ? -1 : i - scored.get(0).index();
			return k >= 0 && k < scored.size() ? scored.get(k) : null;
		}
	}

	/**
	 * Planes {@code first} on of {@code input} (of {@code n}), as many as are scored at once; if one of
	 * them cannot be read or scored, plane {@code first} alone, so that the planes before a bad one
	 * get their rows as when scored one at a time.
	 */
	private List<ScoreFiles.ScoredPlane> scoreFrom(ImageFiles.Input input, int first, int n) {
		int last = Math.min(n, first + ScoreFiles.planesAtOnce(input) - 1);
		if (last > first && first > oneByOneUntil) try {
			return ScoreFiles.scorePlanes(model, input, first, last, request.settings());
		}
		catch (IllegalArgumentException | UncheckedIOException e) {
			oneByOneUntil = last; // these planes one at a time, here and in the calls that follow
		}
		return ScoreFiles.scorePlanes(model, input, first, first, request.settings());
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
			scores.append(ScoreFiles.csvRow(names.name(input.file()), plane, request.settings()) + "\n");
		}
		catch (IOException e) {
			throw new OutputFailure(request.output().resolve(ScoreBatch.SCORES), e);
		}
		finished++;
		scoredNow++;
		progress.progress(finished, total);
		progress.status(status());
	}

	private String status() {
		double seconds = (System.nanoTime() - start) / 1e9, rate = scoredNow / Math.max(seconds, 1e-9);
		return String.format(Locale.ROOT, "scored %d/%d planes, %.2f planes/s, %s left", finished, total, rate,
			ProgressListener.duration((total - finished) / Math.max(rate, 1e-9)));
	}
}
