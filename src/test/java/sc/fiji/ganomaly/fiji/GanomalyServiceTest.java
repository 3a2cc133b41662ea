package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.ImageStack;
import sc.fiji.ganomaly.ij.ImagePlusPlanes;
import sc.fiji.ganomaly.ij.ImagePlusScorer;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.model.TemporaryFolders;

/**
 * One context, many runs at once: 4 threads × 3 models × 20 rounds of Score Anomalies through
 * CommandService while a training runs beside them. Every call succeeds with the map of a
 * single-threaded run; TensorFlow's threads are shared, not multiplied; disposing the context
 * closes every model and deletes every unpacked folder.
 */
public class GanomalyServiceTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static final int THREADS = 4, MODELS = 3, ROUNDS = 20;

	@Test
	public void manyThreadsManyModelsWhileTraining() throws Exception {
		Context context = new Context(CommandService.class, GanomalyService.class);
		GanomalyService ganomaly = context.service(GanomalyService.class);
		CommandService commands = context.service(CommandService.class);
		List<File> models = new ArrayList<>();
		for (int i = 0; i < MODELS; i++) {
			File f = new File(tmp.getRoot(), "m" + i + ".ganomaly.zip");
			try (GanomalyModel m = ganomaly.train(data(i), tiny(i), ProgressListener.NONE)) {
				m.save(f.toPath());
			}
			models.add(f);
		}
		ImagePlus image = image(7);
		// single-threaded references, from models loaded on their own
		List<float[]> expected = new ArrayList<>();
		for (File f : models)
			try (GanomalyModel m = GanomalyModel.load(f.toPath())) {
				expected.add((float[]) ImagePlusScorer.score(m, image, 4, ProgressListener.NONE).anomalyMap().getStack()
					.getPixels(1));
			}
		int threadsBefore = nativeThreads();

		ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
		Future<CommandModule> training = pool.submit(() -> commands.run(TrainGanomalyCommand.class, true, "image", image(3),
			"model", new File(tmp.getRoot(), "beside.ganomaly.zip"), "patchSize", "16", "epochs", 2, "batchSize", 32).get());
		List<Future<Object>> scorers = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int thread = t;
			scorers.add(pool.submit(() -> {
				for (int round = 0; round < ROUNDS; round++)
					for (int k = 0; k < MODELS; k++) {
						int i = (k + thread + round) % MODELS;
						CommandModule m = commands.run(ScoreAnomaliesCommand.class, true, "image", image, "model", models.get(i),
							"stride", 4).get();
						assertNull(m.getCancelReason());
						ImagePlus map = (ImagePlus) m.getOutput("anomalyMap");
						assertArrayEquals("thread " + thread + " round " + round + " model " + i, expected.get(i),
							(float[]) map.getStack().getPixels(1), 0f);
					}
				return null;
			}));
		}
		for (Future<Object> f : scorers)
			f.get(); // a scorer's failed assertion fails here
		assertNull(training.get().getCancelReason());
		pool.shutdown();
		assertTrue(pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES));
		Thread.sleep(500); // threads that ended leave /proc too
		int threadsAfter = nativeThreads();
		System.out.println("native threads: " + threadsBefore + " before, " + threadsAfter + " with " + MODELS +
			" models loaded and used by " + THREADS + " threads");
		assertTrue("TensorFlow's thread pools are shared, not made per model or call: " + threadsBefore +
			" native threads before, " + threadsAfter + " after", threadsAfter - threadsBefore <= 2);

		List<Path> unpacked = TemporaryFolders.live();
		assertEquals(MODELS, ganomaly.models().size());
		assertTrue("models are unpacked while loaded: " + unpacked, unpacked.size() >= MODELS);
		context.dispose();
		assertEquals("disposing closes every model", 0, ganomaly.models().size());
		for (Path p : unpacked)
			assertTrue("disposing deletes " + p, !Files.exists(p));
	}

	@Test
	public void cancelAllStopsARunningTrainingWhichKeepsItsBestEpoch() throws Exception {
		Context context = new Context(GanomalyService.class);
		try {
			GanomalyService ganomaly = context.service(GanomalyService.class);
			assertEquals("nothing runs", 0, ganomaly.cancelAll());
			java.util.concurrent.CountDownLatch secondEpoch = new java.util.concurrent.CountDownLatch(1);
			ProgressListener listener = new ProgressListener() {

				@Override
				public void epochFinished(sc.fiji.ganomaly.core.api.EpochSummary s) {
					secondEpoch.countDown();
				}
			};
			ExecutorService pool = Executors.newSingleThreadExecutor();
			Future<GanomalyModel> training = pool.submit(() -> ganomaly.train(data(7), tiny(7).epochs(500).score(ScoreKind.LATENT), listener));
			assertTrue("the first epoch ended", secondEpoch.await(60, java.util.concurrent.TimeUnit.SECONDS));
			assertEquals(1, ganomaly.cancelAll());
			try (GanomalyModel m = training.get(60, java.util.concurrent.TimeUnit.SECONDS)) {
				var t = m.manifest().training();
				assertTrue(t.toString(), t.network().canceled());
				assertTrue(t.toString(), ((Number) t.figures().get("epochs_run")).intValue() < 500);
				assertTrue(t.toString(), t.network().bestEpoch() >= 1);
			}
			pool.shutdown();
			assertEquals("an ended run is no longer registered", 0, ganomaly.cancelAll());
		}
		finally {
			context.dispose();
		}
	}

	/**
	 * cancelAll during a script's loop of score calls throws from the running call, so that the loop
	 * ends there instead of going on with its next image; the next call runs as usual. A script's
	 * text input names the model as a path; a folder is named as such.
	 */
	@Test
	public void cancelAllEndsAScriptsLoopOfScoring() throws Exception {
		Context context = new Context(GanomalyService.class);
		try {
			GanomalyService ganomaly = context.service(GanomalyService.class);
			Path file = tmp.getRoot().toPath().resolve("loop.ganomaly.zip");
			try (GanomalyModel m = ganomaly.train(data(5), tiny(5).score(ScoreKind.TEXTURE), null)) {
				m.save(file);
			}
			ProgressListener stopAtFirstPlane = new ProgressListener() {

				@Override
				public void progress(long done, long total) {
					if (done > 0) ganomaly.cancelAll(); // as another thread's or a Stop button's call would
				}
			};
			java.util.concurrent.CancellationException e = org.junit.Assert.assertThrows(
				java.util.concurrent.CancellationException.class, () -> ganomaly.score(image(6), file.toFile(), 0,
					stopAtFirstPlane));
			assertEquals("scoring image 6 was stopped (stopped by the user)", e.getMessage());
			assertEquals(2, ganomaly.score(image(6), file.toString()).scores().size());
			assertEquals("model: " + tmp.getRoot() + " is a folder, not a model file (a model is one file, such as " +
				"model.ganomaly.zip)", org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ganomaly.score(
					image(6), tmp.getRoot().toString())).getMessage());
		}
		finally {
			context.dispose();
		}
	}

	/**
	 * A script chooses the threshold and the score as Score Anomalies does, through the same call:
	 * the same rows, flags and map, and the command's one-line refusals.
	 */
	@Test
	public void aScriptChoosesThresholdAndScoreAsTheCommandDoes() throws Exception {
		Context context = new Context(CommandService.class, GanomalyService.class);
		try {
			GanomalyService ganomaly = context.service(GanomalyService.class);
			Path file = tmp.getRoot().toPath().resolve("chosen.ganomaly.zip");
			// a model of the network's score, scored with the texture score its file also holds
			try (GanomalyModel m = ganomaly.train(data(8), tiny(8).score(ScoreKind.LATENT), null)) {
				m.save(file);
			}
			ImagePlusScorer.Result latent = ganomaly.score(image(9), file.toFile(), 0, null);
			ImagePlusScorer.Result texture = ganomaly.score(image(9), file.toFile(), 0, "model", "texture", null);
			assertNotEquals(latent.scores().get(1).score(), texture.scores().get(1).score(), 0);
			// a threshold between the normal and the anomalous plane's scores
			float normal = texture.scores().get(0).score(), anomalous = texture.scores().get(1).score();
			assertTrue(normal + " " + anomalous, normal < anomalous);
			double between = (normal + anomalous) / 2;
			ImagePlusScorer.Result chosen = ganomaly.score(image(9), file.toFile(), 0, " " + between + " ", "texture", null);
			assertEquals(1.0, texture.threshold(), 0); // the model's, on the calibrated scale
			assertEquals(between, chosen.threshold(), 0);
			assertEquals(texture.scores(), chosen.scores());
			assertEquals("Fire from 0 to twice the threshold used", 2 * between, chosen.anomalyMap().getDisplayRangeMax(),
				1e-6);
			CommandModule run = context.service(CommandService.class).run(ScoreAnomaliesCommand.class, true, "image",
				image(9), "model", file.toFile(), "stride", 0, "threshold", String.valueOf(between), "score", "texture").get();
			ij.measure.ResultsTable table = (ij.measure.ResultsTable) run.getOutput("scores");
			ImagePlus map = (ImagePlus) run.getOutput("anomalyMap");
			for (int i = 0; i < chosen.scores().size(); i++) {
				float score = chosen.scores().get(i).score();
				assertEquals(score, table.getValue("score", i), 0);
				assertEquals(i, table.getValue("anomalous", i), 0);
				assertTrue(java.util.Arrays.equals((float[]) chosen.anomalyMap().getStack().getPixels(i + 1), (float[]) map
					.getStack().getPixels(i + 1)));
			}
			assertEquals("score: score must be one of model, latent, residual, density, texture, combined, not blue", org
				.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ganomaly.score(image(9), file.toFile(), 0,
					"model", "blue", null)).getMessage());
			assertEquals("threshold must be a number on the calibrated scale or 'model' for the model's own, not 'high'",
				org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ganomaly.score(image(9), file.toFile(), 0,
					"high", null, null)).getMessage());
		}
		finally {
			context.dispose();
		}
	}

	/**
	 * Score Anomalies stopped by {@link GanomalyService#cancelAll} (another script, or another Stop
	 * button) ends as its own Stop button ends it: no map, no table, the reason said once.
	 */
	@Test
	public void cancelAllStopsScoreAnomaliesAsItsStopButtonDoes() throws Exception {
		Context context = new Context(CommandService.class, GanomalyService.class);
		try {
			GanomalyService ganomaly = context.service(GanomalyService.class);
			Path file = tmp.getRoot().toPath().resolve("stopped.ganomaly.zip");
			try (GanomalyModel m = ganomaly.train(data(10), tiny(10).score(ScoreKind.TEXTURE), null)) {
				m.save(file);
			}
			ImageStack stack = new ImageStack(CommandsTest.SIZE, CommandsTest.SIZE);
			Random random = new Random(10);
			for (int i = 0; i < 400; i++) // seconds of scoring
				stack.addSlice(CommandsTest.plane(random, false));
			Future<CommandModule> run = context.service(CommandService.class).run(ScoreAnomaliesCommand.class, true,
				"image", new ImagePlus("long", stack), "model", file.toFile());
			int stopped = 0;
			while (stopped == 0 && !run.isDone()) {
				stopped = ganomaly.cancelAll();
				Thread.sleep(2);
			}
			assertEquals("the run was still scoring when asked to stop", 1, stopped);
			CommandModule module = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
			assertEquals("Score Anomalies: stopped by the user; no map or table was made", module.getCancelReason());
			assertNull(module.getOutput("anomalyMap"));
			assertNull(module.getOutput("scores"));
		}
		finally {
			context.dispose();
		}
	}

	/** What a script may pass: no listener (None) and, through the system property, a bound of no models. */
	@Test
	public void noListenerAndABoundOfNoModelsAreTakenAsNoneAndOne() throws Exception {
		System.setProperty(DefaultGanomalyService.MAX_MODELS, "0");
		Context context;
		try {
			context = new Context(GanomalyService.class);
		}
		finally {
			System.clearProperty(DefaultGanomalyService.MAX_MODELS);
		}
		try {
			GanomalyService ganomaly = context.service(GanomalyService.class);
			Path file = tmp.getRoot().toPath().resolve("script.ganomaly.zip");
			try (GanomalyModel m = ganomaly.train(data(3), tiny(3).score(ScoreKind.TEXTURE), null)) {
				m.save(file);
			}
			ImagePlusScorer.Result r = ganomaly.score(image(4), file.toFile(), 8, null);
			assertEquals(2, r.scores().size());
			assertEquals(1, ganomaly.models().size());
		}
		finally {
			context.dispose();
		}
	}

	private static TrainingSettings tiny(long seed) {
		return new TrainingSettings().patchSize(16).nz(8).ngf(8).ndf(8).epochs(1).patchesPerEpoch(64).batchSize(32).seed(seed);
	}

	private static TrainingData data(int seed) {
		TrainingData data = new TrainingData();
		ImagePlus imp = image(seed);
		for (ImagePlusPlanes.Plane p : ImagePlusPlanes.of(imp))
			data.add("n" + p.index(), p.image());
		return data;
	}

	private static ImagePlus image(int seed) {
		Random random = new Random(seed);
		ImageStack stack = new ImageStack(CommandsTest.SIZE, CommandsTest.SIZE);
		for (int i = 0; i < 2; i++)
			stack.addSlice(CommandsTest.plane(random, i == 1));
		return new ImagePlus("image " + seed, stack);
	}

	/** Threads of this process that Java does not know: TensorFlow's (and the JVM's own). */
	private static int nativeThreads() throws IOException {
		Path tasks = Paths.get("/proc/self/task");
		if (!Files.isDirectory(tasks)) return 0;
		try (Stream<Path> s = Files.list(tasks)) {
			return (int) s.count() - Thread.getAllStackTraces().size();
		}
	}
}
