package sc.fiji.ganomaly.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;

import sc.fiji.ganomaly.ij.ImageFiles;
import sc.fiji.ganomaly.ij.MapFiles;
import sc.fiji.ganomaly.ij.OutputNames;
import sc.fiji.ganomaly.ij.ScoreFiles;
import sc.fiji.ganomaly.core.ModelPool;

/**
 * One Spark scoring run as the executors see it: the inputs, the shared scoring settings and where
 * things go. Its three steps run as Spark tasks: {@link #plan} (read a file's header), {@link #score}
 * (score a band of planes into parts; the task that completes a file's last band also writes its
 * map) and {@link #assemble} (write a file's map from its parts unless written already, and return
 * its rows). All the scoring, formatting and map writing is {@link ScoreFiles} and {@link MapFiles},
 * the code of {@code ganomaly score}.
 *
 * @param files      the inputs, in scores.csv order
 * @param names      how outputs are named ({@link OutputNames} of the inputs)
 * @param settings   scoring settings (stride, threshold, score, channels, maps)
 * @param modelName  the model file's name among the files shipped with the job (SparkContext.addFile)
 * @param planesPerBand planes per band (a scoring task's work)
 * @param threads    threads of the network and the texture score per executor (its cores; 0: every core)
 * @param precision  float32 or bfloat16, the run's for every executor
 * @param output     the output folder (shared by driver and executors)
 * @param nativeCache JavaCPP native cache folder on the executors (null: their property, else a default)
 * @param fail       test hook: "FILE:FIRST:once|always" makes that band's task fail (FIRST 0: every writing of the
 *                   file's map fails, in a band task, where the file's last step is left to write it, and in that step;
 *                   a file of one band has no such step)
 */
