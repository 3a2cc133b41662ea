package sc.fiji.ganomaly.spark;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import sc.fiji.ganomaly.cli.Main;
import sc.fiji.ganomaly.ij.MapFiles;
import sc.fiji.ganomaly.ij.ScoreBatch;

/**
 * ganomaly-spark in Spark's local mode against {@code ganomaly score} on the same inputs: the same
 * scores.csv and map bytes for any partitioning, a task that fails once is retried to the same
 * bytes, an interrupted run resumes to the same result, unreadable inputs go to failures.csv.
 */
public class SparkScoreTest {

	@ClassRule
	public static final TemporaryFolder tmp = new TemporaryFolder();

	private static final Path IMAGES = Paths.get(System.getProperty("ganomaly.test.images", "../test-images"));
	private static Path model, inputs, reference, reference16;
	/** The inputs ganomaly score can read, in the order ganomaly-spark lists the folder. */
	private static List<String> good;
	/** Index of hyper.tif among the inputs. */
	private static int hyper;

	@BeforeClass
	public static void trainAndScoreWithTheCommandLine() throws IOException {
		SparkSupport.assumeSupported();
		Path root = tmp.getRoot().toPath();
		model = root.resolve("nuclei.ganomaly.zip");
		List<String> train = new ArrayList<>(List.of("train", "--model", model.toString(), "--patch-size", "32",
			"--epochs", "2", "--patches-per-epoch", "256", "--batch-size", "32", "--nz", "32", "--ngf", "16", "--ndf",
			"16", "--seed", "1", "--threads", "2", "--score", "latent", "--input"));
		for (int i = 1; i <= 6; i++)
			train.add(IMAGES.resolve("normal_0" + i + ".tif").toString());
		assertEquals(0, cli(train.toArray(new String[0])));
		// a network model scoring with the texture score by default, so that both paths are at hand
		try (sc.fiji.ganomaly.core.GanomalyModel trained = sc.fiji.ganomaly.core.GanomalyModel.load(model, 2)) {
			trained.withScore(sc.fiji.ganomaly.core.api.ScoreKind.TEXTURE).save(model);
		}

		inputs = Files.createDirectories(root.resolve("inputs"));
		for (String name : List.of("stack_anomalous.tif", "anomalous_blur.tif", "normal_01.tif"))
			Files.copy(IMAGES.resolve(name), inputs.resolve(name));
		Files.copy(IMAGES.resolve("twochannel/twochannel_anomalous.tif"), inputs.resolve("twochannel.tif"));
		Files.writeString(inputs.resolve("broken.tif"), "not an image");
		// a hyperstack of 6 slices x 2 frames with a calibration, from the shipped stacks
		ImageStack stack = new ImageStack(128, 128);
		for (String name : List.of("stack_anomalous.tif", "stack_normal.tif")) {
			ImagePlus s = IJ.openImage(IMAGES.resolve(name).toString());
			for (int i = 1; i <= s.getStackSize(); i++)
				stack.addSlice(s.getStack().getProcessor(i));
		}
		stack.addSlice(IJ.openImage(IMAGES.resolve("anomalous_giant.tif").toString()).getProcessor());
		stack.addSlice(IJ.openImage(IMAGES.resolve("normal_02.tif").toString()).getProcessor());
		ImagePlus h = new ImagePlus("hyper", stack);
		h.setDimensions(1, 6, 2);
		h.setOpenAsHyperStack(true);
		h.getCalibration().pixelWidth = 0.5;
		h.getCalibration().pixelHeight = 0.5;
		h.getCalibration().setUnit("micron");
		assertTrue(new FileSaver(h).saveAsTiffStack(inputs.resolve("hyper.tif").toString()));

		List<String> all;
		try (Stream<Path> list = Files.list(inputs)) {
			all = list.map(p -> p.getFileName().toString()).sorted().toList();
		}
		hyper = all.indexOf("hyper.tif");
		good = all.stream().filter(n -> !n.equals("broken.tif") && !n.equals("twochannel.tif")).toList();
		reference = root.resolve("reference");
		reference16 = root.resolve("reference16");
		assertEquals(0, cli(scoreArgs("score", reference, "--threads", "2")));
		assertEquals(0, cli(scoreArgs("score", reference16, "--threads", "2", "--maps", "16bit")));
	}

