package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

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
import net.imglib2.type.numeric.real.FloatType;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.calibrate.MapCalibration;

/**
 * The combined score, the default of models trained on planes of one window: training picks it, its
 * map is the texture map plus 1.5 times the density map on their calibrated scales, put on a
 * calibrated scale of its own, and a saved and loaded model gives the same maps.
 */
public class CombinedScoreTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static final int P = 16;
	static GanomalyModel model;
	static final StatusLog log = new StatusLog();

	@BeforeClass
	public static void train() {
		model = Ganomaly.train(SyntheticImages.normalData(200, P, new Random(21)), SyntheticImages.tinyNetwork().epochs(3)
			.seed(3), log);
	}

	@AfterClass
	public static void close() {
		if (model != null) model.close();
	}

	@Test
	public void trainingOnPlanesOfOneWindowPicksTheCombinedScoreAndSaysSo() {
		assertEquals(ScoreKind.COMBINED, model.score());
		assertTrue(log.messages.toString(), log.messages.stream().anyMatch(m -> m.startsWith("score: combined (")));
	}

	/** On a plane of one window and on a larger one: (t + 1.5 d − median) / (threshold − median), t and d calibrated. */
	@Test
	public void theMapIsTextureAndTheWeightedDensityOnTheirCalibratedScales() {
		assertEquals("the weight training states", 1.5, model.manifest().scoring().densityWeight(), 0);
		MapCalibration c = model.manifest().scoring().calibrations().get(ScoreKind.COMBINED);
		for (int size : new int[] { P, 40 }) {
			Img<FloatType> plane = SyntheticImages.anomalous(size, new Random(size), size / 2, size / 2, 3);
			float[] combined = model.score(plane, 4, "p").map().values();
			float[] t = model.withScore(ScoreKind.TEXTURE).score(plane, 4, "p").map().values();
			float[] d = model.withScore(ScoreKind.DENSITY).score(plane, 4, "p").map().values();
			double threshold = c.rawThreshold((long) size * size);
			double worst = 0;
			for (int i = 0; i < combined.length; i++) {
				double expected = (t[i] + 1.5 * d[i] - c.median()) / (threshold - c.median());
				worst = Math.max(worst, Math.abs(combined[i] - expected) / Math.max(1, Math.abs(expected)));
			}
			assertTrue(size + "²: largest difference " + worst, worst < 1e-5);
		}
	}

	/** A bright disc in a one-window plane: the combined score ranks such planes above normal ones. */
	@Test
	public void theCombinedScoreRanksAnomaliesAboveNormals() {
		Random random = new Random(8);
		float[] normal = new float[20], anomalous = new float[20];
		for (int i = 0; i < 20; i++) {
			normal[i] = model.score(SyntheticImages.normal(P, random), 4, "normal").score();
			anomalous[i] = model.score(SyntheticImages.anomalous(P, random, 5 + i % 6, 8, 3), 4, "disc").score();
		}
		double auc = Metrics.rocAuc(normal, anomalous);
		assertTrue("image ROC AUC " + auc, auc >= 0.9);
	}

	/** Progress of a large plane's combined map (texture, then density) only grows, to the end. */
	@Test
	public void progressOnlyGrows() {
		List<Double> fractions = java.util.Collections.synchronizedList(new ArrayList<>());
		ProgressListener listener = new ProgressListener() {

			@Override
			public void progress(long done, long total) {
				fractions.add(done / (double) total);
			}
		};
		// several tiles of the texture map and of the network's (tiles of 1024 pixels square)
		Img<FloatType> plane = SyntheticImages.normal(1100, new Random(6));
		model.score(plane, 8, "p", listener);
		assertTrue(fractions.toString(), fractions.stream().anyMatch(f -> f < 0.5) && fractions.stream().anyMatch(
			f -> f > 0.5 && f < 1));
		for (int i = 1; i < fractions.size(); i++)
			assertTrue(fractions.toString(), fractions.get(i) >= fractions.get(i - 1));
		assertEquals(1, fractions.get(fractions.size() - 1), 0);
	}

	@Test
	public void aSavedModelGivesTheSameMaps() {
		Path file = tmp.getRoot().toPath().resolve("combined.ganomaly.zip");
		model.save(file);
		Img<FloatType> plane = SyntheticImages.anomalous(24, new Random(4), 12, 12, 3);
		try (GanomalyModel loaded = GanomalyModel.load(file, 1)) {
			assertEquals(ScoreKind.COMBINED, loaded.score());
			assertArrayEquals(model.score(plane, 4, "p").map().values(), loaded.score(plane, 4, "p").map().values(), 0f);
		}
	}

	/**
	 * Planes scored in one call (small planes share network calls and are mapped side by side) get,
	 * with every score, the scores and maps of one call each, to the bit.
	 */
	@Test
	public void planesScoredTogetherScoreAsEachAlone() {
		List<Img<FloatType>> planes = new ArrayList<>();
		List<String> names = new ArrayList<>();
		Random random = new Random(12);
		for (int size : new int[] { P, P, 24, P, 40, P, P }) {
			planes.add(planes.size() % 3 == 1 ? SyntheticImages.anomalous(size, random, size / 2, size / 2, 3)
				: SyntheticImages.normal(size, random));
			names.add("plane " + planes.size());
		}
		for (ScoreKind kind : ScoreKind.values()) {
			GanomalyModel scoring = model.withScore(kind);
			List<PlaneScore> together = scoring.score(planes, 4, names, ProgressListener.NONE);
			assertEquals(planes.size(), together.size());
			for (int k = 0; k < planes.size(); k++) {
				PlaneScore alone = scoring.score(planes.get(k), 4, names.get(k));
				String what = kind.id() + ", " + names.get(k);
				assertEquals(what, alone.score(), together.get(k).score(), 0f);
				assertEquals(what, alone.patches(), together.get(k).patches());
				assertArrayEquals(what, alone.map().values(), together.get(k).map().values(), 0f);
			}
		}
	}
}
