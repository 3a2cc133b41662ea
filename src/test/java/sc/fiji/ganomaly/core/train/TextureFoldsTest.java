package sc.fiji.ganomaly.core.train;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.Test;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.math.GaussianMixture;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.core.texture.TextureModel;

/**
 * Cross-fitting folds: a held-out region is scored by the model of its own fold, fitted without it;
 * fitted side by side, the models are those fitted one by one.
 */
public class TextureFoldsTest {

	@Test
	public void aPlaneIsScoredByTheModelOfItsFold() {
		Random random = new Random(1);
		List<NormalizedPlane> planes = new ArrayList<>();
		for (int i = 0; i < 7; i++)
			planes.add(noise(48, 48, random));
		TextureFolds folds = TextureFolds.of(planes, 16, 5, null, 3, 1);
		assertEquals(5, folds.size());
		assertEquals(List.of(Region.of(planes.get(1)), Region.of(planes.get(6))), folds.regions(1));
		assertSame(folds.model(1), folds.modelFor(Region.of(planes.get(6))));
		assertSame(folds.model(4), folds.modelFor(new Region(planes.get(4), 0, 16, 48, 16)));
	}

	@Test
	public void aBandOfASinglePlaneIsScoredByTheModelOfTheHalfHoldingMostOfIt() {
		NormalizedPlane plane = noise(48, 96, new Random(2));
		TextureFolds folds = TextureFolds.of(List.of(plane), 16, 5, null, 3, 1);
		assertEquals(2, folds.size());
		assertEquals(new Region(plane, 0, 48, 48, 48), folds.regions(1).get(0));
		// rows 40..72: 8 in the top half, 24 in the bottom one, whose model was fitted to the top
		assertSame(folds.model(1), folds.modelFor(new Region(plane, 0, 40, 48, 32)));
		assertSame(folds.model(0), folds.modelFor(new Region(plane, 0, 0, 48, 20)));
	}

	/**
	 * Fitted side by side on two threads, the kept model and the folds' models are the models fitted one
	 * by one on one thread, to the bit (so training gives the same model file on any machine).
	 */
	@Test
	public void fitsSideBySideAreTheFitsOneByOne() {
		Random random = new Random(4);
		List<NormalizedPlane> planes = new ArrayList<>();
		for (int i = 0; i < 6; i++)
			planes.add(noise(64, 48, random));
		List<Region> whole = planes.stream().map(Region::of).toList();
		TextureFolds together = TextureFolds.of(planes, 16, 5, null, 3, 2), apart = TextureFolds.of(planes, 16, 5, null,
			3, 1);
		TextureModel kept = together.fitAll(whole, 9, () -> false);
		assertMixture(TextureModel.fit(whole, null, 9, 1), kept);
		for (int f = 0; f < apart.size(); f++)
			assertMixture(apart.model(f), together.model(f));
	}

	private static void assertMixture(TextureModel expected, TextureModel actual) {
		GaussianMixture a = expected.density(), b = actual.density();
		assertArrayEquals(a.weights(), b.weights(), 0);
		assertArrayEquals(a.means(), b.means(), 0);
		assertArrayEquals(a.precisions(), b.precisions(), 0);
		assertArrayEquals(a.logDets(), b.logDets(), 0);
	}

	private static NormalizedPlane noise(int width, int height, Random random) {
		float[] v = new float[width * height];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (0.3 * random.nextGaussian());
		return new NormalizedPlane(width, height, 1, v);
	}
}