	@After
	public void clearHook() {
		System.clearProperty(SparkScore.FAIL_KEY);
	}

	/** Without --resume, a run into a folder whose scores.csv holds another run's rows is refused, and they stay. */
	@Test
	public void aRunDoesNotReplaceAnotherRunsRows() throws IOException {
		Path o = Files.createDirectories(tmp.getRoot().toPath().resolve("spark-used"));
		String earlier = "file,slice,score,anomalous\nearlier.tif,1,0.25,false\n";
		Files.writeString(o.resolve("scores.csv"), earlier);
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = SparkScore.run(sparkArgs(o, "local[1]"), new PrintStream(out, true, StandardCharsets.UTF_8),
			new PrintStream(err, true, StandardCharsets.UTF_8));
		String said = err.toString(StandardCharsets.UTF_8);
		assertEquals(said, 2, code);
		assertTrue(said, said.startsWith("ganomaly-spark score: --output: " + o.resolve("scores.csv") + " holds the " +
			"scores of 1 file(s) that this run does not score (earlier.tif), which it would replace"));
		assertEquals(earlier, Files.readString(o.resolve("scores.csv")));
	}

	@Test
	public void sameOutputsAsTheCommandLineHoweverPartitioned() throws IOException {
		Path a = tmp.getRoot().toPath().resolve("spark-2-5");
		// an earlier run's map of a file that fails now goes, or it would pass for this run's
		Files.createDirectories(a);
		Files.writeString(a.resolve("broken_anomaly.tif"), "an earlier map");
		// a file named twice (by the glob and by name) is one input, as for the command line
		SparkScore.Summary s = spark(sparkArgs(a, "local[2]", "--planes-per-task", "5", "--input", inputs.resolve(good
			.get(0)).toString()));
		assertEquals(good.size(), s.files());
		assertEquals(2, s.failures());
		// seven bands (hyper's of 5, 5 and 2 planes, stack's 5, three single planes; twochannel's failed) in six
		// tasks: neighbouring bands of fewer planes share one
		assertEquals(s.toString(), 3 + 1 + 1 + 1, s.bandsScored());
		assertEquals(s.toString(), 6, s.tasks());
		assertSameAsReference(a, reference);
		List<String> failures = Files.readAllLines(a.resolve("failures.csv"));
		assertEquals("file,reason", failures.get(0));
		assertEquals(3, failures.size());
		// the reasons as the command line gives them
		assertTrue(failures.get(1), failures.get(1).contains("broken.tif") && failures.get(1).contains("--input: ") &&
			failures.get(1).contains("cannot read"));
		assertTrue(failures.get(2), failures.get(2).contains("twochannel.tif") && failures.get(2).contains("--input: ") &&
			failures.get(2).contains("has 2 channel(s) but the model was trained on 1"));

		Path b = tmp.getRoot().toPath().resolve("spark-1-1");
		s = spark(sparkArgs(b, "local[1]", "--planes-per-task", "1"));
		assertEquals(12 + 5 + 1 + 1, s.bandsScored()); // hyper, stack, blur, normal (twochannel's one band failed)
		assertEquals(s.toString(), 12 + 5 + 1 + 1 + 1, s.tasks()); // one plane a task: a task a band, twochannel's too
		assertSameAsReference(b, reference);
	}

	@Test
	public void aTaskThatFailsOnceIsRetriedToTheSameBytes() throws IOException {
		Path out = tmp.getRoot().toPath().resolve("spark-retry");
		System.setProperty(SparkScore.FAIL_KEY, hyper + ":6:once");
		int before = ScoreJob.INJECTED_FAILURES.get();
		SparkScore.Summary s = spark(sparkArgs(out, "local[2,2]", "--planes-per-task", "5"));
		assertEquals("the task of planes 6-10 failed once", before + 1, ScoreJob.INJECTED_FAILURES.get());
		assertEquals(2, s.failures());
		assertSameAsReference(out, reference);
	}

