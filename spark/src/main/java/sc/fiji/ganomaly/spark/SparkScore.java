package sc.fiji.ganomaly.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import sc.fiji.ganomaly.core.api.AtomicFiles;
import sc.fiji.ganomaly.cli.ConsoleText;
import sc.fiji.ganomaly.cli.Options;
import sc.fiji.ganomaly.cli.ScoreOptions;
import sc.fiji.ganomaly.cli.OutputChecks;
import sc.fiji.ganomaly.cli.UsageException;
import sc.fiji.ganomaly.engine.EngineException;
import sc.fiji.ganomaly.engine.Precision;
import sc.fiji.ganomaly.ij.MapFiles;
import sc.fiji.ganomaly.ij.OutputNames;
import sc.fiji.ganomaly.ij.ScoreBatch;
import sc.fiji.ganomaly.ij.ScoreFiles;
import sc.fiji.ganomaly.core.ModelFiles;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.Shutdown;

/**
 * {@code ganomaly-spark score}: {@code ganomaly score} on Apache Spark. A thin front end: it maps
 * its options onto {@link ScoreFiles} (the same defaults, checks and per-file code as the command
 * line), splits the inputs into bands of a few planes (a task scores a band, or the bands of several
 * small files up to that many planes), and writes the same DIR/scores.csv and maps, plus
 * DIR/failures.csv for inputs that could not be scored.
 * <p>
 * Steps: (1) executors read the inputs' headers (plane counts); (2) each band's planes are scored into
 * parts under DIR/.ganomaly-spark (temporary name + rename; a band whose parts exist is skipped), and
 * the task that completes a file writes its map from the parts with the command line's writer (a file
 * of one band: its map and rows straight away, without parts); (3) tasks over the files, grouped as
 * in (2), return their rows (writing a map if step 2 did not); the driver writes scores.csv and
 * failures.csv in input order and removes the parts.
 * <p>
 * Longer than 300 lines because it holds the usage text and the three Spark stages side by side,
 * the code a cluster admin reads to see what runs where.
 */
public final class SparkScore {

	static final String HELP = """
		usage: ganomaly-spark score --input GLOB|@list.txt|PATH... --model FILE --output DIR [options]

		Scores images on Apache Spark, with the same results as 'ganomaly score': DIR/scores.csv (the
		same rows, in input order) and DIR/<name>_anomaly.tif (the same bytes), whatever the
		partitioning; inputs that cannot be scored are listed in DIR/failures.csv (file,reason) and
		the run goes on. Work is split into tasks of a few planes each.

		  --input WORD...       files, folders, globs ('/data/**/*.tif', quoted) or @list.txt (one per line)
		  --model FILE          model file (required), shipped to the executors
		  --output DIR          output folder (required), on a file system every executor sees
		  --stride N            window step in pixels (default 0: patch size / 4)
		  --threshold T         calibrated score above which a plane is anomalous, or 'model' (default:
		                        the model's)
		  --score NAME          model (the default), texture, combined, latent, residual or density, as for
		                        'ganomaly score'
		  --channels C,...      use only these 1-based channels (default: the model's, as for
		                        'ganomaly score')
		  --maps KIND           float (default), 16bit or none, as for 'ganomaly score'
		  --precision P         float32 or bfloat16 (about 3x faster; executors need AVX512_BF16 or
		                        AMX), as for 'ganomaly score'; one for every executor (default:
		                        spark.executorEnv.GANOMALY_PRECISION, in local mode this JVM's
		                        GANOMALY_PRECISION, else float32)
		  --planes-per-task N   planes per task (default 4)
		  --master URL          Spark master (default: spark-submit's, else local[*])
		  --threads N           threads of the network and the texture score per executor
		                        (default: spark.executor.cores, or N of local[N]; else every core)
		  --native-cache DIR    node-local folder for TensorFlow's native libraries (without it:
		                        the executors' -Dorg.bytedeco.javacpp.cachedir, else
		                        their java.io.tmpdir/ganomaly-javacpp-USER)
		  --resume              continue an interrupted run in DIR, skipping the finished parts of
		                        inputs unchanged since (size and modification time)
		""";

