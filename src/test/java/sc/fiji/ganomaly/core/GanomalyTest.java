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

/** Trains one small model on synthetic stripes and checks what users rely on. */
public class GanomalyTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static final int SIZE = 48, PATCH = 16;
	static GanomalyModel model;
	static List<EpochSummary> epochs = new ArrayList<>();

	static Settings settings() {
		return new Settings().patchSize(PATCH).nz(16).ngf(16).ndf(16).batchSize(32).epochs(6).patchesPerEpoch(640)
			.seed(3).threads(2).learningRate(1e-3f);
	}

	@BeforeClass
	public static void train() {
		Random random = new Random(1);
		TrainingData data = new TrainingData();
		for (int i = 0; i < 6; i++)
			data.add("normal " + i, SyntheticImages.normal(SIZE, random));
		model = Ganomaly.train(data, settings(), new ProgressListener() {

			@Override
			public void epochFinished(EpochSummary summary) {
				epochs.add(summary);
			}
		});
	}

	@AfterClass
	public static void close() {
		if (model != null) model.close();
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
		int best = ((Number) model.manifest().training().get("best_epoch")).intValue();
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

	@Test
	public void refusesBadStrides() {
		expectRefusal(() -> model.score(ArrayImgs.floats(SIZE, SIZE), 0, "x"), "stride must lie between 1 and");
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