record ScoreJob(List<String> files, OutputNames names, ScoreFiles.Settings settings, String modelName, int planesPerBand, int threads,
	String precision, String output, String nativeCache, String fail) implements Serializable
{

	private static final Logger LOG = Logger.getLogger(ScoreJob.class.getName());

	/** How often the test hook failed a task in this JVM (local mode: the tests' JVM). */
	static final java.util.concurrent.atomic.AtomicInteger INJECTED_FAILURES = new java.util.concurrent.atomic.AtomicInteger();

	/**
	 * A file's header as read on an executor: its plane count and pixels per plane, or why it cannot be
	 * read; {@code changed}: the parts of an interrupted run were made from another version of it and
	 * were removed; {@code done}: its map and rows were written already.
	 */
	record Plan(int file, int planes, long pixels, long size, long modified, boolean changed, boolean done,
		String failure) implements Serializable
	{}

	/** Planes {@code first} to {@code last} of a planned input. */
	record Band(Plan plan, int first, int last) implements Serializable {

		int file() {
			return plan.file();
		}
	}

	/** What became of one band. */
	enum BandOutcome {
		SCORED, ALREADY_DONE, FAILED
	}

	/** A file's rows for scores.csv, or why it could not be scored. */
	record FileOutcome(int file, List<String> rows, int planes, boolean mapWritten, String failure)
		implements Serializable
	{}

	Path outputFolder() {
		return Paths.get(output);
	}

	Path input(int file) {
		return Paths.get(files.get(file));
	}

	/**
	 * Reads the header of input {@code file}: its planes and their pixels ({@link ImageFiles#shape}).
	 * Parts of an interrupted run made from another version of the file (size or modification time)
	 * are removed, and its claim of the file's map is released.
	 */
	Plan plan(int file) {
		Path path = input(file);
		FileTime time;
		long size;
		ImageFiles.Shape shape;
		try {
			time = Files.getLastModifiedTime(path);
			size = Files.size(path);
			shape = ImageFiles.shape(path, "--input");
		}
		catch (IOException | UncheckedIOException | IllegalArgumentException e) {
			return new Plan(file, 0, 0, 0, 0, false, false, Parts.inputFailure(e));
		}
		catch (OutOfMemoryError e) { // a header too large for the heap left: this file only
			return new Plan(file, 0, 0, 0, 0, false, false, Parts.outOfMemory(path));
		}
		// the output folder's failures are not the input's: they fail the task, which Spark retries
		boolean changed = Parts.keepIfSameInput(outputFolder(), file, path + " " + size + " " + time);
		boolean done = fileDone(file, shape.planes());
		if (!done) Parts.releaseMapClaim(outputFolder(), file);
		return new Plan(file, shape.planes(), shape.pixels(), size, time.toMillis(), changed, done, null);
	}

	/** The bands of a planned file. */
	List<Band> bands(Plan plan) {
		List<Band> bands = new ArrayList<>();
		for (int first = 1; first <= plan.planes(); first += planesPerBand)
			bands.add(new Band(plan, first, Math.min(plan.planes(), first + planesPerBand - 1)));
		return bands;
	}

	private Path part(Band b, String extension) {
		return Parts.band(outputFolder(), b.file(), b.first(), b.last(), extension);
	}

	/**
	 * This executor's model. A model that cannot be read or loaded here (a damaged copy, a CPU
	 * without the precision asked for) is the executor's problem, not the input's: the task fails,
	 * so that Spark tries it again (elsewhere) and ends the job if it keeps failing.
	 */
	private ModelPool.Lease lease() {
		try {
			return ExecutorModels.lease(Paths.get(SparkFiles.get(modelName)), threads, precision, settings.score(),
				nativeCache);
		}
		catch (IllegalArgumentException | java.io.UncheckedIOException e) {
			throw new IllegalStateException("this executor cannot use the model: " + e.getMessage(), e);
		}
	}

	/**
	 * Scores one band into its parts (map, then rows). A band whose rows and map part are complete is
	 * done already (a resumed run, a retried stage), as is every band of a file whose map is written;
	 * bad input is written down as the band's failure. When the band completes its file, the file's
	 * map is written too (a file of one band: its map and rows at once, without parts).
	 */
	BandOutcome score(Band b) {
		Path rows = part(b, "csv"), failed = part(b, "failed");
		if (fileDone(b.file(), b.plan().planes())) return BandOutcome.ALREADY_DONE;
		if (done(b)) {
			assembleIfComplete(b.plan(), null);
			return BandOutcome.ALREADY_DONE;
		}
		if (Files.exists(failed)) return BandOutcome.FAILED;
		Path path = input(b.file());
		List<ScoreFiles.ScoredPlane> scored;
		ImageFiles.Input in;
		try (ModelPool.Lease model = lease()) {
			try {
				if (Files.size(path) != b.plan().size() || Files.getLastModifiedTime(path).toMillis() != b.plan()
					.modified()) throw new IllegalArgumentException("--input: " + path + " changed while it was being scored");
				in = ScoreFiles.open(path, "--input");
				scored = ScoreFiles.scorePlanes(model.model(), in, b.first(), b.last(), settings);
			}
			catch (IOException | IllegalArgumentException e) {
				// bad input (or a file gone): the same on every attempt, so written down, not retried
				Parts.writeLines(failed, List.of(Parts.inputFailure(e)));
				return BandOutcome.FAILED;
			}
			catch (OutOfMemoryError e) { // planes larger than the heap left: this file only, as on the command line
				Parts.writeLines(failed, List.of(Parts.outOfMemory(path)));
				return BandOutcome.FAILED;
			}
		}
		List<String> lines = scored.stream().map(p -> ScoreFiles.csvRow(names.name(path), p, settings)).toList();
		if (b.first() == 1 && b.last() == b.plan().planes()) {
			// the whole file in one band: its map and rows straight away, without parts to assemble
			injectFailure(b.file(), b.first(), null);
			if (settings.maps() != MapFiles.Kind.NONE) MapFiles.write(MapFiles.image(in.image(), scored.size(),
				settings.maps(), settings.threshold(), i -> scored.get(i - 1).map()), names.map(outputFolder(), in));
			Parts.writeLines(Parts.done(outputFolder(), b.file()), lines, false); // lost in a crash: scored again
			return BandOutcome.SCORED;
		}
		if (settings.maps() != MapFiles.Kind.NONE) MapParts.writeMap(part(b, "map"), o -> {
			for (ScoreFiles.ScoredPlane p : scored) {
				MapParts.writePixels(o, p.map().getPixels());
				injectFailure(b.file(), b.first(), o);
			}
		});
		else injectFailure(b.file(), b.first(), null);
		Parts.writeLines(rows, lines);
		assembleIfComplete(b.plan(), in);
		return BandOutcome.SCORED;
	}

	/**
	 * Writes a file's map as soon as all its bands have rows, so that maps appear while the run goes
	 * on: the first task to find them all claims the writing ({@link Parts#claimMap}). If the writing
	 * fails, the file's {@link #assemble} step writes the map or says why.
	 *
	 * @param in the file as the calling task opened it, or null
	 */
	private void assembleIfComplete(Plan plan, ImageFiles.Input in) {
		for (Band other : bands(plan))
			if (!Files.exists(part(other, "csv"))) return;
		if (!Parts.claimMap(outputFolder(), plan.file())) return;
		try {
			assemble(plan, in);
		}
		catch (RuntimeException | OutOfMemoryError e) {
			// a map too large for this task's heap included: its arrays are gone with the exception
			LOG.warning("the map of " + input(plan.file()) + " is left to the file's last step: " + Parts.message(e));
		}
	}

	/** Whether input {@code file}'s map is written: its {@code done.csv} holds the rows of its {@code planes} planes. */
	private boolean fileDone(int file, int planes) {
		return Parts.validRows(Parts.done(outputFolder(), file), 1, planes);
	}

	/** Whether a band's rows and (unless maps are off) its map part are complete, the map part matching its checksum. */
	private boolean done(Band b) {
		if (!Parts.validRows(part(b, "csv"), b.first(), b.last())) return false;
		return settings.maps() == MapFiles.Kind.NONE || MapParts.validMap(part(b, "map"), b.last() - b.first() + 1, b
			.plan().pixels(), settings.maps().bitDepth() / 8);
	}

	/**
	 * The test hook: fails the task of the band of {@code file} from plane {@code first} in the middle
	 * of writing its map part, or ({@code first} 0) the file's map task before it writes the map.
	 */
	private void injectFailure(int file, int first, java.io.OutputStream partial) {
		if (fail == null) return;
		String[] f = fail.split(":");
		if (Integer.parseInt(f[0]) != file || Integer.parseInt(f[1]) != first) return;
		TaskContext task = TaskContext.get();
		boolean firstAttempt = task == null || task.attemptNumber() == 0;
		if (f[2].equals("always") || firstAttempt) {
			INJECTED_FAILURES.incrementAndGet();
			if (partial != null) try {
				partial.flush(); // a half-written temporary file, as a killed task leaves
			}
			catch (IOException e) {
				// failing anyway
			}
			throw new IllegalStateException("test hook: task for " + (first == 0 ? "the map" : "planes from " + first) +
				" of " + input(file).getFileName() + " fails (attempt " + (task == null ? 0 : task.attemptNumber()) + ")");
		}
	}

	/**
	 * Writes a file's map from its bands' parts, through the same writer as {@code ganomaly score},
	 * and returns its rows. A file whose map was written already (a resumed run) only returns them.
	 */
	FileOutcome assemble(Plan plan) {
		return assemble(plan, null);
	}

	/** {@link #assemble(Plan)} with the file opened already ({@code in}), or null to open it. */
	private FileOutcome assemble(Plan plan, ImageFiles.Input in) {
		Path out = outputFolder();
		Path done = Parts.done(out, plan.file());
		if (fileDone(plan.file(), plan.planes())) return new FileOutcome(plan.file(), Parts.readRows(done), plan
			.planes(), false, null);
		List<Band> bands = bands(plan);
		List<String> rows = new ArrayList<>();
		for (Band b : bands) {
			Path failed = part(b, "failed");
			if (Files.exists(failed)) return new FileOutcome(plan.file(), List.of(), plan.planes(), false,
				String.join(" ", Parts.readLines(failed)));
			Path csv = part(b, "csv");
			if (!done(b)) throw new IllegalStateException("band " + b.first() + "-" + b.last() + " of " + input(plan
				.file()) + " has no rows or no intact map part; it is scored again by a run with --resume");
			rows.addAll(Parts.readRows(csv));
		}
		injectFailure(plan.file(), 0, null);
		if (settings.maps() != MapFiles.Kind.NONE) {
			ImageFiles.Input file = in != null ? in : ScoreFiles.open(input(plan.file()), "--input");
			int w = file.image().getWidth(), h = file.image().getHeight();
			boolean floats = settings.maps() == MapFiles.Kind.FLOAT;
			MapFiles.write(MapFiles.image(file.image(), plan.planes(), settings.maps(), settings.threshold(), i -> {
				Band b = bands.get((i - 1) / planesPerBand);
				return MapFiles.plane(w, h, MapParts.readPlane(part(b, "map"), i - b.first(), w * h, floats));
			}), names.map(out, file));
		}
		Parts.writeLines(done, rows);
		// the file is done: its map parts are not needed any more (disk: parts and maps are not both kept)
		for (Band b : bands)
			try {
				Files.deleteIfExists(part(b, "map"));
				Files.deleteIfExists(MapParts.checksum(part(b, "map")));
			}
			catch (IOException e) {
				// removed with the run's folder at the end
			}
		return new FileOutcome(plan.file(), rows, plan.planes(), settings.maps() != MapFiles.Kind.NONE, null);
	}
}