	private static final Set<String> OPTIONS = Stream.concat(ScoreOptions.NAMES.stream(), Stream.of(
		"planes-per-task", "master", "native-cache")).collect(java.util.stream.Collectors.toUnmodifiableSet());
	private static final Set<String> FLAGS = Set.of(ScoreOptions.RESUME);
	/**
	 * Spark configuration key of the test hook "FILE:FIRST:once|always" (fails that band's task; FIRST
	 * 0: the file's map task).
	 */
	static final String FAIL_KEY = "spark.ganomaly.test.fail";
	private static final String FINGERPRINT = "run.txt";

	/**
	 * What a run did; {@code inputsChanged}: inputs whose finished work in the resumed run was dropped
	 * because they changed since.
	 */
	record Summary(int files, int planes, int bandsScored, int tasks, int bandsAlreadyDone, int failures, int inputsChanged) {}

	private SparkScore() {}

	public static void main(String[] args) {
		System.exit(run(args, System.out, System.err));
	}

	/**
	 * Runs {@code score} (the first word); returns the exit code: 0, 2 for bad usage or input, 3 when some inputs
	 * could not be scored (failures.csv), 1 otherwise.
	 */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		System.setProperty("java.awt.headless", "true");
		if (args.length == 0 || !args[0].equals("score")) {
			boolean help = args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"));
			(help ? out : err).print(HELP);
			if (!help && args.length > 0) err.println("ganomaly-spark: unknown command '" + args[0] + "'; use score");
			return help ? 0 : 2;
		}
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
			out.print(HELP);
			return 0;
		}
		try {
			Summary s = score(rest, out, err);
			return s == null ? 1 : s.failures() > 0 ? ScoreBatch.SOME_FAILED : 0;
		}
		catch (UsageException | IllegalArgumentException | EngineException e) {
			err.println("ganomaly-spark score: " + ConsoleText.line(Options.spelled(e.getMessage(), OPTIONS)));
			if (e instanceof UsageException) err.println("see 'ganomaly-spark score --help'");
			return 2;
		}
		catch (UncheckedIOException e) {
			err.println("ganomaly-spark score: " + ConsoleText.line(Options.spelled(e.getMessage(), OPTIONS)));
			return 2;
		}
		catch (OutOfMemoryError e) { // the driver's: executors' end their tasks, which Spark reports as the job's
			err.println("ganomaly-spark score: out of memory on the driver; give it more (--driver-memory)");
			if (System.getenv("GANOMALY_DEBUG") != null) e.printStackTrace(err);
			return 1;
		}
		catch (Interrupted e) { // the JVM exits with the signal's status (130, 143)
			return 1;
		}
		catch (Exception e) { // RuntimeException, and SparkException, which Scala throws undeclared
			if (System.getenv("GANOMALY_DEBUG") != null) e.printStackTrace(err);
			return jobFailed(e, err);
		}
	}

	/**
	 * Says in one line why the job failed and returns the exit code: 2 when an executor could not load
	 * the engine (its setup, as the command line's exit code for a missing engine), else 1, with what
	 * the parts that were finished allow.
	 */
	static int jobFailed(Exception e, PrintStream err) {
		String reason = Parts.jobFailure(e);
		String engineFailure = EngineException.class.getName() + ": ";
		int engine = reason.indexOf(engineFailure);
		if (engine >= 0) {
			String why = reason.substring(engine + engineFailure.length());
			err.println("ganomaly-spark score: an executor could not run TensorFlow: " + ConsoleText.line(why) + (why.startsWith(
				"TensorFlow cannot run on this computer") ? "" : "; executors find the engine by " +
					"spark.executorEnv.GANOMALY_ENGINE_DIR (docs/scale-out.md, \"TensorFlow on executors\")"));
			return 2;
		}
		err.println("ganomaly-spark score: the Spark job failed: " + ConsoleText.line(reason));
		err.println("finished parts are kept; run the same command with --resume to continue");
		return 1;
	}

	/** Parses the options, runs the job, prints a summary; an interruption's line goes to standard error. */
	static Summary score(String[] args, PrintStream out) {
		return score(args, out, System.err);
	}

	/**
	 * Parses the options, runs the job, prints a summary to {@code out}. Ctrl-C or SIGTERM cancels the
	 * job, says on {@code err} what is kept and how to go on, and only then lets the exit remove the
	 * temporary folders (in local mode the scratch folder holds the executors' copy of the model,
	 * which tasks still ending would otherwise fail to read).
	 */
	static Summary score(String[] args, PrintStream out, PrintStream err) {
		Options o = Options.parse(args, OPTIONS, FLAGS);
		ScoreOptions options = ScoreOptions.of(o);
		int planesPerTask = o.integer("planes-per-task", 4);
		if (planesPerTask < 1) throw new UsageException("--planes-per-task must be at least 1, not " + planesPerTask);
		Path output = options.output(), modelFile = options.model();
		List<Path> files = ScoreBatch.distinct(options.files());
		// the model's manifest only (no TensorFlow on the driver): settings checked before any work
		ScoreFiles.Settings settings = options.settings(ModelFiles.describe(modelFile));
		OutputChecks.outputFolder(output);

		SparkConf conf = new SparkConf().setAppName("ganomaly-spark score");
		if (o.has("master")) conf.setMaster(o.get("master", null));
		else if (!conf.contains("spark.master")) conf.setMaster("local[*]");
		int threads = options.threads().orElseGet(() -> executorCores(conf));
		String precision = runPrecision(options.precision(), conf, settings.score());
		String nativeCache = o.get("native-cache", null); // null: each executor's property or default

		OutputNames names = OutputNames.of(ScoreBatch.distinct(files));
		Fingerprint fingerprint = Fingerprint.of(files, names, settings, modelFile, planesPerTask, precision);
		if (!options.resume()) try { // the inputs of the run replaced, recorded as the command line records them
			ScoreBatch.checkNothingReplaced(output, names, files);
			ScoreBatch.record(new ScoreBatch.Request(files, modelFile, precision, settings, output, false, false,
				"--input"));
		}
		catch (IOException e) {
			throw new java.io.UncheckedIOException("could not write into " + output + ": " + e.getMessage(), e);
		}
		prepareParts(output, fingerprint, options.resume(), out);
		ScoreJob job = new ScoreJob(files.stream().map(p -> p.toAbsolutePath().toString()).toList(), names, settings,
			modelFile.getFileName().toString(), planesPerTask, threads, precision, output.toAbsolutePath().toString(),
			nativeCache, conf.get(FAIL_KEY, null));
		Path scratch = LocalScratch.claim(conf, System.getenv());
		AtomicReference<JavaSparkContext> context = new AtomicReference<>();
		AtomicBoolean stopping = new AtomicBoolean();
		try (Shutdown.Work exit = Shutdown.begin(() -> {
			stopping.set(true);
			JavaSparkContext sc = context.get();
			if (sc == null) return; // being made: the run stops once it is there
			// Spark's own exit stops the executors under the tasks it is still launching, and logs each: the
			// line below says what the interruption means
			sc.setLogLevel("OFF");
			sc.cancelAllJobs();
		})) {
			try (JavaSparkContext sc = new JavaSparkContext(conf)) {
				context.set(sc);
				// an exit that began while the context was made found none to stop, and Spark may have missed it too
				if (stopping.get() || Shutdown.exiting()) throw new Interrupted(null);
				sc.setLogLevel(System.getProperty("ganomaly.spark.log", "WARN"));
				sc.addFile(modelFile.toAbsolutePath().toString());
				return run(sc, job, out);
			}
			catch (Exception e) { // RuntimeException, and SparkException, which Scala throws undeclared
				if (!Shutdown.exiting()) throw e;
				err.println("\nganomaly-spark score: interrupted; the finished parts are kept in " + output + ": run the " +
					"same command with --resume to score the rest");
				throw new Interrupted(e);
			}
		}
		finally {
			ModelFiles.deleteTemporaryFolder(scratch);
		}
	}

	/**
	 * The run's one precision, decided here so that every executor, and a resumed run, score alike:
	 * {@code option} (--precision); for a {@code score} without the network, which has no precision,
	 * float32; else {@code spark.executorEnv.GANOMALY_PRECISION} of {@code conf}, else in local mode
	 * (whose executor is this JVM) this JVM's setting as {@code ganomaly score} takes it (a bfloat16 this
	 * CPU lacks gives float32, with a warning), else float32. An executor's own environment is not
	 * read: executors of other settings would mix precisions in one output.
	 */
	static String runPrecision(String option, SparkConf conf, ScoreKind score) {
		if (option != null) return option;
		if (!score.needsNetwork()) return Precision.FLOAT32;
		String key = "spark.executorEnv." + Precision.ENV, executors = Precision.setting(conf.get(key, null));
		if (executors != null) try {
			return Precision.check(executors);
		}
		catch (IllegalArgumentException e) {
			throw new UsageException(key + ": " + e.getMessage());
		}
		return LocalScratch.isLocal(conf) ? Precision.resolve(null) : Precision.FLOAT32;
	}

	/** The run ended because the JVM exits (Ctrl-C, SIGTERM); what is kept was said. */
	static final class Interrupted extends RuntimeException {

		Interrupted(Throwable cause) {
			super("interrupted", cause);
		}
	}

	/** The three steps on a running Spark context. */
	static Summary run(JavaSparkContext sc, ScoreJob job, PrintStream out) {
		int n = job.files().size();
		List<Integer> indices = IntStream.range(0, n).boxed().toList();
		int planSlices = Math.max(1, Math.min(n, sc.defaultParallelism() * 4));
		sc.setJobGroup("plan", "GANomaly: read headers of " + n + " file(s)", false);
		List<ScoreJob.Plan> plans = sc.parallelize(indices, planSlices).map(job::plan).collect();

		List<ScoreJob.Band> bands = new ArrayList<>();
		List<ScoreJob.Plan> readable = new ArrayList<>();
		Map<Integer, String> failures = new TreeMap<>();
		int scored = 0, already = 0, changed = 0, tasks = 0;
		for (ScoreJob.Plan p : plans) {
			if (p.changed()) changed++;
			if (p.failure() != null) failures.put(p.file(), p.failure());
			else {
				readable.add(p);
				if (p.done()) already += job.bands(p).size();
				else bands.addAll(job.bands(p));
			}
		}
		if (changed > 0) out.println(changed + " input(s) changed since the interrupted run: their finished work " +
			"is dropped and they are scored again");
		if (!bands.isEmpty()) {
			sc.setJobGroup("score", "GANomaly: score " + bands.size() + " band(s) of up to " + job.planesPerBand() + " planes",
				false);
			List<ArrayList<ScoreJob.Band>> groups = TaskGroups.of(bands, b -> b.last() - b.first() + 1,
				job.planesPerBand());
			tasks = groups.size();
			// counted by name: Spark counts by key hash, and an enum's hash is its object's, another in each executor
			// JVM, so that one outcome's counts would land in several partitions and all but one be lost
			Map<String, Long> outcomes = sc.parallelize(groups, groups.size()).flatMap(g -> g.stream().map(job::score)
				.map(ScoreJob.BandOutcome::name).iterator()).countByValue();
			scored = outcomes.getOrDefault(ScoreJob.BandOutcome.SCORED.name(), 0L).intValue();
			already += outcomes.getOrDefault(ScoreJob.BandOutcome.ALREADY_DONE.name(), 0L).intValue();
		}
		List<ScoreJob.FileOutcome> results = List.of();
		if (!readable.isEmpty()) {
			sc.setJobGroup("assemble", "GANomaly: rows of " + readable.size() + " file(s), and their maps if not written yet",
				false);
			List<ArrayList<ScoreJob.Plan>> groups = TaskGroups.of(readable, ScoreJob.Plan::planes, job.planesPerBand());
			results = sc.parallelize(groups, groups.size()).flatMap(g -> g.stream().map(job::assemble).iterator()).collect();
		}
		Map<Integer, List<String>> rows = new TreeMap<>();
		int planes = 0;
		for (ScoreJob.FileOutcome r : results) {
			if (r.failure() != null) failures.put(r.file(), r.failure());
			else {
				rows.put(r.file(), r.rows());
				planes += r.planes();
			}
		}
		Path output = job.outputFolder();
		List<String> csv = new ArrayList<>(List.of(ScoreFiles.CSV_HEADER));
		rows.values().forEach(csv::addAll);
		writeLinesAtomically(output.resolve(ScoreBatch.SCORES), csv);
		List<String> failed = new ArrayList<>(List.of(ScoreBatch.FAILURES_HEADER));
		// a map of a failed file that an earlier run left would pass for this run's
		failures.forEach((file, reason) -> failed.add(ScoreBatch.failureRow(job.files().get(file), reason + (job.settings()
			.maps() == MapFiles.Kind.NONE ? "" : MapFiles.deleteEarlier(job.names().folder(output, Paths.get(job.files().get(
				file))), Paths.get(job.files().get(file)))))));
		writeLinesAtomically(output.resolve(ScoreBatch.FAILURES), failed);
		// every output is written: what is left over costs a warning, not the run
		for (Runnable cleanUp : List.<Runnable>of(() -> Parts.deleteTree(Parts.root(output)), () -> deleteTemporaryFiles(
			output)))
		{
			try {
				cleanUp.run();
			}
			catch (UncheckedIOException e) {
				out.println("warning: " + ConsoleText.line(e.getMessage()) + "; the scores and maps are complete, remove it by hand");
			}
		}
		out.println("scored " + rows.size() + " file(s), " + planes + " plane(s): " + scored + " band(s) of up to " + job
			.planesPerBand() + " plane(s) scored in " + tasks + " task(s), " + already + " band(s) already done" + (failures
				.isEmpty() ? "" : "; " + failures.size() + " file(s) could not be scored, see " + output.resolve(
					ScoreBatch.FAILURES)));
		out.println("wrote " + output.resolve(ScoreBatch.SCORES));
		return new Summary(rows.size(), planes, scored, tasks, already, failures.size(), changed);
	}

	/** Executor cores from the Spark configuration: spark.executor.cores, local[N], else 0 (TensorFlow's choice). */
	static int executorCores(SparkConf conf) {
		if (conf.contains("spark.executor.cores")) return conf.getInt("spark.executor.cores", 0);
		String master = conf.get("spark.master", "");
		if (master.equals("local")) return 1;
		Matcher m = Pattern.compile("local\\[(\\*|\\d+)(,\\d+)?\\]").matcher(master);
		if (m.matches()) return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
			: Integer.parseInt(m.group(1));
		return 0;
	}

	/**
	 * Without --resume, stale parts of an earlier run are removed; with it, they are kept if they
	 * were made with the same model, settings and inputs, else the run is refused.
	 */
	static void prepareParts(Path output, Fingerprint fingerprint, boolean resume, PrintStream out) {
		Path root = Parts.root(output), file = root.resolve(FINGERPRINT);
		if (resume && Files.isRegularFile(file)) {
			String difference = fingerprint.difference(Fingerprint.parse(Parts.readLines(file)));
			if (difference != null) throw new UsageException("--resume: the unfinished run in " + output + " " +
				difference + "; run without --resume to start again");
			out.println("resuming the unfinished run in " + output);
			// inputs that failed are tried again (they may have been fixed); finished work is kept. Tasks of
			// the stopped run may still be finishing (in this JVM: Spark does not wait for them), so their
			// temporary files can vanish while the parts are walked: those are skipped, not an error
			try {
				Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {

					@Override
					public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes a)
						throws IOException
					{
						if (p.getFileName().toString().endsWith(".failed")) Files.deleteIfExists(p);
						return java.nio.file.FileVisitResult.CONTINUE;
					}

					@Override
					public java.nio.file.FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
						if (e instanceof java.nio.file.NoSuchFileException) return java.nio.file.FileVisitResult.CONTINUE;
						throw e;
					}
				});
			}
			catch (IOException e) {
				throw new UncheckedIOException("could not read " + root + ": " + e.getMessage(), e);
			}
			return;
		}
		if (resume) out.println("--resume: no unfinished run in " + output + "; starting one");
		else if (Files.exists(root)) out.println("removing the parts of an unfinished run in " + output +
			" (--resume continues one)");
		Parts.deleteTree(root);
		Parts.writeLines(file, fingerprint.lines());
	}

	static void writeLinesAtomically(Path target, List<String> lines) {
		AtomicFiles.write(target, tmp -> Files.write(tmp, (String.join("\n", lines) + "\n")
			.getBytes(StandardCharsets.UTF_8)));
	}

	/** Removes temporary files that killed tasks left in the output folder and its maps' folders (.NAME.RANDOM.tmp). */
	static void deleteTemporaryFiles(Path output) {
		try (Stream<Path> list = Files.walk(output)) {
			for (Path p : list.toList()) {
				String name = p.getFileName().toString();
				if (name.startsWith(".") && name.endsWith(".tmp") && (name.contains(MapFiles.SUFFIX + ".") ||
					name.startsWith("." + ScoreBatch.SCORES + ".") || name.startsWith("." + ScoreBatch.FAILURES + ".")))
					Files.deleteIfExists(p);
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not clean " + output + ": " + e.getMessage(), e);
		}
	}
}
