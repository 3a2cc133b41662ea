package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.real.FloatType;
import sc.fiji.ganomaly.core.score.Scorers;
import sc.fiji.ganomaly.engine.Precision;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.model.ModelFile;

/**
 * Scoring on a tiny network (patch 16, nz 8, 8 filters): maps do not depend on the batch size, the
 * thread count or the calls in flight (float32, to the bit), cancelling with calls in flight
 * leaves the model as it was, and bfloat16 scoring stays within its documented
 * tolerance where the CPU supports it and is refused with a clear message where it does not.
 */
public class ScoringSpeedTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	/**
	 * Largest difference of a calibrated map pixel (1 = the image threshold) between bfloat16 and
	 * float32 scoring allowed here, per score; docs/benchmarks.md reports what real models give. The
	 * density score (a Mahalanobis distance) magnifies rounding of the latent code along thin
	 * directions of the normal codes' Gaussian, so it gets the widest band.
	 */
	static final java.util.Map<ScoreKind, Double> BF16_MAP_TOLERANCE = java.util.Map.of(ScoreKind.LATENT, 0.05,
		ScoreKind.RESIDUAL, 0.05, ScoreKind.DENSITY, 0.1);

	static Path file;
	static GanomalyModel trained;

	@BeforeClass
	public static void train() throws Exception {
		Random random = new Random(21);
		TrainingData data = SyntheticImages.normalData(12, 48, random);
		TrainingSettings settings = new TrainingSettings().score(ScoreKind.LATENT).patchSize(16).nz(8).ngf(8).ndf(8).batchSize(32).epochs(2)
			.patchesPerEpoch(256).seed(3).threads(1).learningRate(1e-3f).validationFraction(0.3);
		trained = Ganomaly.train(data, settings, null);
		file = tmp.getRoot().toPath().resolve("tiny" + ModelFile.EXTENSION);
		trained.save(file);
	}

	@AfterClass
	public static void close() {
		if (trained != null) trained.close();
	}

	private static Img<FloatType> plane() {
		return SyntheticImages.anomalous(53, new Random(4), 20, 22, 5);
	}

	@Test
	public void mapsDoNotDependOnBatchSizeOrThreads() {
		Img<FloatType> plane = plane();
		for (ScoreKind score : ScoreKind.values()) {
			float[] reference = null;
			for (int threads : new int[] { 1, 2 })
				try (GanomalyModel loaded = GanomalyModel.load(file, threads, Precision.FLOAT32)) {
					GanomalyModel model = loaded.withScore(score);
					for (int batch : new int[] { 1, 7, 64, 256 }) {
						float[] map = model.score(plane, 3, "plane", ProgressListener.NONE, Scorers.TILE, batch).map().values();
						if (reference == null) reference = map;
						else assertArrayEquals(score.id() + ", threads " + threads + ", batch " + batch, reference, map, 0f);
					}
				}
		}
	}

	/**
	 * Two network calls of a plane run at once (two threads): cancelling in the middle returns null
	 * after the calls in flight end, and the next plane's map is the one-call-at-a-time map.
	 */
	@Test
	public void cancellingWithCallsInFlightLeavesTheModelScoringAsBefore() {
		Img<FloatType> plane = plane();
		try (GanomalyModel one = GanomalyModel.load(file, 1, Precision.FLOAT32);
				GanomalyModel two = GanomalyModel.load(file, 2, Precision.FLOAT32))
		{
			float[] reference = one.score(plane, 3, "plane", ProgressListener.NONE, Scorers.TILE, 7).map().values();
			int[] asked = { 0 };
			ProgressListener cancelLater = new ProgressListener() {

				@Override
				public boolean isCanceled() {
					return ++asked[0] >= 5;
				}
			};
			assertEquals(null, two.score(plane, 3, "plane", cancelLater, Scorers.TILE, 7));
			assertEquals(5, asked[0]);
			assertArrayEquals(reference, two.score(plane, 3, "plane", ProgressListener.NONE, Scorers.TILE, 7).map().values(),
				0f);
		}
	}

	@Test
	public void bfloat16StaysWithinToleranceOrIsRefused() {
		String reason = Precision.unsupportedReason(Precision.BFLOAT16);
		if (reason != null) {
			try (GanomalyModel m = GanomalyModel.load(file, 0, Precision.BFLOAT16)) {
				fail("bfloat16 accepted on a CPU without support");
			}
			catch (IllegalArgumentException e) {
				assertTrue(e.getMessage(), e.getMessage().contains("AVX512_BF16 or AMX"));
			}
			return;
		}
		Img<FloatType> plane = plane();
		try (GanomalyModel f32 = GanomalyModel.load(file, 0, Precision.FLOAT32);
				GanomalyModel bf16 = GanomalyModel.load(file, 0, Precision.BFLOAT16))
		{
			assertEquals(Precision.BFLOAT16, bf16.precision());
			assertEquals(Precision.FLOAT32, f32.precision());
			for (ScoreKind score : List.of(ScoreKind.LATENT, ScoreKind.RESIDUAL, ScoreKind.DENSITY)) {
				float[] a = f32.withScore(score).score(plane, 3, "plane").map().values();
				float[] b = bf16.withScore(score).score(plane, 3, "plane").map().values();
				double max = 0;
				boolean differs = false;
				for (int i = 0; i < a.length; i++) {
					max = Math.max(max, Math.abs(a[i] - b[i]));
					differs |= a[i] != b[i];
				}
				System.out.println("bfloat16 - float32, " + score.id() + ": max map difference " + max);
				assertTrue(score.id() + ": bfloat16 map differs by " + max, max <= BF16_MAP_TOLERANCE.get(score));
				assertTrue(score.id() + ": bfloat16 computed nothing in bfloat16", differs);
			}
		}
	}
}
