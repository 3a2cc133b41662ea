package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.real.FloatType;

import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.EngineMessages;
import sc.fiji.ganomaly.engine.EngineLoader;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.PatchBatch;
import sc.fiji.ganomaly.engine.Precision;
import sc.fiji.ganomaly.engine.ScoringNetwork;
import sc.fiji.ganomaly.engine.TrainableNetwork;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.model.ModelFile;
import sc.fiji.ganomaly.core.score.LazyNetwork;

/**
 * A model with a network whose score needs none (texture; what earlier versions trained by default)
 * loads no network: it scores the
 * trained model's texture map without asking for the engine, and its views create the network on
 * their first network score, once (also when several threads ask at once), giving the trained
 * model's maps; the owner closes it. A broken SavedModel fails a network-scoring model's load and a
 * texture model's first network use with the same message; bfloat16 says once that it does not
 * change the texture score.
 */
public class LazyNetworkTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static final int SIZE = 48, STRIDE = 4;
	/** Trained here for the latent score; its network exists since training, so its maps are the reference. */
	static GanomalyModel owner;
	/** Its view scoring with the texture score (closing it frees nothing). */
	static GanomalyModel trained;
	static Path file;
	static final Img<FloatType> PLANE = SyntheticImages.anomalous(SIZE, new Random(3), 20, 20, 4);

	@BeforeClass
	public static void train() {
		Random random = new Random(11);
		TrainingData data = SyntheticImages.normalData(12, SIZE, random);
		TrainingSettings settings = new TrainingSettings().patchSize(16).nz(8).ngf(8).ndf(8).batchSize(32).epochs(1)
			.patchesPerEpoch(256).seed(5).threads(1).validationFraction(0.3).score(ScoreKind.LATENT);
		// a model with a network whose score is texture: a view of a network model, as earlier versions wrote
		// their default models
		owner = Ganomaly.train(data, settings, ProgressListener.NONE);
		trained = owner.withScore(ScoreKind.TEXTURE);
		file = tmp.getRoot().toPath().resolve("texture.ganomaly.zip");
		trained.save(file);
	}

	@AfterClass
	public static void close() {
		if (owner != null) owner.close();
	}

	@Test
	public void textureModelScoresWithoutTheNetworkAndItsViewsCreateItOnce() {
		assertEquals(ScoreKind.TEXTURE, trained.score());
		CountingEngine engine = new CountingEngine();
		GanomalyModel latentView;
		try (GanomalyModel model = open(engine, Precision.FLOAT32)) {
			latentView = model.withScore(ScoreKind.LATENT); // made before the network exists: shares it all the same
			assertArrayEquals(reference(ScoreKind.TEXTURE), map(model), 0f);
			assertEquals("the engine was not even asked for", 0, engine.supplied.get());
			assertFalse(model.networkLoaded());

			float[] latent = map(latentView);
			assertArrayEquals(reference(ScoreKind.LATENT), latent, 0f);
			assertEquals(1, engine.loads.get());
			assertTrue("the owner sees the network its view created", model.networkLoaded());
			assertArrayEquals(reference(ScoreKind.DENSITY), map(model.withScore(ScoreKind.DENSITY)), 0f);
			assertArrayEquals(reference(ScoreKind.RESIDUAL), map(model.withScore(ScoreKind.RESIDUAL)), 0f);
			assertArrayEquals(reference(ScoreKind.TEXTURE), map(model), 0f);
			assertEquals("one network for the model and all its views", 1, engine.loads.get());

			latentView.close(); // a view frees nothing
			assertEquals(0, engine.closes.get());
			assertArrayEquals(latent, map(latentView), 0f);
		}
		assertEquals("the owner closed the network", 1, engine.closes.get());
		assertThrows(IllegalStateException.class, () -> map(latentView));
		assertEquals("no network is created for a view of a closed model", 1, engine.loads.get());
	}

	@Test
	public void aNetworkModelOpenedForTheTextureScoreLoadsNoEngine() {
		ModelFile.Unpacked latent = ModelFile.read(file, 1);
		CountingEngine engine = new CountingEngine();
		// a latent model (its network loaded at once when opened for its own score) opened for texture
		try (GanomalyModel model = GanomalyModel.open(new ModelFile.Unpacked(latent.manifest().withScore(ScoreKind.LATENT),
			latent.folder(), latent.file()), engine.supplier(), Precision.FLOAT32, ScoreKind.TEXTURE))
		{
			assertEquals("the model keeps its own score", ScoreKind.LATENT, model.score());
			assertArrayEquals(reference(ScoreKind.TEXTURE), map(model.withScore(ScoreKind.TEXTURE)), 0f);
			assertEquals("the engine was not even asked for", 0, engine.supplied.get());
			assertArrayEquals(reference(ScoreKind.LATENT), map(model), 0f);
			assertEquals("created at its first use", 1, engine.loads.get());
		}
		CountingEngine asked = new CountingEngine();
		try (GanomalyModel model = open(asked, Precision.FLOAT32, ScoreKind.DENSITY)) {
			assertEquals("a texture model opened for a score of the network loads it at once", 1, asked.loads.get());
			assertArrayEquals(reference(ScoreKind.DENSITY), map(model.withScore(ScoreKind.DENSITY)), 0f);
			assertEquals(1, asked.loads.get());
		}
	}

	@Test
	public void concurrentFirstUsesCreateOneNetwork() throws Exception {
		CountingEngine engine = new CountingEngine();
		int threads = 4;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try (GanomalyModel model = open(engine, Precision.FLOAT32)) {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<float[]>> maps = new ArrayList<>();
			for (int t = 0; t < threads; t++)
				maps.add(pool.submit(() -> {
					start.await();
					return map(model.withScore(ScoreKind.RESIDUAL));
				}));
			start.countDown();
			float[] expected = reference(ScoreKind.RESIDUAL);
			for (Future<float[]> m : maps)
				assertArrayEquals(expected, m.get(), 0f);
			assertEquals(1, engine.loads.get());
		}
		finally {
			pool.shutdownNow();
		}
		assertEquals(1, engine.closes.get());
	}

	@Test
	public void brokenSavedModelFailsAtLoadForNetworkScoresAndAtFirstNetworkUseForTexture() throws IOException {
		ModelFile.Unpacked latent = ModelFile.read(file, 1), texture = ModelFile.read(file, 1);
		breakSavedModel(latent);
		breakSavedModel(texture);
		ModelFile.Unpacked latentModel = new ModelFile.Unpacked(latent.manifest().withScore(ScoreKind.LATENT), latent.folder(),
			latent.file());
		String atLoad = assertThrows(IllegalArgumentException.class, () -> GanomalyModel.open(latentModel,
			EngineLoader::tensorflow, Precision.FLOAT32, null)).getMessage();
		// the weights' check reads the index before TensorFlow does
		assertTrue(atLoad, atLoad.startsWith("model: " + file + " is not a valid GANomaly model file: its weights' index " +
			"(saved_model/variables/variables.index) is damaged: "));
		assertFalse("a failed load deletes the unpacked folder", Files.exists(latent.folder()));

		try (GanomalyModel model = GanomalyModel.open(texture, EngineLoader::tensorflow, Precision.FLOAT32, null)) {
			assertArrayEquals(reference(ScoreKind.TEXTURE), map(model), 0f);
			GanomalyModel view = model.withScore(ScoreKind.LATENT);
			assertEquals(atLoad, assertThrows(IllegalArgumentException.class, () -> map(view)).getMessage());
			// a failure is not remembered: the next use tries again, and fails alike
			assertEquals(atLoad, assertThrows(IllegalArgumentException.class, () -> map(view)).getMessage());
			assertFalse(model.networkLoaded());
		}
		assertFalse(Files.exists(texture.folder()));
	}

	@Test
	public void bfloat16SaysOnceThatItDoesNotChangeTheTextureScore() {
		List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
		java.util.function.Consumer<String> sink = warnings::add;
		EngineMessages.setSink(sink);
		try {
			CountingEngine engine = new CountingEngine();
			try (GanomalyModel model = open(engine, Precision.BFLOAT16)) {
				assertArrayEquals(reference(ScoreKind.TEXTURE), map(model), 0f);
				assertArrayEquals(reference(ScoreKind.TEXTURE), map(model.withScore(ScoreKind.TEXTURE)), 0f);
				assertEquals(List.of("GANomaly: precision bfloat16 has no effect on the texture score (it uses no network)"),
					warnings);
				assertEquals(0, engine.loads.get());
				if (Precision.unsupportedReason(Precision.BFLOAT16) == null) {
					// a network score of the same model does run in bfloat16 (close to float32, not equal): nothing to say
					float[] latent = map(model.withScore(ScoreKind.LATENT)), float32 = reference(ScoreKind.LATENT);
					assertFalse(Arrays.equals(float32, latent));
					double r = correlation(float32, latent);
					assertTrue("bfloat16 against float32: r = " + r, r > 0.9);
					assertEquals(1, engine.loads.get());
				}
			}
			try (GanomalyModel model = open(new CountingEngine(), Precision.FLOAT32)) {
				map(model);
			}
			assertEquals("float32, the default, goes without saying", 1, warnings.size());
		}
		finally {
			EngineMessages.clearSink(sink);
		}
	}

	/** Pearson's correlation of two maps. */
	private static double correlation(float[] a, float[] b) {
		double ma = 0, mb = 0;
		for (int i = 0; i < a.length; i++) {
			ma += a[i];
			mb += b[i];
		}
		ma /= a.length;
		mb /= b.length;
		double ab = 0, aa = 0, bb = 0;
		for (int i = 0; i < a.length; i++) {
			ab += (a[i] - ma) * (b[i] - mb);
			aa += (a[i] - ma) * (a[i] - ma);
			bb += (b[i] - mb) * (b[i] - mb);
		}
		return ab / Math.sqrt(aa * bb);
	}

	/** The trained model's map of {@link #PLANE} for a score. */
	private static float[] reference(ScoreKind score) {
		return map(trained.withScore(score));
	}

	private static float[] map(GanomalyModel model) {
		return model.score(PLANE, STRIDE, "plane").map().values();
	}

	/** The model file opened with {@code engine}, one TensorFlow thread as in training. */
	private static GanomalyModel open(CountingEngine engine, String precision) {
		return open(engine, precision, null);
	}

	/** As {@link #open(CountingEngine, String)}, for a caller that will score with {@code score}. */
	private static GanomalyModel open(CountingEngine engine, String precision, ScoreKind score) {
		return GanomalyModel.open(ModelFile.read(file, 1), engine.supplier(), precision, score);
	}

	/** Overwrites the SavedModel's graph with bytes TensorFlow cannot parse (the weights stay). */
	/** Damages the weights' index so that the engine refuses them. */
	private static void breakSavedModel(ModelFile.Unpacked unpacked) throws IOException {
		Files.write(unpacked.savedModel().resolve("variables/variables.index"), new byte[] { 8, 1, 18, 99, 1, 2, 3 });
	}

	/** The TensorFlow engine, counting how often it is asked for and the networks it loads and closes. */
	static final class CountingEngine implements Engine {

		final AtomicInteger supplied = new AtomicInteger(), loads = new AtomicInteger(), closes = new AtomicInteger();

		/** Gives this engine, counting the calls. */
		Supplier<Engine> supplier() {
			return () -> {
				supplied.incrementAndGet();
				return this;
			};
		}

		@Override
		public String description() {
			return EngineLoader.tensorflow().description();
		}

		@Override
		public TrainableNetwork create(NetworkSpec spec) {
			throw new UnsupportedOperationException("scoring only");
		}

		@Override
		public ScoringNetwork load(Path savedModel, NetworkSpec spec) {
			return load(savedModel, spec, Precision.FLOAT32);
		}

		@Override
		public ScoringNetwork load(Path savedModel, NetworkSpec spec, String precision) {
			ScoringNetwork n = EngineLoader.tensorflow().load(savedModel, spec, precision);
			loads.incrementAndGet();
			return new ScoringNetwork() {

				@Override
				public NetworkSpec spec() {
					return n.spec();
				}

				@Override
				public PatchBatch batch(int size) {
					return n.batch(size);
				}

				@Override
				public void score(PatchBatch batch, float[] scores, float[] reconstructionErrors) {
					n.score(batch, scores, reconstructionErrors);
				}

				@Override
				public void reconstruct(PatchBatch batch, float[] out) {
					n.reconstruct(batch, out);
				}

				@Override
				public void latent(PatchBatch batch, float[] out) {
					n.latent(batch, out);
				}

				@Override
				public String precision() {
					return n.precision();
				}

				@Override
				public void close() {
					closes.incrementAndGet();
					n.close();
				}
			};
		}
	}
}