	@Test
	public void anInterruptedRunResumesToTheSameResult() throws IOException {
		Path out = tmp.getRoot().toPath().resolve("spark-resume");
		System.setProperty(SparkScore.FAIL_KEY, hyper + ":1:always");
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = SparkScore.run(sparkArgs(out, "local[2,2]", "--planes-per-task", "3"), new PrintStream(
			new ByteArrayOutputStream()), new PrintStream(err));
		assertEquals(err.toString(), 1, code);
		assertTrue(err.toString(), err.toString().contains("--resume"));
		assertFalse(Files.exists(out.resolve("scores.csv")));
		long finished;
		try (Stream<Path> parts = Files.walk(Parts.root(out))) {
			finished = parts.filter(p -> p.getFileName().toString().endsWith(".csv") &&
				!p.getFileName().toString().startsWith(".")).count();
		}
		assertTrue("the other bands finished before the job stopped: " + finished, finished > 0);

		System.clearProperty(SparkScore.FAIL_KEY);
		List<String> resume = new ArrayList<>(List.of(sparkArgs(out, "local[2]", "--planes-per-task", "3")));
		resume.add("--resume");
		SparkScore.Summary s = spark(resume.toArray(new String[0]));
		assertTrue("finished bands are skipped: " + s, s.bandsAlreadyDone() > 0);
		assertSameAsReference(out, reference);
	}

	@Test
	public void aKilledRunResumesToTheSameResult() throws IOException, InterruptedException {
		Path out = tmp.getRoot().toPath().resolve("spark-killed");
		// a temporary folder of its own, to see what the killed run leaves there
		Path childTmp = Files.createDirectories(tmp.getRoot().toPath().resolve("killed-tmp"));
		Process p = startedScoring(out, childTmp, tmp.getRoot().toPath().resolve("killed.log"));
		p.destroyForcibly().waitFor();
		assertFalse("killed before the end", Files.exists(out.resolve("scores.csv")));
		// Spark's scratch folders are inside the run's own folder, which the next GANomaly command deletes
		// (TemporaryFolders), not loose in the temporary folder for good
		List<String> left;
		try (Stream<Path> list = Files.list(childTmp)) {
			left = list.map(f -> f.getFileName().toString()).sorted().toList();
		}
		assertTrue("no loose Spark folders: " + left, left.stream().noneMatch(n -> n.startsWith("blockmgr-") || n
			.startsWith("spark-")));
		Path scratch = childTmp.resolve(left.stream().filter(n -> n.startsWith("ganomaly-spark.pid" + p.pid() + "."))
			.findFirst().orElseThrow(() -> new AssertionError("no scratch folder of the killed run: " + left)));
		try (Stream<Path> list = Files.list(scratch)) {
			assertTrue("Spark's block manager worked in it", list.anyMatch(f -> f.getFileName().toString().startsWith(
				"blockmgr-")));
		}
		List<String> resume = new ArrayList<>(List.of(sparkArgs(out, "local[2]", "--planes-per-task", "1")));
		resume.add("--resume");
		SparkScore.Summary s = spark(resume.toArray(new String[0]));
		assertTrue("finished bands are skipped: " + s, s.bandsAlreadyDone() > 0);
		assertSameAsReference(out, reference);
	}

