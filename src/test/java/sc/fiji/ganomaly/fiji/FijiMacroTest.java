package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.IJ;
import ij.ImagePlus;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.ij.ImagePlusPlanes;
import sc.fiji.ganomaly.ij.ImagePlusScorer;
import sc.fiji.ganomaly.core.GanomalyModel;

/**
 * Batch macros in a real ImageJ2 runtime (imagej-legacy + ImageJ 1.x, started as Fiji starts;
 * {@code ../shared/fiji-runtime}), headless and in the GUI under Xvfb: the macro trains from a
 * folder, scores an image and a stack, reads the Results table, saves maps, runs the shipped
 * folder script (a broken file in the folder costs that file only), and a wrong image title stops it. No dialog may open but the error's.
 * In the GUI a mouse click on the loss chart's Stop button ends a long training with its best model. Skipped
 * where the runtime (or, for the GUI, Xvfb) is not there.
 */
public class FijiMacroTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static final Path PROJECT = Paths.get("").toAbsolutePath();
	static final Path RUNTIME = PROJECT.resolve("../shared/fiji-runtime").normalize();
	static Path app;

	@BeforeClass
	public static void install() throws Exception {
		assumeTrue("skipped: no ImageJ2 runtime at " + RUNTIME + " (it comes with the project's shared folder)",
			Files.isExecutable(RUNTIME.resolve("fiji")));
		app = tmp.getRoot().toPath().resolve("Fiji.app");
		ProcessBuilder pb = new ProcessBuilder("bash", "scripts/install-into-fiji", app.toString()).redirectErrorStream(true);
		pb.environment().put("GANOMALY_NO_BUILD", "1");
		String log = run(pb, 120);
		assertTrue(log, log.contains("installed into"));
	}

	@Test
	public void batchMacroHeadless() throws Exception {
		String out = runMacro("headless");
		assertTrue(out, out.contains("Macro Error: image: no open image is titled 'no such image'"));
	}

	@Test
	public void batchMacroInTheGui() throws Exception {
		assumeTrue("skipped: the GUI test needs Xvfb (apt-get install -y xvfb)", onPath("Xvfb"));
		String out = runMacro("gui");
		// dialogs while the macro runs (the launcher quits Fiji right after it)
		int end = out.indexOf("[launch] macro returned");
		assertTrue(out, end > 0);
		List<String> dialogs = out.substring(0, end).lines().filter(l -> l.contains("DIALOG appeared")).toList();
		assertEquals("only the error's dialog opens: " + dialogs + "\n" + out, 1, dialogs.size());
		assertTrue(dialogs.get(0), dialogs.get(0).contains("'Score Anomalies'"));
		// what the commands did is in ImageJ's Log window, where ImageJ's own commands write theirs
		String logWindow = out.substring(out.indexOf("[launch] LOG WINDOW:"));
		assertTrue(out, logWindow.contains("Train GANomaly: Trained the texture statistics") &&
			logWindow.contains("written to " + tmp.getRoot().toPath().resolve("gui/m.ganomaly.zip")));
		assertTrue(out, Pattern.compile("Score Anomalies in Folder: 2 file\\(s\\), \\d+ plane\\(s\\) scored into .*; 1 file\\(s\\) " +
			"could not be scored").matcher(logWindow).find());
		// and so is the refusal that stopped the macro, once its dialog is closed
		assertTrue(out, logWindow.contains("Score Anomalies: image: no open image is titled 'no such image'"));

		// the menu command, recorded, replays the same run in a headless macro
		Path dir = tmp.getRoot().toPath().resolve("gui");
		Path image = dir.resolve("score/anomalous_giant.tif");
		String recorded = run(new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), app.toString(), "record",
			image.toString(), "Score Anomalies").redirectErrorStream(true), 300);
		Matcher line = Pattern.compile("run\\(\"Score Anomalies\", \"[^\n]*\"\\);").matcher(recorded);
		assertTrue(recorded, line.find());
		assertTrue(line.group(), line.group().contains("image=anomalous_giant.tif ") &&
			line.group().contains("model=" + dir.resolve("m.ganomaly.zip")));
		Path replay = dir.resolve("replay.ijm");
		Files.writeString(replay, "setBatchMode(true);\nopen(\"" + image + "\");\n" + line.group() + "\n" +
			"selectImage(\"anomalous_giant.tif anomaly map\");\nsaveAs(\"Tiff\", \"" + dir.resolve("out/replayed.tif") +
			"\");\n");
		String replayed = run(new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), app.toString(), "headless",
			replay.toString()).redirectErrorStream(true), 300);
		try (GanomalyModel model = GanomalyModel.load(dir.resolve("m.ganomaly.zip"))) {
			assertMap(ImagePlusScorer.score(model, IJ.openImage(image.toString()), 4,
				sc.fiji.ganomaly.core.api.ProgressListener.NONE).anomalyMap(), dir.resolve("out/replayed.tif"));
		}
		assertFalse(replayed, replayed.contains("Macro Error"));
	}

	@Test
	public void stopButtonKeepsTheBestModel() throws Exception {
		assumeTrue("skipped: the GUI test needs Xvfb (apt-get install -y xvfb)", onPath("Xvfb"));
		Path dir = tmp.newFolder("stop").toPath();
		Files.createDirectories(dir.resolve("train"));
		for (String n : List.of("normal_01.tif", "normal_02.tif", "normal_03.tif"))
			Files.copy(PROJECT.resolve("test-images").resolve(n), dir.resolve("train").resolve(n));
		Files.copy(PROJECT.resolve("test-images/normal_01.tif"), dir.resolve("normal_01.tif"));
		installClicker(app);
		long start = System.nanoTime();
		String out = run(new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), app.toString(), "gui",
			PROJECT.resolve("src/test/resources/stop-training.ijm").toString(), dir + ",1,,0").redirectErrorStream(true), 400);
		double seconds = (System.nanoTime() - start) / 1e9;
		assertTrue(out, out.contains("[clicker] clicked 'Stop'"));
		assertTrue(out, out.contains("RESULT after training 1"));
		assertFalse(out, out.contains("Exception"));
		Path saved = dir.resolve("stopped.ganomaly.zip");
		try (GanomalyModel model = GanomalyModel.load(saved)) {
			var training = model.manifest().training();
			assertTrue(training.toString(), training.network().canceled());
			int run = ((Number) training.figures().get("epochs_run")).intValue();
			assertTrue(training + " after " + seconds + " s", run >= 1 && run < 40);
			assertTrue(training.toString(), training.network().bestEpoch() >= 1);
			// the best epoch's model was calibrated after the Stop: on the texture score's scale, the giant nucleus
			// lies above the threshold and a training image below it
			GanomalyModel texture = model.withScore(sc.fiji.ganomaly.core.api.ScoreKind.TEXTURE);
			float giant = ImagePlusScorer.score(texture, IJ.openImage(PROJECT.resolve("test-images/anomalous_giant.tif")
				.toString()), 4, ProgressListener.NONE).scores().get(0).score(), normal = ImagePlusScorer.score(texture, IJ
					.openImage(PROJECT.resolve("test-images/normal_01.tif").toString()), 4, ProgressListener.NONE).scores().get(
						0).score();
			assertTrue("giant " + giant + ", normal " + normal, giant > 1 && normal < 1);
			// and the network's own score, calibrated from the best epoch, scores on its scale
			float own = ImagePlusScorer.score(model, IJ.openImage(PROJECT.resolve("test-images/anomalous_giant.tif")
				.toString()), 4, ProgressListener.NONE).scores().get(0).score();
			assertTrue("latent " + own, Float.isFinite(own));
		}
		assertTrue("a stopped training can be resumed", Files.isDirectory(dir.resolve("stopped.ganomaly.zip.checkpoint")));
		System.out.println("stop test: " + Math.round(seconds) + " s in the runtime");
	}

	/**
	 * In the GUI the folder command's Stop button ends scoring between planes: the rows and maps of
	 * finished files are kept, nothing half-written is left, and the macro goes on.
	 */
	@Test
	public void stopButtonEndsFolderScoringKeepingFinishedFiles() throws Exception {
		assumeTrue("skipped: the GUI test needs Xvfb (apt-get install -y xvfb)", onPath("Xvfb"));
		Path dir = tmp.newFolder("stop-scoring").toPath();
		Files.createDirectories(dir.resolve("in"));
		int files = 16;
		for (int i = 0; i < files; i++)
			Files.copy(PROJECT.resolve("test-images/normal_01.tif"), dir.resolve("in").resolve(String.format("n%02d.tif", i)));
		TrainingData data = new TrainingData();
		for (String n : List.of("normal_01.tif", "normal_02.tif", "normal_03.tif"))
			data.add(n, ImagePlusPlanes.of(IJ.openImage(PROJECT.resolve("test-images").resolve(n).toString())).get(0).image());
		try (GanomalyModel model = Ganomaly.train(data, new TrainingSettings().patchSize(16).epochs(1).patchesPerEpoch(256)
			.nz(16).ngf(8).ndf(8).score(ScoreKind.LATENT).seed(1), ProgressListener.NONE))
		{
			model.save(dir.resolve("model.ganomaly.zip"));
		}
		installClicker(app);
		String out = run(new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), app.toString(), "gui",
			PROJECT.resolve("src/test/resources/stop-scoring.ijm").toString(), dir.toString()).redirectErrorStream(true), 400);
		assertTrue(out, out.contains("[clicker] clicked 'Stop'"));
		assertTrue(out, out.contains("RESULT after scoring"));
		assertFalse(out, out.contains("Exception"));
		Path output = dir.resolve("out");
		List<String> rows = Files.readAllLines(output.resolve("scores.csv"));
		int scored = rows.size() - 1;
		assertTrue(rows.size() + " rows: the stop came before every file was scored", scored < files);
		try (var list = Files.list(output)) {
			List<String> names = list.map(f -> f.getFileName().toString()).sorted().toList();
			assertEquals(names.toString(), List.of(), names.stream().filter(n -> n.contains("partial") || n.endsWith(".tmp"))
				.toList());
			List<String> maps = names.stream().filter(n -> n.endsWith(".tif")).toList();
			assertEquals(names.toString(), scored, maps.size());
			for (String m : maps)
				assertEquals(m, 128, IJ.openImage(output.resolve(m).toString()).getWidth());
		}
	}

	/**
	 * The shipped macros given too few arguments say what they take instead of failing on an index, and a
	 * path holding a comma is told apart (the arguments separated by | instead).
	 */
	@Test
	public void shippedMacrosGivenTooFewArgumentsSayWhatTheyTake() throws Exception {
		String out = run(new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), app.toString(), "headless",
			PROJECT.resolve("scripts/score_folder.ijm").toString(), "/data/in,/data/m.ganomaly.zip").redirectErrorStream(
				true), 120);
		assertTrue(out, out.contains("score_folder.ijm takes \"FOLDER,MODEL,OUTPUT[,KEYS]\", not \"/data/in," +
			"/data/m.ganomaly.zip\""));
		assertFalse(out, out.contains("Index"));
		out = run(new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), app.toString(), "headless", PROJECT
			.resolve("scripts/train_from_folder.ijm").toString(), "/data/normal").redirectErrorStream(true), 120);
		assertTrue(out, out.contains("train_from_folder.ijm takes \"FOLDER,MODEL[,KEYS]\", not \"/data/normal\""));
		// a folder whose name holds a comma: cut there, the rest is no key; separated by | it is the folder
		out = run(new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), app.toString(), "headless", PROJECT
			.resolve("scripts/score_folder.ijm").toString(), "/data/exp 3,4,/data/m.ganomaly.zip,/data/out")
				.redirectErrorStream(true), 120);
		assertTrue(out, out.contains("score_folder.ijm: \"/data/out\" is no key but part of a path; when a path holds a " +
			"comma, separate the arguments with | instead"));
		out = run(new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), app.toString(), "headless", PROJECT
			.resolve("scripts/score_folder.ijm").toString(), "/data/exp 3,4|/data/m.ganomaly.zip|/data/out")
				.redirectErrorStream(true), 120);
		assertTrue(out, out.contains("folder: /data/exp 3,4"));
	}

	/**
	 * Stop in Score Anomalies, which then makes neither map nor table, stops the macro that ran it,
	 * with one dialog saying so: its next lines would read an earlier run's Results.
	 */
	@Test
	public void stopButtonInScoreAnomaliesStopsTheMacro() throws Exception {
		assumeTrue("skipped: the GUI test needs Xvfb (apt-get install -y xvfb)", onPath("Xvfb"));
		Path dir = tmp.newFolder("stop-one").toPath();
		TrainingData data = new TrainingData();
		for (String n : List.of("normal_01.tif", "normal_02.tif"))
			data.add(n, ImagePlusPlanes.of(IJ.openImage(PROJECT.resolve("test-images").resolve(n).toString())).get(0).image());
		try (GanomalyModel model = Ganomaly.train(data, new TrainingSettings().patchSize(16).epochs(1).patchesPerEpoch(64)
			.nz(16).ngf(8).ndf(8).score(ScoreKind.LATENT).seed(1), ProgressListener.NONE))
		{
			model.save(dir.resolve("model.ganomaly.zip"));
		}
		installClicker(app);
		Path macro = dir.resolve("stop-one.ijm");
		Files.writeString(macro, "newImage(\"big\", \"32-bit ramp\", 1024, 1024, 1);\n" +
			"call(\"sc.fiji.ganomaly.fiji.StopClicker.clickWhenShown\", \"Score Anomalies\", \"300\");\n" +
			"run(\"Score Anomalies\", \"image=big model=[" + dir.resolve("model.ganomaly.zip") + "] stride=1 score=latent\");\n" +
			"print(\"RESULT after scoring\");\n");
		assertStopEndsTheMacro(macro, "Score Anomalies", "RESULT after scoring");
	}

	/**
	 * Runs {@code macro} in the GUI, whose clicker presses Stop in {@code command}, and checks that the
	 * macro ends there ({@code after}, printed by its next line, is not) with one dialog, titled with
	 * the command.
	 */
	private static void assertStopEndsTheMacro(Path macro, String command, String after) throws Exception {
		String out = run(new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), app.toString(), "gui", macro
			.toString()).redirectErrorStream(true), 300);
		assertTrue(out, out.contains("[clicker] clicked 'Stop'"));
		assertFalse("the macro stops:\n" + out, out.contains(after));
		List<String> dialogs = out.lines().filter(l -> l.contains("DIALOG appeared")).toList();
		assertEquals(out, 1, dialogs.size());
		assertTrue(dialogs.get(0), dialogs.get(0).contains("'" + command + "'"));
	}

	/**
	 * Stop in a training that has not written its model yet (the texture statistics' fit) stops the
	 * macro that ran it, with one dialog: its next lines would use an earlier model of that name,
	 * which stays as it was.
	 */
	@Test
	public void stopButtonBeforeTheModelIsWrittenStopsTheMacro() throws Exception {
		assumeTrue("skipped: the GUI test needs Xvfb (apt-get install -y xvfb)", onPath("Xvfb"));
		Path dir = tmp.newFolder("stop-texture").toPath();
		Files.createDirectories(dir.resolve("train"));
		for (String n : List.of("normal_01.tif", "normal_02.tif", "normal_03.tif", "normal_04.tif", "stack_normal.tif"))
			Files.copy(PROJECT.resolve("test-images").resolve(n), dir.resolve("train").resolve(n));
		Path model = dir.resolve("texture.ganomaly.zip");
		// an earlier model, as far as a training looks (a zip holding a manifest)
		java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
		try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(zipped)) {
			zip.putNextEntry(new java.util.zip.ZipEntry("manifest.json"));
			zip.write("an earlier model".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		byte[] earlier = zipped.toByteArray();
		Files.write(model, earlier);
		installClicker(app);
		Path macro = dir.resolve("stop-texture.ijm");
		Files.writeString(macro, "call(\"sc.fiji.ganomaly.fiji.StopClicker.clickWhenShown\", \"Train GANomaly\", \"100\");\n" +
			"run(\"Train GANomaly\", \"folder=[" + dir.resolve("train") + "] model=[" + model + "] score=texture\");\n" +
			"print(\"RESULT after training\");\n");
		assertStopEndsTheMacro(macro, "Train GANomaly", "RESULT after training");
		assertArrayEquals("the earlier model stays", earlier, Files.readAllBytes(model));
	}

	/**
	 * In the GUI a score choice that does not exist stops the macro with one dialog naming the
	 * parameter, before the model is read, and leaves no progress window behind.
	 */
	@Test
	public void aBadScoreChoiceStopsTheMacroAndLeavesNoWindowInTheGui() throws Exception {
		assumeTrue("skipped: the GUI test needs Xvfb (apt-get install -y xvfb)", onPath("Xvfb"));
		Path macro = tmp.newFile("bad-score.ijm").toPath();
		Files.writeString(macro, "open(\"" + PROJECT.resolve("test-images/normal_05.tif") + "\");\n" +
			"run(\"Score Anomalies\", \"model=[" + tmp.getRoot().toPath().resolve("never-read.ganomaly.zip") +
			"] score=nice\");\nprint(\"RESULT after failure\");\n");
		String out = run(new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), app.toString(), "gui",
			macro.toString()).redirectErrorStream(true), 300);
		int end = out.indexOf("[launch] macro returned");
		assertTrue(out, end > 0);
		List<String> dialogs = out.substring(0, end).lines().filter(l -> l.contains("DIALOG appeared")).toList();
		assertEquals("only the error's dialog opens: " + dialogs + "\n" + out, 1, dialogs.size());
		assertTrue(dialogs.get(0), dialogs.get(0).contains("'Score Anomalies'"));
		assertFalse("a failure stops the macro:\n" + out, out.contains("RESULT after failure"));
		List<String> left = out.substring(end).lines().filter(l -> l.contains("showing window: JFrame 'Score Anomalies'"))
			.toList();
		assertEquals("no progress window is left:\n" + out, List.of(), left);
	}

	/**
	 * Score Anomalies without image= scores the image the macro is on, as its getTitle() names it, headless
	 * (batch mode): not an earlier anomaly map that an earlier command left as the current image of the pool
	 * thread it ran on. A texture model, trained in seconds, is enough.
	 */
	@Test
	public void scoreWithoutAnImageTakesTheMacrosCurrentImage() throws Exception {
		Path model = tmp.getRoot().toPath().resolve("current.ganomaly.zip");
		List<String> train = new java.util.ArrayList<>(List.of("train", "--model", model.toString(), "--patch-size", "16",
			"--score", "texture", "--input"));
		for (String n : List.of("normal_01.tif", "normal_02.tif", "normal_03.tif", "normal_04.tif"))
			train.add(PROJECT.resolve("test-images").resolve(n).toString());
		train(train);
		assertTrue(Files.isRegularFile(model));
		StringBuilder macro = new StringBuilder();
		String[] images = { "anomalous_giant.tif", "normal_05.tif", "normal_06.tif", "normal_05.tif" };
		for (int i = 0; i < images.length; i++) {
			macro.append(i == 3 ? "selectImage(\"normal_05.tif\");\n" : "open(\"" + PROJECT.resolve("test-images").resolve(
				images[i]) + "\");\n");
			macro.append("before = getTitle();\nrun(\"Score Anomalies\", \"model=[" + model + "]\");\n");
			macro.append("print(\"RESULT \" + before + \" scored \" + getResultString(\"image\", 0));\n");
		}
		Path file = tmp.newFile("current.ijm").toPath();
		Files.writeString(file, macro);
		String out = run(new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), app.toString(), "headless",
			file.toString()).redirectErrorStream(true), 300);
		List<String> results = out.lines().filter(l -> l.startsWith("RESULT ")).toList();
		assertEquals(out, List.of("RESULT anomalous_giant.tif scored anomalous_giant.tif",
			"RESULT normal_05.tif scored normal_05.tif", "RESULT normal_06.tif scored normal_06.tif",
			"RESULT normal_05.tif scored normal_05.tif"), results);
	}

	/** Score Anomalies out of memory stops the macro with one line, not a stack trace and a macro that goes on. */
	@Test
	public void outOfMemoryStopsTheMacroInOneLine() throws Exception {
		Path model = tmp.getRoot().toPath().resolve("memory.ganomaly.zip");
		train(List.of("train", "--model", model.toString(), "--score", "texture", "--input", PROJECT.resolve(
			"test-images/normal_01.tif").toString(), PROJECT.resolve("test-images/normal_02.tif").toString()));
		assertTrue(Files.isRegularFile(model));
		Path large = tmp.getRoot().toPath().resolve("large.tif");
		ij.ImageStack stack = new ij.ImageStack(2048, 2048);
		java.util.Random random = new java.util.Random(1);
		for (int z = 0; z < 6; z++) {
			short[] pixels = new short[2048 * 2048];
			for (int i = 0; i < pixels.length; i++)
				pixels[i] = (short) (1000 + random.nextInt(100));
			stack.addSlice(new ij.process.ShortProcessor(2048, 2048, pixels, null));
		}
		ij.IJ.saveAsTiff(new ij.ImagePlus("large", stack), large.toString());
		Path macro = tmp.newFile("memory.ijm").toPath();
		Files.writeString(macro, "run(\"TIFF Virtual Stack...\", \"open=[" + large + "]\");\nrun(\"Score Anomalies\", " +
			"\"model=[" + model + "]\");\nprint(\"RESULT after failure\");\n");
		ProcessBuilder fiji = new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), app.toString(), "headless",
			macro.toString()).redirectErrorStream(true);
		// two threads' texture work spaces and Fiji itself exceed this heap on any machine, whatever its cores
		fiji.environment().put("FIJI_JAVA_OPTS", "-Xmx128m -D" + DefaultGanomalyService.THREADS + "=2");
		String out = run(fiji, 300);
		assertTrue(out, out.contains("Macro Error: out of memory: Java may use at most "));
		assertFalse("a failure stops the macro:\n" + out, out.contains("RESULT after failure"));
		assertFalse(out, out.contains("OutOfMemoryError"));
	}

	/**
	 * Trains with the command line's code in this JVM: scripts/ganomaly would build the project (a second
	 * Maven in the folder of the running tests) on its first use.
	 */
	private static void train(List<String> args) {
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		java.io.PrintStream print = new java.io.PrintStream(out, true, StandardCharsets.UTF_8);
		assertEquals(out.toString(StandardCharsets.UTF_8), 0, sc.fiji.ganomaly.cli.Main.run(args.toArray(new String[0]),
			print, print));
	}

	/** Puts {@link StopClicker} (from the test classes) into the runtime's jars. */
	static void installClicker(Path app) throws IOException {
		Path classes = PROJECT.resolve("target/test-classes");
		try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(app.resolve("jars/ganomaly-test-clicker.jar")))) {
			try (var files = Files.list(classes.resolve("sc/fiji/ganomaly/fiji"))) {
				for (Path f : files.filter(f -> f.getFileName().toString().startsWith("StopClicker")).toList()) {
					jar.putNextEntry(new java.util.jar.JarEntry(classes.relativize(f).toString()));
					jar.write(Files.readAllBytes(f));
					jar.closeEntry();
				}
			}
		}
	}

	/** Runs the batch macro in a mode, checks what both modes share, returns the output. */
	private static String runMacro(String mode) throws Exception {
		Path dir = tmp.newFolder(mode).toPath();
		Files.createDirectories(dir.resolve("train"));
		Files.createDirectories(dir.resolve("score"));
		Files.createDirectories(dir.resolve("out"));
		for (String n : List.of("normal_01.tif", "normal_02.tif", "normal_03.tif"))
			Files.copy(PROJECT.resolve("test-images").resolve(n), dir.resolve("train").resolve(n));
		// a subfolder is not read, and the log says so
		Files.createDirectories(dir.resolve("train/older"));
		Files.copy(PROJECT.resolve("test-images/anomalous_giant.tif"), dir.resolve("train/older/anomalous_giant.tif"));
		for (String n : List.of("anomalous_giant.tif", "stack_anomalous.tif"))
			Files.copy(PROJECT.resolve("test-images").resolve(n), dir.resolve("score").resolve(n));
		Files.createFile(dir.resolve("score/broken.tif")); // costs that file only
		ProcessBuilder pb = new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), app.toString(), mode,
			PROJECT.resolve("src/test/resources/batch-macro.ijm").toString(), dir + "," + PROJECT.resolve("scripts"))
			.redirectErrorStream(true);
		pb.environment().remove("TF_CPP_MIN_LOG_LEVEL"); // the engine itself keeps TensorFlow quiet
		pb.environment().remove("GANOMALY_DEBUG");
		String out = run(pb, 400);

		assertTrue(out, out.contains("RESULT trained 1"));
		assertTrue("what was trained on:\n" + out, Pattern.compile("Train GANomaly: training on \\d+ plane\\(s\\) of \\d+ " +
			"file\\(s\\) in " + Pattern.quote(dir.resolve("train").toString()) + "; its 1 subfolder\\(s\\) are not read")
			.matcher(out).find());
		assertTrue(out, out.contains("RESULT single rows=1 "));
		Matcher single = Pattern.compile("RESULT single rows=1 score=(\\S+) table=(\\S+)").matcher(out);
		assertTrue(out, single.find());
		assertEquals("Results table and getResult agree", single.group(1), single.group(2));
		assertTrue(out, out.contains("RESULT active after scoring=anomalous_giant.tif anomaly mask\n"));
		assertTrue(out, out.contains("RESULT map bits=32 size=128x128"));
		assertTrue(out, out.contains("RESULT mask bits=8"));
		assertTrue("each map its own title, as selectImage needs:\n" + out, out.contains("|anomalous_giant.tif anomaly " +
			"map|anomalous_giant.tif anomaly map-1\n"));
		assertTrue(out, out.contains("RESULT again active=anomalous_giant.tif anomaly map-1 "));
		assertTrue("a run's map and mask share their suffix:\n" + out, out.contains("|anomalous_giant.tif anomaly map-2|" +
			"anomalous_giant.tif anomaly mask-2\n"));
		ImagePlus stack = IJ.openImage(PROJECT.resolve("test-images/stack_anomalous.tif").toString());
		assertTrue(out, out.contains("RESULT stack slices=" + stack.getStackSize() + " rows=" + stack.getStackSize()));
		assertTrue("saveAs after scoring saves the map, not the input:\n" + out, out.contains(
			"RESULT stack input title=stack_anomalous.tif bits=" + stack.getBitDepth() + "\n"));
		assertTrue("of two images of one title, the macro's current one is scored:\n" + out, out.contains(
			"RESULT same title rows=" + stack.getStackSize() + "\n"));
		assertTrue(out, out.contains("RESULT done"));
		assertFalse("a failure stops the macro:\n" + out, out.contains("RESULT after failure"));
		assertFalse(out, out.contains("Ignoring unsupported output"));
		assertFalse(out, out.contains("Exception"));
		assertFalse("TensorFlow's log lines stay off the console:\n" + out, sc.fiji.ganomaly.cli.FijiLayoutTest.hasTensorFlowLog(out));

		// the maps the macro saved are the maps of the model it trained
		try (GanomalyModel model = GanomalyModel.load(dir.resolve("m.ganomaly.zip"))) {
			ImagePlus giant = IJ.openImage(dir.resolve("score/anomalous_giant.tif").toString());
			assertMap(ImagePlusScorer.score(model, giant, 4, sc.fiji.ganomaly.core.api.ProgressListener.NONE).anomalyMap(),
				dir.resolve("out/single_map.tif"));
			assertMap(ImagePlusScorer.score(model, stack, 4, sc.fiji.ganomaly.core.api.ProgressListener.NONE).anomalyMap(),
				dir.resolve("out/stack_map.tif"));
			assertMap(ImagePlusScorer.score(model, stack, 4, sc.fiji.ganomaly.core.api.ProgressListener.NONE).anomalyMap(),
				dir.resolve("folder-out/stack_anomalous_anomaly.tif"));
		}
		List<String> csv = Files.readAllLines(dir.resolve("folder-out/scores.csv"));
		assertEquals(csv.toString(), 1 + 1 + stack.getStackSize(), csv.size());
		List<String> failures = Files.readAllLines(dir.resolve("folder-out/failures.csv"));
		assertEquals(failures.toString(), 2, failures.size());
		assertTrue(failures.get(1), failures.get(1).startsWith(dir.resolve("score/broken.tif") + ",\"folder: "));
		assertTrue(out, out.contains("Score Anomalies in Folder: broken.tif was not scored: folder: "));
		return out;
	}

	private static void assertMap(ImagePlus expected, Path file) {
		ImagePlus saved = IJ.openImage(file.toString());
		assertEquals(file.toString(), expected.getStackSize(), saved.getStackSize());
		for (int i = 1; i <= expected.getStackSize(); i++)
			assertArrayEquals(file + " slice " + i, (float[]) expected.getStack().getPixels(i),
				(float[]) saved.getStack().getPixels(i), 1e-6f);
	}

	/**
	 * Runs the launcher and returns its output. On a timeout the process and its children (the JVM,
	 * Xvfb) are killed and the assertion shows the output up to then, to tell where it hung.
	 * <p>
	 * scijava-common 2.100.1 caches each class's annotated fields in one static {@code HashMap} that
	 * threads fill without a common lock, so a context created while other start-up threads inject
	 * objects can get a field twice or not at all: "Context already injected" from
	 * {@code new SciJava()} (the launcher's main thread dies before any macro runs, and the GUI's
	 * threads keep the JVM alive), or a service field left null ({@code LegacyUI.legacyService} when
	 * the first command runs). A run that shows either is started once more; the first case is
	 * killed at once instead of after the whole timeout.
	 */
	static String run(ProcessBuilder pb, int seconds) throws IOException, InterruptedException {
		String out = runOnce(pb, seconds);
		if (!injectionRace(out)) return out;
		System.err.println("the Fiji runtime lost scijava-common's injection race; started once more:\n" + out);
		return runOnce(pb, seconds);
	}

	/** Whether the launcher's main thread died in {@code new SciJava()}, before it ran anything. */
	static boolean failedToStart(String out) {
		int died = out.indexOf("Exception in thread \"main\"");
		return died >= 0 && out.indexOf("at org.scijava.SciJava.<init>", died) >= 0;
	}

	/** Whether the run shows one of the two ways {@link #run} describes of scijava-common's race. */
	static boolean injectionRace(String out) {
		return failedToStart(out) || out.contains("because \"this.legacyService\" is null");
	}

	private static String runOnce(ProcessBuilder pb, int seconds) throws IOException, InterruptedException {
		Process p = pb.start();
		p.getOutputStream().close();
		StringBuffer sb = new StringBuffer();
		Thread reader = new Thread(() -> {
			byte[] chunk = new byte[8192];
			try (java.io.InputStream in = p.getInputStream()) {
				for (int n; (n = in.read(chunk)) > 0;)
					sb.append(new String(chunk, 0, n, StandardCharsets.UTF_8));
			}
			catch (IOException e) {
				sb.append(e);
			}
		});
		reader.start();
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		boolean finished = false, stillborn = false;
		while (!finished && !stillborn && System.nanoTime() < end) {
			finished = p.waitFor(1, TimeUnit.SECONDS);
			// the GUI's threads keep a JVM whose main thread died alive: nothing more will happen in it
			stillborn = !finished && failedToStart(sb.toString()) && !p.waitFor(3, TimeUnit.SECONDS);
		}
		if (!finished) {
			p.descendants().forEach(ProcessHandle::destroyForcibly);
			p.destroyForcibly();
		}
		reader.join(10_000);
		assertTrue("timed out after " + seconds + " s:\n" + sb, finished || stillborn);
		return sb.toString();
	}

	static boolean onPath(String program) {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(":"))
			if (Files.isExecutable(Paths.get(dir, program))) return true;
		return false;
	}
}
