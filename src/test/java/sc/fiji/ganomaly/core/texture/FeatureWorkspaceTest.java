package sc.fiji.ganomaly.core.texture;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import org.junit.Test;

/**
 * {@link FeatureWorkspace}: work arrays kept from one feature computation to the next, and lent to
 * computations side by side, never change a feature.
 */
public class FeatureWorkspaceTest {

	/**
	 * A work space kept from one image to the next (larger, smaller, other shapes, one and three
	 * channels, the scales one after another and side by side) gives each image the features a fresh
	 * one gives, bit for bit, and so do the features of a core (the image without a margin) it
	 * computes or lends: nothing of an earlier image is read.
	 */
	@Test
	public void aReusedWorkspaceGivesTheFeaturesOfAFreshOne() {
		Random random = new Random(3);
		int[][] sizes = { { 40, 30, 1 }, { 90, 61, 3 }, { 23, 70, 1 }, { 5, 5, 1 }, { 90, 61, 1 }, { 61, 90, 3 } };
		for (FeatureSet set : FeatureSet.values())
			for (int threads : new int[] { 1, 2 }) {
				FeatureWorkspace work = new FeatureWorkspace();
				FeatureWorkspace.Pool lender = new FeatureWorkspace.Pool(Long.MAX_VALUE);
				for (int[] size : sizes) {
					int w = size[0], h = size[1], c = size[2];
					float[] data = TextureBenchmark.plane(w, h, c, random).data();
					float[][] expected = TextureFeatures.features(data, w, h, c, TextureModel.DEFAULT_SCALES, set),
							actual = TextureFeatures.features(data, w, h, c, TextureModel.DEFAULT_SCALES, set, threads, work);
					String what = set + " " + w + "x" + h + "x" + c + " threads " + threads;
					assertEquals(expected.length, actual.length);
					for (int k = 0; k < expected.length; k++)
						assertArrayEquals(what + " feature " + k, expected[k], actual[k], 0);
					// a core without a margin of 2 to 4 pixels (the whole of a small image)
					TextureFeatures.Core core = w > 6 && h > 6 ? new TextureFeatures.Core(2, 3, w - 6, h - 5)
						: new TextureFeatures.Core(0, 0, w, h);
					float[][] inCore = new float[expected.length][core.width() * core.height()];
					for (int k = 0; k < expected.length; k++)
						for (int y = 0; y < core.height(); y++)
							System.arraycopy(expected[k], (core.y() + y) * w + core.x(), inCore[k], y * core.width(), core
								.width());
					int cw = core.width(), ch = core.height();
					float[][] kept = TextureFeatures.flat(lender.features(data, w, h, c, core, TextureModel.DEFAULT_SCALES,
						set, threads), cw, ch);
					List<float[][]> lent = new ArrayList<>();
					lender.lend(data, w, h, c, core, TextureModel.DEFAULT_SCALES, set, threads, planes -> lent.add(
						TextureFeatures.flat(planes, cw, ch)));
					assertEquals(1, lent.size());
					for (int k = 0; k < expected.length; k++) {
						assertArrayEquals(what + " " + core + " feature " + k, inCore[k], kept[k], 0);
						assertArrayEquals(what + " " + core + " lent feature " + k, inCore[k], lent.get(0)[k], 0);
					}
				}
			}
	}

	/**
	 * The scales of fresh work spaces computed side by side, over and over, give the features of one
	 * thread, bit for bit: the scales' threads never ask the work space for arrays (two scales growing
	 * its array of scale spaces at once could lose one, or hand one scale's space to two), which the
	 * work space refuses on any thread but its own.
	 */
	@Test
	public void scalesSideBySideInFreshWorkSpacesGiveTheFeaturesOfOneThread() {
		Random random = new Random(4);
		int w = 24, h = 20;
		float[] data = TextureBenchmark.plane(w, h, 1, random).data();
		double[] scales = TextureModel.DEFAULT_SCALES;
		float[][] expected = TextureFeatures.features(data, w, h, 1, scales, TextureModel.DEFAULT_FEATURES);
		for (int round = 0; round < 500; round++) {
			float[][] actual = TextureFeatures.features(data, w, h, 1, scales, TextureModel.DEFAULT_FEATURES, scales.length,
				new FeatureWorkspace());
			for (int k = 0; k < expected.length; k++)
				assertArrayEquals("round " + round + " feature " + k, expected[k], actual[k], 0);
		}
	}

	/**
	 * A pool keeps the work space it lent for the next call (lending it again rather than a new one),
	 * and keeps none that would pass its bound in bytes.
	 */
	@Test
	public void aPoolKeepsWorkSpacesWithinItsBound() {
		int w = 40, h = 30;
		float[] data = TextureBenchmark.plane(w, h, 1, new Random(5)).data();
		TextureFeatures.Core core = new TextureFeatures.Core(0, 0, w, h);
		FeatureWorkspace.Pool pool = new FeatureWorkspace.Pool(Long.MAX_VALUE);
		Object[] firstRows = new Object[2];
		pool.lend(data, w, h, 1, core, TextureModel.DEFAULT_SCALES, TextureModel.DEFAULT_FEATURES, 1,
			f -> firstRows[0] = f[0]);
		long kept = pool.keptBytes();
		int dim = TextureFeatures.dim(TextureModel.DEFAULT_SCALES, TextureModel.DEFAULT_FEATURES, 1);
		assertTrue("the work space's features, rows and scales: " + kept, kept > (4L * dim + 2 * 8 + 4 * 4) * w * h);
		long[] whileLent = new long[1];
		pool.lend(data, w, h, 1, core, TextureModel.DEFAULT_SCALES, TextureModel.DEFAULT_FEATURES, 1, f -> {
			whileLent[0] = pool.keptBytes();
			firstRows[1] = f[0];
		});
		assertSame("the kept work space was lent again: the same feature rows", firstRows[0], firstRows[1]);
		assertEquals("none kept while it is lent", 0, whileLent[0]);
		assertEquals("and given back: one work space kept, not two", kept, pool.keptBytes());
		FeatureWorkspace.Pool small = new FeatureWorkspace.Pool(kept - 1);
		small.lend(data, w, h, 1, core, TextureModel.DEFAULT_SCALES, TextureModel.DEFAULT_FEATURES, 1, f -> {});
		assertEquals("a work space above the bound is not kept", 0, small.keptBytes());
	}

	/** A work space used on a thread other than its own (a mistake of its caller) fails at once. */
	@Test
	public void aWorkSpaceRefusesAnotherThread() throws Exception {
		FeatureWorkspace work = new FeatureWorkspace();
		work.rows(0, 4, 4);
		FutureTask<double[][]> other = new FutureTask<>(() -> work.rows(0, 4,
			4));
		Thread thread = new Thread(other, "another");
		thread.start();
		ExecutionException e = assertThrows(ExecutionException.class,
			other::get);
		assertEquals(IllegalStateException.class, e.getCause().getClass());
		assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("thread another"));
	}
}