	/**
	 * SIGTERM (a scheduler's stop, Ctrl-C's kin) during a run: the job is cancelled, one line says what
	 * is kept and how to go on, the JVM exits with the signal's status, no task fails on a model copy
	 * already deleted, and the run's scratch folder is gone; --resume then finishes it.
	 */
	@Test
	public void aTerminatedRunSaysSoAndResumesToTheSameResult() throws IOException, InterruptedException {
		Path out = tmp.getRoot().toPath().resolve("spark-terminated"), log = tmp.getRoot().toPath().resolve(
			"terminated.log");
		Path childTmp = Files.createDirectories(tmp.getRoot().toPath().resolve("terminated-tmp"));
		Process p = startedScoring(out, childTmp, log);
		p.destroy();
		assertTrue("the run ended after SIGTERM", p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES));
		String said = Files.readString(log);
		assertEquals(said, 143, p.exitValue());
		assertTrue(said, said.contains("ganomaly-spark score: interrupted; the finished parts are kept in " + out +
			": run the same command with --resume to score the rest"));
		assertFalse("no task failed on the deleted model copy, nothing else logged as an error:\n" + said, said
			.contains("cannot use the model") || said.contains("ERROR"));
		try (Stream<Path> list = Files.list(childTmp)) {
			List<String> left = list.map(f -> f.getFileName().toString()).toList();
			assertTrue("the scratch folder is removed at the exit: " + left, left.stream().noneMatch(n -> n.startsWith(
				"ganomaly-spark.pid" + p.pid() + ".")));
		}
		List<String> resume = new ArrayList<>(List.of(sparkArgs(out, "local[2]", "--planes-per-task", "1")));
		resume.add("--resume");
		SparkScore.Summary s = spark(resume.toArray(new String[0]));
		assertTrue("finished bands are skipped: " + s, s.bandsAlreadyDone() > 0);
		assertSameAsReference(out, reference);
	}

	/**
	 * A run of {@code local[1]}, one plane a task, into {@code out} in a JVM of its own whose temporary
	 * folder is {@code childTmp} and whose output goes to {@code log}, once its first band is finished.
	 */
	private Process startedScoring(Path out, Path childTmp, Path log) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
			.toString()));
		// this JVM's own options (Spark's --add-opens, the compiler directives), each one argument as given
		command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
		command.addAll(List.of("-Djava.io.tmpdir=" + childTmp, "-Dganomaly.engine.dir=" + System.getProperty(
			"ganomaly.engine.dir"), "-cp", System.getProperty("java.class.path"), SparkScore.class.getName()));
		command.addAll(List.of(sparkArgs(out, "local[1]", "--planes-per-task", "1")));
		Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		long deadline = System.nanoTime() + 120_000_000_000L;
		while (finishedBands(out) == 0 && p.isAlive() && System.nanoTime() < deadline)
			Thread.sleep(20);
		if (finishedBands(out) == 0) {
			p.destroyForcibly().waitFor();
			throw new AssertionError("the run did not start scoring: " + Files.readString(log));
		}
		return p;
	}

	/**
	 * A resumed run redoes the inputs that changed since the interruption (finished map and rows, or
	 * finished bands) and keeps the others' work; another model file (same path, size and date, other
	 * bytes) or other settings are refused.
	 */
	@Test
	public void aResumeRedoesTheInputsThatChangedAndRefusesAnotherModel() throws IOException {
		Path root = tmp.getRoot().toPath(), in = copyOfInputs("inputs-changing"), ownModel = root.resolve(
			"changing.ganomaly.zip"), out = root.resolve("spark-changing");
		Files.copy(model, ownModel);
		// local[1]: tasks run one by one in input order, and the first failure stops the job
		System.setProperty(SparkScore.FAIL_KEY, hyper + ":0:always");
		assertEquals(1, SparkScore.run(sparkArgs(out, ownModel, in, "local[1]", "--planes-per-task", "3"),
			new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
		System.clearProperty(SparkScore.FAIL_KEY);
		assertTrue("the map of the input before hyper.tif was written", Files.exists(Parts.done(out, 0)));
		assertTrue("normal_01.tif, a file of one band, is done without parts", Files.exists(Parts.done(out, 3)) &&
			!Files.exists(Parts.band(out, 3, 1, 1, "csv")));
		for (String map : List.of("anomalous_blur_anomaly.tif", "normal_01_anomaly.tif", "stack_anomalous_anomaly.tif"))
			assertTrue("maps are written as their files finish, before the run ends: " + map, Files.isRegularFile(out
				.resolve(map)));
		// hyper.tif's map failed in its band task and in its last step: its parts stay for a resume
		assertFalse("hyper.tif is not done", Files.exists(Parts.done(out, hyper)));
		for (int first = 1; first <= 12; first += 3)
			assertTrue("hyper.tif's band from plane " + first + " keeps its map part", MapParts.validMap(Parts.band(out,
				hyper, first, first + 2, "map"), 3, 128 * 128, 4));

		byte[] modelBytes = Files.readAllBytes(ownModel);
		java.nio.file.attribute.FileTime modelTime = Files.getLastModifiedTime(ownModel);
		byte[] other = modelBytes.clone();
		other[10] ^= 1; // the first zip entry's time: a valid model file of the same size, other bytes
		Files.write(ownModel, other);
		Files.setLastModifiedTime(ownModel, modelTime);
		assertRefused(sparkArgs(out, ownModel, in, "local[1]", "--planes-per-task", "3", "--resume"),
			"used another model file or version of it");
		Files.write(ownModel, modelBytes);
		Files.setLastModifiedTime(ownModel, modelTime);
		assertRefused(sparkArgs(out, ownModel, in, "local[1]", "--planes-per-task", "3", "--resume", "--stride", "16"),
			"used other settings (stride 8,");

		for (String name : List.of("anomalous_blur.tif", "normal_01.tif")) { // both done
			ImagePlus changed = IJ.openImage(in.resolve(name).toString());
			changed.getProcessor().invert();
			assertTrue(new FileSaver(changed).saveAsTiff(in.resolve(name).toString()));
		}
		SparkScore.Summary s = spark(sparkArgs(out, ownModel, in, "local[2]", "--planes-per-task", "3", "--resume"));
		assertEquals("both changed inputs were noticed: " + s, 2, s.inputsChanged());
		assertEquals("hyper.tif's and stack_anomalous.tif's finished bands are kept: " + s, 4 + 2, s.bandsAlreadyDone());
		Path expected = root.resolve("reference-changing");
		assertEquals(0, cli(scoreArgs("score", expected, in, "--threads", "2")));
		assertSameAsReference(out, expected);
		List<String> before = Files.readAllLines(reference.resolve("scores.csv")), after = Files.readAllLines(out.resolve(
			"scores.csv"));
		for (int i = 1; i < before.size(); i++) {
			boolean changed = before.get(i).startsWith("anomalous_blur.tif,") || before.get(i).startsWith("normal_01.tif,");
			assertEquals(after.get(i), !changed, before.get(i).equals(after.get(i)));
		}
		for (String map : List.of("anomalous_blur_anomaly.tif", "hyper_anomaly.tif", "normal_01_anomaly.tif",
			"stack_anomalous_anomaly.tif"))
			assertEquals(map, map.startsWith("hyper") || map.startsWith("stack"), java.util.Arrays.equals(Files
				.readAllBytes(reference.resolve(map)), Files.readAllBytes(out.resolve(map))));
	}

	/**
	 * Parts that a crash left empty or garbled (a file's rows, a band's rows, a band's map cut short or
	 * of the right size but with bytes that never reached the disk) are redone on resume, and only they:
	 * a file whose rows are garbled after its map was written is scored again.
	 */
	@Test
	public void emptyOrGarbledPartsAreRedoneOnResume() throws IOException {
		Path out = tmp.getRoot().toPath().resolve("spark-garbled");
		System.setProperty(SparkScore.FAIL_KEY, hyper + ":0:always"); // every band done, every map but hyper's written
		assertEquals(1, SparkScore.run(sparkArgs(out, "local[1]", "--planes-per-task", "3"), new PrintStream(
			new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
		System.clearProperty(SparkScore.FAIL_KEY);
		int stack = hyper + 2; // anomalous_blur, broken, hyper, normal_01, stack_anomalous, twochannel
		List<Path> garbled = List.of(Parts.done(out, 0), Parts.band(out, hyper, 1, 3, "csv"), Parts.band(out, hyper, 4,
			6, "map"), Parts.done(out, stack), Parts.band(out, hyper, 7, 9, "map"));
		for (Path p : garbled)
			assertTrue(p + " was written", Files.size(p) > 0);
		Files.write(garbled.get(0), new byte[0]);
		Files.writeString(garbled.get(1), "anomalous_blur.tif,1,0.5,false\n\0\0\0");
		Files.write(garbled.get(2), java.util.Arrays.copyOf(Files.readAllBytes(garbled.get(2)), 1000));
		Files.write(garbled.get(3), new byte[64]);
		// renamed, but its data lost: a part of the right size holding zeros, as a crashed node may leave it
		Files.write(garbled.get(4), new byte[(int) Files.size(garbled.get(4))]);

		SparkScore.Summary s = spark(sparkArgs(out, "local[2]", "--planes-per-task", "3", "--resume"));
		assertEquals("the bands of anomalous_blur.tif and stack_anomalous.tif (their map parts are gone) and three " +
			"garbled bands of hyper.tif: " + s, 1 + 2 + 3, s.bandsScored());
		assertEquals("hyper.tif's other band and normal_01.tif's: " + s, 8 - 6, s.bandsAlreadyDone());
		assertSameAsReference(out, reference);
	}

	/**
	 * A map part that lost its bytes (zeros of the right size, as a crashed node may leave a renamed
	 * part) or its checksum never goes into a map: its band is scored again on resume, while the
	 * file's other bands, done, would assemble the map first.
	 */
	@Test
	public void aMapPartThatLostItsBytesIsScoredAgainNotAssembled() throws IOException {
		Path out = tmp.getRoot().toPath().resolve("spark-lost");
		System.setProperty(SparkScore.FAIL_KEY, hyper + ":0:always"); // every band done, hyper.tif's map not written
		assertEquals(1, SparkScore.run(sparkArgs(out, "local[1]", "--planes-per-task", "3"), new PrintStream(
			new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
		System.clearProperty(SparkScore.FAIL_KEY);
		Path zeroed = Parts.band(out, hyper, 7, 9, "map"), unchecked = Parts.band(out, hyper, 10, 12, "map");
		Files.write(zeroed, new byte[(int) Files.size(zeroed)]);
		Files.delete(MapParts.checksum(unchecked));
		SparkScore.Summary s = spark(sparkArgs(out, "local[2]", "--planes-per-task", "3", "--resume"));
		assertEquals("hyper.tif's bands from planes 7 and 10: " + s, 2, s.bandsScored());
		assertSameAsReference(out, reference);
	}

	/** A copy of the inputs in a folder of their own. */
	private static Path copyOfInputs(String name) throws IOException {
		Path copy = Files.createDirectories(tmp.getRoot().toPath().resolve(name));
		try (Stream<Path> list = Files.list(inputs)) {
			for (Path p : list.toList())
				Files.copy(p, copy.resolve(p.getFileName()));
		}
		return copy;
	}

	private static void assertRefused(String[] args, String why) {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		assertEquals(err.toString(), 2, SparkScore.run(args, new PrintStream(new ByteArrayOutputStream()),
			new PrintStream(err)));
		List<String> lines = err.toString().lines().toList();
		assertTrue(err.toString(), lines.get(0).startsWith("ganomaly-spark score: --resume: the unfinished run in ") &&
			lines.get(0).contains(why) && lines.get(0).endsWith("; run without --resume to start again"));
	}

	private static long finishedBands(Path out) throws IOException {
		Path parts = Parts.root(out).resolve("parts");
		if (!Files.isDirectory(parts)) return 0;
		try (Stream<Path> walk = Files.walk(parts)) {
			return walk.filter(f -> f.getFileName().toString().matches("\\d+-\\d+\\.csv")).count();
		}
		catch (java.io.UncheckedIOException e) { // a part renamed while listed
			return 0;
		}
	}

	@Test
	public void sixteenBitMapsAreTheCommandLinesAndReadBackAsScores() throws IOException {
		Path out = tmp.getRoot().toPath().resolve("spark-16bit");
		spark(sparkArgs(out, "local[2]", "--planes-per-task", "4", "--maps", "16bit"));
		assertSameAsReference(out, reference16);
		ImagePlus f = IJ.openImage(reference.resolve("hyper_anomaly.tif").toString());
		ImagePlus s = IJ.openImage(reference16.resolve("hyper_anomaly.tif").toString());
		assertEquals(16, s.getBitDepth());
		assertEquals(f.getStackSize(), s.getStackSize());
		assertTrue(Files.size(reference16.resolve("hyper_anomaly.tif")) < 0.6 * Files.size(reference.resolve(
			"hyper_anomaly.tif")));
		for (int i = 1; i <= f.getStackSize(); i++) {
			float[] expected = (float[]) f.getStack().getProcessor(i).getPixels();
			short[] stored = (short[]) s.getStack().getProcessor(i).getPixels();
			for (int k = 0; k < expected.length; k += 97)
				assertEquals(expected[k], s.getCalibration().getCValue(stored[k] & 0xffff), MapFiles.STEP / 2 + 1e-6);
		}

		Path none = tmp.getRoot().toPath().resolve("spark-none");
		spark(sparkArgs(none, "local[2]", "--maps", "none"));
		assertArrayEquals(Files.readAllBytes(reference.resolve("scores.csv")), Files.readAllBytes(none.resolve(
			"scores.csv")));
		try (Stream<Path> list = Files.list(none)) {
			assertEquals(List.of(".ganomaly-score.run", "failures.csv", "scores.csv"), list.map(p -> p.getFileName().toString()).sorted()
				.toList());
		}
	}

	/**
	 * bfloat16 on the executors gives ganomaly score's bfloat16 bytes, or is refused where the CPU
	 * lacks it. The precision is the network's, so this scores with the network's latent score (the
	 * model's default, texture, needs no network).
	 */
	@Test
	public void bfloat16IsTheCommandLinesOrRefused() throws IOException {
		Path ref = tmp.getRoot().toPath().resolve("reference-bf16"), out = tmp.getRoot().toPath().resolve("spark-bf16"),
				ref32 = tmp.getRoot().toPath().resolve("reference-latent");
		if (sc.fiji.ganomaly.engine.Precision.unsupportedReason(sc.fiji.ganomaly.engine.Precision.BFLOAT16) != null) {
			ByteArrayOutputStream err = new ByteArrayOutputStream();
			assertEquals(1, SparkScore.run(sparkArgs(out, "local[1]", "--precision", "bfloat16"),
				new PrintStream(new ByteArrayOutputStream()), new PrintStream(err)));
			assertTrue(err.toString(), err.toString().contains("AVX512_BF16 or AMX"));
			return;
		}
		assertEquals(0, cli(scoreArgs("score", ref, "--threads", "2", "--precision", "bfloat16", "--score", "latent")));
		assertEquals(0, cli(scoreArgs("score", ref32, "--threads", "2", "--score", "latent")));
		spark(sparkArgs(out, "local[2]", "--precision", "bfloat16", "--planes-per-task", "3", "--score", "latent"));
		assertSameAsReference(out, ref);
		assertFalse("bfloat16 maps equal float32's", java.util.Arrays.equals(
			Files.readAllBytes(ref32.resolve("hyper_anomaly.tif")), Files.readAllBytes(out.resolve("hyper_anomaly.tif"))));
	}

	/**
	 * A plate's wells, folders of sites of the same names, scored in one run: named by their paths below
	 * the plate (rows A01/s1.tif, maps A01/s1_anomaly.tif), the command line's bytes, stacks split into
	 * bands as well as single planes.
	 */
	@Test
	public void aPlatesWellsOfSitesOfOneNameAreTheCommandLines() throws IOException {
		Path plate = tmp.getRoot().toPath().resolve("plate"), ref = tmp.getRoot().toPath().resolve("plate-cli"),
			out = tmp.getRoot().toPath().resolve("plate-spark");
		for (String well : List.of("A01", "A02")) {
			Files.createDirectories(plate.resolve(well));
			Files.copy(inputs.resolve(well.equals("A01") ? "hyper.tif" : "normal_01.tif"), plate.resolve(well).resolve(
				"s1.tif"));
		}
		// a file of the plate's own folder beside a broken one of the same name below it: only the broken one's map goes
		Files.copy(inputs.resolve("anomalous_blur.tif"), plate.resolve("s1.tif"));
		Files.writeString(Files.createDirectories(plate.resolve("A03")).resolve("s1.tif"), "not an image");
		String glob = plate + "/**/*.tif";
		assertEquals(ScoreBatch.SOME_FAILED, cli("score", "--model", model.toString(), "--output", ref.toString(),
			"--threads", "2", "--input", glob));
		SparkScore.Summary s = spark(new String[] { "score", "--model", model.toString(), "--output", out.toString(),
			"--master", "local[2]", "--planes-per-task", "5", "--input", glob });
		assertEquals(1, s.failures());
		List<String> rows = Files.readAllLines(out.resolve("scores.csv"));
		assertEquals(Files.readAllLines(ref.resolve("scores.csv")), rows);
		assertTrue(rows.toString(), rows.get(1).startsWith("A01/s1.tif,1,") && rows.get(rows.size() - 1).startsWith(
			"s1.tif,1,"));
		for (String map : List.of("A01/s1_anomaly.tif", "A02/s1_anomaly.tif", "s1_anomaly.tif"))
			assertArrayEquals(map, Files.readAllBytes(ref.resolve(map)), Files.readAllBytes(out.resolve(map)));
	}

	@Test
	public void badOptionsGetOneLineNamingTheOption() {
		Path out = tmp.getRoot().toPath().resolve("spark-bad");
		String[][] cases = { { "--planes-per-task", "0" }, { "--maps", "8bit" }, { "--stride", "99" },
			{ "--precision", "half" } };
		String[] expected = { "--planes-per-task must be at least 1", "--maps must be float, 16bit or none",
			"--stride must lie between 1 and the patch size 32", "--precision: precision must be float32 or bfloat16, not half" };
		for (int i = 0; i < cases.length; i++) {
			ByteArrayOutputStream err = new ByteArrayOutputStream();
			int code = SparkScore.run(sparkArgs(out, "local[1]", cases[i]), new PrintStream(new ByteArrayOutputStream()),
				new PrintStream(err));
			assertEquals(err.toString(), 2, code);
			assertTrue(err.toString(), err.toString().startsWith("ganomaly-spark score: " + expected[i]));
		}
	}

	/** A file name holding a terminal's escape sequence is shown with ? for its control characters, as the command line shows it. */
	@Test
	public void aRefusalNamingAFileShowsNoControlCharacters() {
		Path out = tmp.getRoot().toPath().resolve("spark-escape");
		String name = tmp.getRoot().toPath().resolve("gone\u001b[2J.tif").toString();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		String[] args = sparkArgs(out, "local[1]");
		for (int i = 0; i < args.length; i++)
			if (args[i].equals("--input")) args[i + 1] = name;
		int code = SparkScore.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
		assertEquals(err.toString(), 2, code);
		assertEquals("ganomaly-spark score: --input: " + name.replace('\u001b', '?') + " is no file, and no glob either " +
			"(missing ]); a name holding [ or { is taken as typed only when that file exists\n", err.toString());
	}

	/** scores.csv and every map equal the reference's, byte for byte; nothing temporary is left. */
	private static void assertSameAsReference(Path out, Path ref) throws IOException {
		assertArrayEquals(Files.readAllBytes(ref.resolve("scores.csv")), Files.readAllBytes(out.resolve("scores.csv")));
		List<String> maps;
		try (Stream<Path> list = Files.list(ref)) {
			maps = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("_anomaly.tif")).sorted().toList();
		}
		assertEquals(good.size(), maps.size());
		for (String map : maps)
			assertArrayEquals(map, Files.readAllBytes(ref.resolve(map)), Files.readAllBytes(out.resolve(map)));
		try (Stream<Path> list = Files.list(out)) {
			List<String> names = list.map(p -> p.getFileName().toString()).sorted().toList();
			List<String> expected = new ArrayList<>(maps);
			expected.add("failures.csv");
			expected.add("scores.csv");
			expected.add(".ganomaly-score.run"); // the run's record, as the command line keeps it
			assertEquals("no parts or temporary files left", expected.stream().sorted().toList(), names);
		}
	}

	private static String[] scoreArgs(String command, Path output, String... more) {
		return scoreArgs(command, output, inputs, more);
	}

	private static String[] scoreArgs(String command, Path output, Path inputs, String... more) {
		List<String> a = new ArrayList<>(List.of(command, "--model", model.toString(), "--output", output.toString()));
		a.addAll(List.of(more));
		a.add("--input");
		for (String name : good)
			a.add(inputs.resolve(name).toString());
		return a.toArray(new String[0]);
	}

	private static String[] sparkArgs(Path output, String master, String... more) {
		return sparkArgs(output, model, inputs, master, more);
	}

	private static String[] sparkArgs(Path output, Path model, Path inputs, String master, String... more) {
		List<String> a = new ArrayList<>(List.of("score", "--model", model.toString(), "--output", output.toString(),
			"--master", master, "--input", inputs + "/*.tif"));
		a.addAll(List.of(more));
		return a.toArray(new String[0]);
	}

	private static SparkScore.Summary spark(String[] args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		SparkScore.Summary s = SparkScore.score(java.util.Arrays.copyOfRange(args, 1, args.length), new PrintStream(out,
			true, StandardCharsets.UTF_8));
		System.out.print(out);
		return s;
	}

	private static int cli(String... args) {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
		if (code != 0) System.err.print(err);
		return code;
	}
}
