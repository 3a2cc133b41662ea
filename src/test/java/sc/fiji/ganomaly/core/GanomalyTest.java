package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import sc.fiji.ganomaly.core.api.EpochSummary;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.SlidingWindow;
import sc.fiji.ganomaly.core.plane.PlaneNormalizer;
import sc.fiji.ganomaly.core.plane.Tile;
import sc.fiji.ganomaly.core.score.RawMap;
import sc.fiji.ganomaly.core.score.Scorer;
import sc.fiji.ganomaly.core.score.Scorers;
import sc.fiji.ganomaly.core.texture.TextureModelTest;

/** Trains one small model on synthetic stripes and checks what users rely on. */
public class GanomalyTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static final int SIZE = 48, PATCH = 16;
	static GanomalyModel model;
	static List<EpochSummary> epochs = new ArrayList<>();
	static List<String> statuses = new ArrayList<>();

	static TrainingSettings settings() {
		return new TrainingSettings().patchSize(PATCH).nz(16).ngf(16).ndf(16).batchSize(32).epochs(6).patchesPerEpoch(640)
			.seed(3).threads(2).learningRate(1e-3f).score(ScoreKind.LATENT);
	}

	@BeforeClass
	public static void train() {
		Random random = new Random(1);
		TrainingData data = SyntheticImages.normalData(6, SIZE, random);
		model = Ganomaly.train(data, settings(), new ProgressListener() {

			@Override
			public void epochFinished(EpochSummary summary) {
				epochs.add(summary);
			}

			@Override
			public void status(String message) {
				statuses.add(message);
			}
		});
	}

	/**
	 * A network that has not converged is worth a warning only where the maps use it: the latent model
	 * is told as it trains and by its outcome, the same model scoring with the texture score is not.
	 */
	@Test
	public void theConvergenceWarningSpeaksOfTheMapsOfTheModelsScore() {
		assertEquals("six short epochs leave the validation loss falling", false, model.manifest().training().network().converged());
		assertEquals(ScoreKind.LATENT, model.score());
		String warning = "training has not converged: the validation loss was still falling in the last epochs; train " +
			"longer (more epochs or patches per epoch) for better latent maps";
		assertEquals(warning, model.trainingOutcome().convergenceWarning());
		assertEquals(List.of("warning: " + warning), statuses.stream().filter(s -> s.contains("converged")).toList());
		assertEquals(null, model.withScore(ScoreKind.TEXTURE).trainingOutcome().convergenceWarning());
		assertEquals(warning.replace("latent maps", "density maps"), model.withScore(ScoreKind.DENSITY).trainingOutcome()
			.convergenceWarning());
		assertEquals(epochs.stream().filter(EpochSummary::improved).mapToInt(EpochSummary::epoch).max().getAsInt(),
			model.trainingOutcome().bestEpoch());
	}

	@AfterClass
	public static void close() {
		if (model != null) model.close();
	}

	/**
	 * A plane scored by the network in small tiles gives the map of scoring it at once (up to the
	 * order in which a pixel's patch scores are summed), and no tile exceeds the tile size. (The
	 * texture score reads its own tiles: TextureModelTest.)
	 */
	@Test
	public void tileByTileScoringGivesTheMapOfScoringAtOnce() {
		Img<FloatType> image = SyntheticImages.anomalous(101, new Random(5), 60, 40, 6);
		GanomalyModel model = GanomalyTest.model.withScore(ScoreKind.LATENT);
		PlaneScore whole = model.score(image, 5, "whole", ProgressListener.NONE, 1 << 20, Scorers.BATCH);
		List<long[]> progress = new ArrayList<>();
		PlaneScore tiled = model.score(image, 5, "tiled", new ProgressListener() {

			@Override
			public void progress(long done, long total) {
				progress.add(new long[] { done, total });
			}
		}, 40, Scorers.BATCH);
		// the plane's score is its map's maximum, so it shares the map's rounding
		assertEquals(whole.score(), tiled.score(), 1e-5f * Math.max(1, Math.abs(whole.score())));
		assertEquals(whole.patches(), tiled.patches());
		float[] a = whole.map().values(), b = tiled.map().values();
		for (int i = 0; i < a.length; i++)
			assertEquals("pixel " + i, a[i], b[i], 1e-5f * Math.max(1, Math.abs(a[i])));
		assertTrue("progress reported per band: " + progress.size(), progress.size() >= 3);
		long[] last = progress.get(progress.size() - 1);
		assertEquals(last[1], last[0]);
		NormalizedPlane normalized = model.normalize(image, "n");
		assertArrayEquals(normalized.data(), PlaneNormalizer.measure(model.manifest().normalization(), image, "n")
			.tile(0, 0, 101, 101).data(), 0f);
	}

	@Test
	public void tilesNeverExceedTheTileSize() {
		Scorer scorer = model.withScore(ScoreKind.LATENT).scorer(4, 40, Scorers.BATCH);
		NormalizedPlane plane = new NormalizedPlane(200, 130, 1, new float[200 * 130]);
		int[] largest = new int[2];
		RawMap s = scorer.map(200, 130, (x0, y0, w, h) -> {
			largest[0] = Math.max(largest[0], w);
			largest[1] = Math.max(largest[1], h);
			return new Tile(plane, 0, 0);
		}, ProgressListener.NONE);
		assertTrue(largest[0] + "x" + largest[1], largest[0] <= 40 && largest[1] <= 40 && largest[0] >= PATCH);
		assertEquals(200 * 130, s.map().values().length);
		assertEquals(SlidingWindow.positions(200, PATCH, 4).length * SlidingWindow.positions(130, PATCH, 4).length,
			s.patches());
	}

	@Test
	public void ranksAnomalousImagesAboveNormalOnes() {
		Random random = new Random(99);
		float[] normal = new float[8], anomalous = new float[8];
		for (int i = 0; i < 8; i++) {
			normal[i] = model.score(SyntheticImages.normal(SIZE, random), 4, "normal").score();
			anomalous[i] = model.score(SyntheticImages.anomalous(SIZE, random, 10 + 3 * i, 24, 5), 4, "anomalous").score();
		}
		double auc = Metrics.rocAuc(normal, anomalous);
		assertTrue("image ROC AUC " + auc, auc >= 0.85);
	}

	/** Every score ranks the discs above normal stripes (image score = map maximum). */
	@Test
	public void everyScoreRanksAnomalousImagesAboveNormalOnes() {
		StringBuilder aucs = new StringBuilder();
		double worst = 1;
		for (ScoreKind score : ScoreKind.values()) {
			GanomalyModel m = model.withScore(score);
			Random random = new Random(99);
			float[] normal = new float[8], anomalous = new float[8];
			for (int i = 0; i < 8; i++) {
				normal[i] = m.score(SyntheticImages.normal(SIZE, random), 4, "normal").score();
				anomalous[i] = m.score(SyntheticImages.anomalous(SIZE, random, 10 + 3 * i, 24, 5), 4, "anomalous").score();
			}
			double auc = Metrics.rocAuc(normal, anomalous);
			aucs.append(score.id()).append(' ').append(auc).append("; ");
			worst = Math.min(worst, auc);
		}
		System.out.println("image ROC AUC per score: " + aucs);
		assertTrue("image ROC AUC per score: " + aucs, worst >= 0.85);
	}

	@Test
	public void mapIsHighestAroundTheAnomaly() {
		Random random = new Random(7);
		PlaneScore s = model.score(SyntheticImages.anomalous(SIZE, random, 24, 24, 5), 4, "disc");
		float[] map = s.map().values();
		List<Float> inside = new ArrayList<>(), outside = new ArrayList<>();
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++)
				(SyntheticImages.inDisc(x, y, 24, 24, 5) ? inside : outside).add(map[y * SIZE + x]);
		double auc = Metrics.rocAuc(toArray(outside), toArray(inside));
		assertTrue("pixel ROC AUC " + auc, auc >= 0.85);
		assertEquals(SIZE * SIZE, map.length);
	}

	@Test
	public void calibrationPutsNormalPatchesNearZero() {
		Random random = new Random(5);
		PlaneScore s = model.score(SyntheticImages.normal(SIZE, random), 8, "normal");
		float[] map = s.map().values();
		float[] sorted = map.clone();
		java.util.Arrays.sort(sorted);
		float median = sorted[sorted.length / 2];
		assertTrue("median of a normal map " + median, Math.abs(median) < 1.0);
	}

	@Test
	public void reportsEveryEpochAndKeepsTheBest() {
		assertEquals(settings().epochs(), epochs.size());
		int best = model.manifest().training().network().bestEpoch();
		double bestLoss = epochs.stream().mapToDouble(EpochSummary::validationLoss).min().getAsDouble();
		assertEquals(bestLoss, epochs.get(best - 1).validationLoss(), 0);
		assertTrue(epochs.get(best - 1).improved());
	}

	@Test
	public void savedModelScoresIdenticallyAfterLoading() {
		Path file = tmp.getRoot().toPath().resolve("stripes.ganomaly.zip");
		model.save(file);
		Img<FloatType> image = SyntheticImages.anomalous(SIZE, new Random(3), 20, 20, 4);
		PlaneScore before = model.score(image, 4, "x");
		try (GanomalyModel loaded = GanomalyModel.load(file, 2)) {
			PlaneScore after = loaded.score(image, 4, "x");
			assertEquals(before.score(), after.score(), 0f);
			assertArrayEquals(before.map().values(), after.map().values(), 0f);
			assertEquals(PATCH, loaded.patchSize());
			assertEquals(1, loaded.channels());
		}
	}

	@Test
	public void concurrentScoringGivesTheSameResultsAsSequential() throws Exception {
		Img<FloatType> a = SyntheticImages.anomalous(SIZE, new Random(21), 12, 30, 5);
		Img<FloatType> b = SyntheticImages.normal(SIZE, new Random(22));
		float[] mapA = model.score(a, 4, "a").map().values(), mapB = model.score(b, 4, "b").map().values();
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			for (int round = 0; round < 3; round++) {
				var fa = pool.submit(() -> model.score(a, 4, "a").map().values());
				var fb = pool.submit(() -> model.score(b, 4, "b").map().values());
				assertArrayEquals(mapA, fa.get(), 0f);
				assertArrayEquals(mapB, fb.get(), 0f);
			}
		}
		finally {
			pool.shutdown();
		}
	}

	@Test
	public void corruptedModelFilesLoadIdenticallyOrFailClearly() throws Exception {
		Path good = tmp.getRoot().toPath().resolve("good.ganomaly.zip");
		model.save(good);
		byte[] bytes = java.nio.file.Files.readAllBytes(good);
		Img<FloatType> image = SyntheticImages.anomalous(SIZE, new Random(4), 20, 20, 4);
		float[] expected = model.score(image, 8, "x").map().values();
		Random random = new Random(12345);
		int loaded = 0, refused = 0;
		for (int i = 0; i < 300; i++) {
			byte[] mutated = mutate(bytes, random, i % 3);
			Path file = tmp.getRoot().toPath().resolve("mutated.ganomaly.zip");
			java.nio.file.Files.write(file, mutated);
			try (GanomalyModel m = GanomalyModel.load(file, 1)) {
				assertArrayEquals("mutation " + i + " loaded but scores differently", expected, m.score(image, 8, "x").map().values(), 0f);
				loaded++;
			}
			catch (IllegalArgumentException | sc.fiji.ganomaly.engine.EngineException e) {
				assertTrue("mutation " + i + ": " + e.getMessage(), e.getMessage().contains("mutated.ganomaly.zip") ||
					e.getMessage().contains("SavedModel"));
				refused++;
			}
		}
		assertEquals(300, loaded + refused);
		assertTrue("most mutations are refused: " + refused, refused > 100);
	}

	/** Kind 0: flip a few random bytes; 1: truncate; 2: rename or drop a zip entry. */
	private static byte[] mutate(byte[] bytes, Random random, int kind) throws java.io.IOException {
		if (kind == 0) {
			byte[] out = bytes.clone();
			for (int k = 0; k < 1 + random.nextInt(4); k++)
				out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
			return out;
		}
		if (kind == 1) return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
		java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
		try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(bytes));
				var out = new java.util.zip.ZipOutputStream(buffer))
		{
			int victim = random.nextInt(6), index = 0;
			for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; index++) {
				byte[] content = in.readAllBytes();
				if (index == victim && random.nextBoolean()) continue; // drop it
				out.putNextEntry(new java.util.zip.ZipEntry(index == victim ? e.getName() + ".renamed" : e.getName()));
				out.write(content);
				out.closeEntry();
			}
		}
		return buffer.toByteArray();
	}

	@Test
	public void scoringLeavesTheImageUntouched() {
		float[] pixels = new float[SIZE * SIZE];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = i % 97;
		float[] copy = pixels.clone();
		model.score(ArrayImgs.floats(pixels, SIZE, SIZE), 4, "ramp");
		assertArrayEquals(copy, pixels, 0f);
	}

	@Test
	public void refusesImagesSmallerThanThePatch() {
		expectRefusal(() -> model.score(ArrayImgs.floats(10, 40), 4, "thin.tif"), "thin.tif is 10x40 pixels, smaller than");
	}

	@Test
	public void refusesAnotherChannelCount() {
		expectRefusal(() -> model.score(ArrayImgs.floats(SIZE, SIZE, 3), 4, "rgb.tif"),
			"rgb.tif has 3 channel(s) but the model was trained on 1");
	}

	/** Strides below 0 or beyond the patch are refused; 0 is the default (patch size / 4), as in every front end. */
	@Test
	public void refusesBadStrides() {
		expectRefusal(() -> model.score(ArrayImgs.floats(SIZE, SIZE), -1, "x"), "stride must lie between 1 and");
		expectRefusal(() -> model.score(ArrayImgs.floats(SIZE, SIZE), model.patchSize() + 1, "x"),
			"stride must lie between 1 and");
	}

	@Test
	public void refusesEmptyTrainingData() {
		expectRefusal(() -> Ganomaly.train(new TrainingData(), settings(), null), "training data is empty");
	}

	@Test
	public void refusesTrainingImagesSmallerThanThePatch() {
		expectRefusal(() -> Ganomaly.train(new TrainingData().add("tiny", ArrayImgs.floats(8, 8)), settings(), null),
			"tiny is 8x8 pixels, smaller than the patch");
	}

	@Test
	public void refusesBadSettingsByName() {
		expectRefusal(() -> settings().patchSize(24).validate(), "patchSize must be 16, 32, 64 or 128, not 24");
		expectRefusal(() -> settings().epochs(0).validate(), "epochs must be positive");
		expectRefusal(() -> settings().batchSize(-1).validate(), "batchSize must be positive");
		// the widest layer of ngf 1024 at patch 128 holds 2^31 weights, one more than a Java array
		expectRefusal(() -> settings().patchSize(128).ngf(1024).validate(), "ngf must be 1 to 1023 with patchSize 128 " +
			"(a wider network has a layer of more weights than one array holds), not 1024");
		expectRefusal(() -> settings().patchSize(64).ndf(2000).validate(), "ndf must be 1 to 1024, not 2000");
		// batch statistics are for comparisons only: no model is trained or stored with them
		expectRefusal(() -> settings().scoringNormalization(sc.fiji.ganomaly.engine.ScoringNormalization.BATCH).validate(),
			"scoringNormalization must be 'moving' or 'sample', not batch");
		expectRefusal(() -> settings().scoringNormalization((sc.fiji.ganomaly.engine.ScoringNormalization) null)
			.validate(), "scoringNormalization must be 'moving' or 'sample', not null");
		expectRefusal(() -> settings().scoringNormalization("batch"), "scoringNormalization must be 'moving' or " +
			"'sample', not 'batch'");
		assertEquals(sc.fiji.ganomaly.engine.ScoringNormalization.SAMPLE, settings().scoringNormalization("sample")
			.validate().scoringNormalization());
		settings().patchSize(64).ngf(1024).validate();
		expectRefusal(() -> settings().seed(9007199254740993L).validate(), "seed must lie between -9007199254740992 " +
			"and 9007199254740992, not 9007199254740993");
	}

	private static void expectRefusal(Runnable r, String message) {
		try {
			r.run();
			fail("expected: " + message);
		}
		catch (IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().contains(message));
		}
	}

	private static float[] toArray(List<Float> values) {
		float[] out = new float[values.size()];
		for (int i = 0; i < out.length; i++)
			out[i] = values.get(i);
		return out;
	}
}
