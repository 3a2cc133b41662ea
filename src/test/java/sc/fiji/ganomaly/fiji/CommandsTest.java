package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.ShortProcessor;
import sc.fiji.ganomaly.core.Metrics;

/** Runs both commands through a headless SciJava context, as scripts and macros do. */
public class CommandsTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static final int SIZE = 64;
	static Context context;
	static CommandService commands;
	static File model;

	/** 16-bit stripes with noise; with {@code disc}, a bright disc of radius 6 at (40, 24). */
	static ShortProcessor plane(Random random, boolean disc) {
		ShortProcessor ip = new ShortProcessor(SIZE, SIZE);
		double phase = random.nextDouble() * 6.28;
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++) {
				double v = 1000 + 400 * Math.sin((x + y) * 0.6 + phase) + 30 * random.nextGaussian();
				if (disc && inDisc(x, y)) v = 2500;
				ip.set(x, y, (int) v);
			}
		return ip;
	}

	/** {@code n} planes of {@link #plane}. */
	static ImageStack planes(Random random, int n, boolean disc) {
		ImageStack stack = new ImageStack(SIZE, SIZE);
		for (int i = 0; i < n; i++)
			stack.addSlice(plane(random, disc));
		return stack;
	}

	static boolean inDisc(int x, int y) {
		return (x - 40) * (x - 40) + (y - 24) * (y - 24) <= 36;
	}

	@BeforeClass
	public static void trainThroughTheCommand() throws Exception {
		context = new Context(CommandService.class, sc.fiji.ganomaly.fiji.GanomalyService.class);
		commands = context.service(CommandService.class);
		// SciJava remembers inputs beyond a JVM (target/prefs): each run starts from the defaults
		clearRemembered();
		ImageStack stack = planes(new Random(11), 4, false);
		ImagePlus normal = new ImagePlus("normal stack", stack);
		model = new File(tmp.getRoot(), "stripes.ganomaly.zip");
		CommandModule m = commands.run(TrainGanomalyCommand.class, true, "image", normal, "model", model, "patchSize",
			"16", "epochs", 6, "batchSize", 32, "seed", 4).get();
		assertNull(m.getCancelReason(), ((TrainGanomalyCommand) m.getCommand()).getCancelReason());
		assertTrue(model.isFile());
		// the default score (auto: texture for planes of several patches) trains no network, and the summary
		// says so instead of naming an epoch or the network's convergence
		String summary = String.valueOf(m.getOutput("summary"));
		assertTrue(summary, summary.startsWith("Trained the texture statistics (score auto chose texture, as the images " +
			"hold several patches; no network: the texture score needs none, so epochs, batch size and validation " +
			"fraction are not used); written to " + model));
		try (sc.fiji.ganomaly.core.GanomalyModel saved = sc.fiji.ganomaly.core.GanomalyModel.load(model.toPath(), 1)) {
			assertFalse(saved.hasNetwork());
		}
		assertFalse(summary, summary.contains("converged"));
	}

	@AfterClass
	public static void dispose() {
		if (context != null) context.dispose();
	}

	private static CommandModule score(ImagePlus image, Object... more) throws Exception {
		List<Object> args = new ArrayList<>(List.of("image", image, "model", model));
		args.addAll(List.of(more));
		return commands.run(ScoreAnomaliesCommand.class, true, args.toArray()).get();
	}

	/**
	 * A Stop (the loss chart's button cancels the command) during a network training ends the run as
	 * finished once the best model so far is written: no cancel reason, which SciJava would show as a
	 * "stopped by the user" error and the recorder as a bare command; the summary says what was written.
	 */
	@Test
	public void aStoppedTrainingThatWroteItsModelEndsAsFinished() throws Exception {
		ImageStack stack = planes(new Random(12), 4, false);
		File out = new File(tmp.getRoot(), "stopped.ganomaly.zip");
		java.nio.file.Path folder = sc.fiji.ganomaly.core.ModelFiles.checkpointFolder(out.toPath());
		org.scijava.module.ModuleService modules = context.service(org.scijava.module.ModuleService.class);
		org.scijava.module.Module module = modules.createModule(commands.getCommand(TrainGanomalyCommand.class));
		java.util.concurrent.Future<org.scijava.module.Module> run = modules.run(module, true, "image", new ImagePlus(
			"normal", stack), "model", out, "patchSize", "16", "epochs", 500, "batchSize", 32, "seed", 4, "score", "latent");
		TrainGanomalyCommand command = (TrainGanomalyCommand) module.getDelegateObject();
		try {
			long end = System.nanoTime() + 120_000_000_000L;
			while (!anEpochEnded(folder) && !run.isDone() && System.nanoTime() < end)
				Thread.sleep(50);
			assertTrue("an epoch ended", anEpochEnded(folder));
			command.cancel("stop"); // as a script's module.cancel("stop"); the chart's Stop gives CancelableCommand.STOPPED
			run.get(120, java.util.concurrent.TimeUnit.SECONDS);
		}
		finally { // SciJava remembers inputs beyond this JVM: the other tests train with the default score
			clearRemembered();
		}
		assertNull(command.getCancelReason());
		String summary = String.valueOf(module.getOutput("summary"));
		assertTrue(summary, summary.startsWith("Training cancelled; the best model so far (epoch "));
		try (sc.fiji.ganomaly.core.GanomalyModel saved = sc.fiji.ganomaly.core.GanomalyModel.load(out.toPath(), 1)) {
			assertTrue(saved.manifest().training().network().canceled());
		}
	}

	@Test
	public void mapRanksTheAnomalyAboveNormalPixels() throws Exception {
		ImagePlus image = new ImagePlus("with disc", plane(new Random(3), true));
		short[] before = ((short[]) image.getProcessor().getPixels()).clone();
		CommandModule m = score(image, "stride", 4);
		ImagePlus map = (ImagePlus) m.getOutput("anomalyMap");
		assertEquals("with disc anomaly map", map.getTitle());
		assertEquals(32, map.getBitDepth());
		assertEquals(SIZE, map.getWidth());
		assertEquals(SIZE, map.getHeight());
		float[] values = (float[]) map.getProcessor().getPixels();
		List<Float> in = new ArrayList<>(), out = new ArrayList<>();
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++)
				(inDisc(x, y) ? in : out).add(values[y * SIZE + x]);
		double auc = Metrics.rocAuc(toArray(out), toArray(in));
		assertTrue("pixel ROC AUC " + auc, auc >= 0.85);
		assertArrayEquals("the input stays untouched", before, (short[]) image.getProcessor().getPixels());
		assertNull("no mask unless asked", m.getOutput("mask"));

		float[] disc = toArray(in);
		java.util.Arrays.sort(disc);
		double threshold = disc[disc.length / 2]; // half the disc lies above it
		ImagePlus mask = (ImagePlus) score(image, "stride", 4, "createMask", true, "threshold", Double.toString(threshold)).getOutput("mask");
		byte[] bits = (byte[]) mask.getProcessor().getPixels();
		int inside = 0, outside = 0;
		for (int i = 0; i < bits.length; i++) {
			assertEquals(values[i] > threshold ? (byte) 255 : 0, bits[i]);
			if (bits[i] != 0) {
				if (inDisc(i % SIZE, i / SIZE)) inside++;
				else outside++;
			}
		}
		assertTrue("the mask covers a larger share of the disc than of the rest: " + inside + " of " + in.size() +
			" against " + outside + " of " + out.size(), inside / (double) in.size() > outside / (double) out.size());
	}

	/** Forgets what the commands remembered, which would be the next dialog's (and these tests') values. */
	private static void clearRemembered() {
		org.scijava.prefs.PrefService prefs = context.service(org.scijava.prefs.PrefService.class);
		prefs.clear(TrainGanomalyCommand.class);
		prefs.clear(ScoreAnomaliesCommand.class);
	}

	/** Whether a training's checkpoint folder holds an epoch's network (it holds epoch 0's before the first step). */
	private static boolean anEpochEnded(java.nio.file.Path folder) throws java.io.IOException {
		if (!java.nio.file.Files.isDirectory(folder)) return false;
		try (var files = java.nio.file.Files.list(folder)) {
			return files.anyMatch(f -> f.getFileName().toString().matches("epoch-[1-9][0-9]*\\.index"));
		}
	}

	/** A refused value that the dialog remembers is forgotten, so that the next dialog shows the default. */
	@Test
	public void aRefusedValueIsNotRemembered() throws Exception {
		org.scijava.prefs.PrefService prefs = context.service(org.scijava.prefs.PrefService.class);
		Random random = new Random(5);
		ImagePlus image = new ImagePlus("plane", plane(random, false));
		try {
			CommandModule ok = score(image, "stride", 3);
			assertNull(ok.getCancelReason());
			assertEquals("3", prefs.get(ScoreAnomaliesCommand.class, "stride"));
			CommandModule refused = score(image, "stride", 100);
			assertTrue(refused.getCancelReason(), refused.getCancelReason().startsWith("Score Anomalies: stride must lie " +
				"between 1 and the patch size 16"));
			assertNull(prefs.get(ScoreAnomaliesCommand.class, "stride"));
			// a macro's values are saved too (imagej-legacy does): a refused one is forgotten as well
			assertNull(score(image, "stride", 3).getCancelReason());
			CommandModule inMacro = asMacro(() -> score(image, "stride", 100));
			assertTrue(inMacro.getCancelReason(), inMacro.getCancelReason().startsWith("Score Anomalies: stride must lie"));
			assertNull(prefs.get(ScoreAnomaliesCommand.class, "stride"));
		}
		finally {
			clearRemembered();
		}
	}

	/** {@code run} as if a macro ran it ({@link IJ#isMacro()} true). */
	private static <T> T asMacro(java.util.concurrent.Callable<T> run) throws Exception {
		java.lang.reflect.Field running = IJ.class.getDeclaredField("macroRunning");
		running.setAccessible(true);
		running.setBoolean(null, true);
		try {
			assertTrue(IJ.isMacro());
			return run.call();
		}
		finally {
			running.setBoolean(null, false);
		}
	}

	/** The map and the mask of a hyperstack open at the plane the image is on, the threshold mid-scale there. */
	@Test
	public void theMapOpensWhereTheImageIs() throws Exception {
		ij.ImageStack stack = new ij.ImageStack(SIZE, SIZE);
		Random random = new Random(4);
		for (int i = 0; i < 6; i++)
			stack.addSlice(plane(random, i == 5));
		ImagePlus image = new ImagePlus("hyper", stack);
		image.setDimensions(1, 2, 3);
		image.setOpenAsHyperStack(true);
		image.setPosition(1, 2, 3);
		CommandModule m = score(image, "stride", 4, "createMask", true, "threshold", "1.5");
		for (String output : List.of("anomalyMap", "mask")) {
			ImagePlus out = (ImagePlus) m.getOutput(output);
			assertEquals(output, 6, out.getStackSize());
			assertEquals(output, 2, out.getZ());
			assertEquals(output, 3, out.getT());
		}
		ImagePlus map = (ImagePlus) m.getOutput("anomalyMap");
		assertEquals(0, map.getDisplayRangeMin(), 0);
		assertEquals(3, map.getDisplayRangeMax(), 0);
		assertEquals("the image stays where it was", 6, image.getCurrentSlice());
		// the active image after a run is its mask: a second run from the menu would score it, a training learn it
		ImagePlus mask = (ImagePlus) m.getOutput("mask");
		CommandModule again = score(mask);
		assertTrue(again.getCancelReason(), again.getCancelReason().startsWith("Score Anomalies: image: hyper anomaly " +
			"mask is an anomaly mask made by Score Anomalies, not an image to score; select (click its window) or give the " +
			"image to score"));
		CommandModule train;
		try {
			train = commands.run(TrainGanomalyCommand.class, true, "image", map, "model", new File(tmp.getRoot(),
				"of-a-map.ganomaly.zip"), "patchSize", "16").get();
		}
		finally {
			clearRemembered();
		}
		assertTrue(train.getCancelReason(), train.getCancelReason().startsWith("Train GANomaly: image: hyper anomaly map " +
			"is an anomaly map made by Score Anomalies, not an image to train on"));
	}

	/**
	 * Train GANomaly learns an open image's selection only (an outline of normal tissue), so what lies
	 * outside stays unusual to the model; Score Anomalies scores the whole image and puts the
	 * selection on the map.
	 */
	@Test
	public void aSelectionIsWhatIsTrainedOnAndIsPutOnTheMap() throws Exception {
		ImageStack stack = planes(new Random(21), 4, true);
		ImagePlus withDiscs = new ImagePlus("discs", stack);
		ImagePlus test = new ImagePlus("test", plane(new Random(22), true));
		double[] scores = new double[2];
		for (int k = 0; k < 2; k++) {
			withDiscs.setRoi(k == 0 ? null : new ij.gui.Roi(0, 0, 32, SIZE)); // the discs lie at x 34 to 46
			File trained = new File(tmp.getRoot(), "selection" + k + ".ganomaly.zip");
			CommandModule m = commands.run(TrainGanomalyCommand.class, true, "image", withDiscs, "model", trained,
				"patchSize", "16", "seed", 4).get();
			assertNull(m.getCancelReason(), ((TrainGanomalyCommand) m.getCommand()).getCancelReason());
			test.setRoi(new ij.gui.OvalRoi(30, 14, 20, 20));
			CommandModule s = commands.run(ScoreAnomaliesCommand.class, true, "image", test, "model", trained, "stride", 4)
				.get();
			ResultsTable table = (ResultsTable) s.getOutput("scores");
			scores[k] = table.getValue("score", 0);
			ImagePlus map = (ImagePlus) s.getOutput("anomalyMap");
			assertEquals(SIZE, map.getWidth());
			assertEquals(new java.awt.Rectangle(30, 14, 20, 20), map.getRoi().getBounds());
		}
		assertTrue("trained on discs, the disc is normal: " + scores[0], scores[0] < 1);
		assertTrue("trained on the selection without them, the disc is flagged: " + scores[1], scores[1] > 1);
	}

	@Test
	public void stacksGiveOneRowPerSliceAndAMapOfTheSameShape() throws Exception {
		Random random = new Random(5);
		ImageStack stack = new ImageStack(SIZE, SIZE);
		for (int i = 0; i < 3; i++)
			stack.addSlice(plane(random, i == 1));
		ImagePlus image = new ImagePlus("stack", stack);
		image.setDimensions(1, 3, 1);
		CommandModule m = score(image);
		ResultsTable t = (ResultsTable) m.getOutput("scores");
		assertEquals(3, t.size());
		assertEquals("stack", t.getStringValue("image", 0));
		assertEquals(2, (int) t.getValue("slice", 1));
		assertEquals(1, (int) t.getValue("frame", 2));
		assertTrue("the slice with the disc scores highest",
			t.getValue("score", 1) > t.getValue("score", 0) && t.getValue("score", 1) > t.getValue("score", 2));
		ImagePlus map = (ImagePlus) m.getOutput("anomalyMap");
		assertEquals(3, map.getNSlices());
		assertEquals(1, map.getNChannels());
	}

	private static float[] toArray(List<Float> values) {
		float[] out = new float[values.size()];
		for (int i = 0; i < out.length; i++)
			out[i] = values.get(i);
		return out;
	}
}
