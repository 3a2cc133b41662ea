package sc.fiji.ganomaly.core.texture;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.Test;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.math.MapFilters;
import sc.fiji.ganomaly.core.math.RowFilters;
import sc.fiji.ganomaly.core.math.GaussianMixture;
import sc.fiji.ganomaly.core.math.MixtureScores;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.core.plane.Tile;
import sc.fiji.ganomaly.core.plane.TileSource;

/**
 * The fast texture score (rows summed at once, the quadratic forms in floats, pixels in blocks, tiles
 * on several threads) gives the numbers of the straightforward one of {@link TextureReference}
 * within its own rounding: smoothing, features, mixture scores and maps of odd sizes, with one and
 * three channels; on any number of threads the same map, bit for bit.
 */
public class TextureSpeedTest {

	private static float[] random(int n, Random random) {
		float[] v = new float[n];
		for (int i = 0; i < n; i++)
			v[i] = (float) (random.nextGaussian() * Math.exp(3 * random.nextGaussian()));
		return v;
	}

	/**
	 * Gaussian smoothing of float maps, in place and into another array, equals the column-by-column
	 * reference bit for bit; smoothing of feature inputs given as rows of doubles differs from it by
	 * float roundings of the sum of the absolute values.
	 */
	@Test
	public void gaussianAsReference() {
		Random random = new Random(1);
		int[][] sizes = { { 1, 1 }, { 1, 40 }, { 40, 1 }, { 37, 53 }, { 5, 200 }, { 130, 9 }, { 64, 64 } };
		for (int[] size : sizes)
			for (double sigma : new double[] { 0.2, 0.34, 0.5, 1, 2.5, 4, 8 }) {
				int w = size[0], h = size[1];
				float[] v = random(w * h, random), expected = v.clone(), inPlace = v.clone(), out = new float[w * h],
						rows = new float[w * h], magnitude = new float[w * h];
				for (int i = 0; i < v.length; i++)
					magnitude[i] = Math.abs(v[i]);
				TextureReference.gaussian(expected, w, h, sigma);
				TextureReference.gaussian(magnitude, w, h, sigma);
				MapFilters.gaussian(inPlace, w, h, sigma);
				MapFilters.gaussian(v, out, w, h, sigma);
				double[][] widened = new double[h][w];
				float[][] smoothed = new float[h][w];
				for (int y = 0; y < h; y++)
					for (int x = 0; x < w; x++)
						widened[y][x] = v[y * w + x];
				RowFilters.gaussian(widened, w, h, smoothed, sigma, new RowFilters.Scratch(w, h));
				for (int y = 0; y < h; y++)
					System.arraycopy(smoothed[y], 0, rows, y * w, w);
				String what = w + "x" + h + " sigma " + sigma;
				assertArrayEquals(what, expected, inPlace, 0);
				assertArrayEquals(what, expected, out, 0);
				for (int i = 0; i < v.length; i++)
					assertEquals(what + " pixel " + i, expected[i], rows[i], 4e-7 * magnitude[i]);
			}
	}

	/**
	 * Feature planes of both feature sets, with one and three channels, agree with the reference's
	 * within 2·10⁻⁴ (relative above 1). The log variance of a nearly flat window is the loosest: it
	 * takes the difference of two smoothed floats.
	 */
	@Test
	public void featuresAsReference() {
		Random random = new Random(2);
		int[][] sizes = { { 1, 1, 1 }, { 1, 23, 1 }, { 23, 1, 3 }, { 37, 53, 1 }, { 37, 53, 3 }, { 90, 61, 1 } };
		for (int[] size : sizes)
			for (FeatureSet set : FeatureSet.values()) {
				int w = size[0], h = size[1], c = size[2];
				float[] data = TextureBenchmark.plane(w, h, c, random).data();
				float[][] expected = TextureReference.features(data, w, h, c, TextureModel.DEFAULT_SCALES, set),
						actual = TextureFeatures.features(data, w, h, c, TextureModel.DEFAULT_SCALES, set);
				assertEquals(expected.length, actual.length);
				for (int k = 0; k < expected.length; k++)
					for (int i = 0; i < expected[k].length; i++)
						assertEquals(w + "x" + h + "x" + c + " " + set.id() + " feature " + k + " pixel " + i, expected[k][i],
							actual[k][i], 2e-4 * Math.max(1, Math.abs(expected[k][i])));
			}
	}

	/**
	 * Scores of vectors in blocks agree with those one at a time in doubles within 10⁻⁵ (relative
	 * above 1), for vectors near and far from the components (where most exponentials are 0), runs
	 * that are not a whole block and odd dimensions; a scorer for another thread scores the same.
	 */
	@Test
	public void mixtureAsReference() {
		Random random = new Random(3);
		for (int d : new int[] { 1, 5, 24 }) {
			int n = 2000;
			float[] x = new float[n * d];
			for (int i = 0; i < x.length; i++)
				x[i] = (float) (random.nextGaussian() + (i / d % 3) * 3);
			GaussianMixture g = GaussianMixture.fit(x, n, d, 4, 3, 5, 7);
			int m = 3 * MixtureScores.BLOCK + 17;
			float[][] planes = new float[d][m + 5];
			for (int j = 0; j < d; j++)
				for (int i = 0; i < m + 5; i++)
					planes[j][i] = (float) (random.nextGaussian() * (i % 3 == 0 ? 40 : 2));
			float[] out = new float[m + 2], another = new float[m + 2];
			MixtureScores scores = new MixtureScores(g);
			scores.scores(planes, 5, m, out, 2);
			// a scorer for another thread shares the factors and gives the same scores
			scores.forAnotherThread().scores(planes, 5, m, another, 2);
			assertArrayEquals("d " + d, out, another, 0);
			float[] vector = new float[d];
			for (int i = 0; i < m; i++) {
				for (int j = 0; j < d; j++)
					vector[j] = planes[j][5 + i];
				float expected = TextureReference.score(g, vector, 0);
				assertEquals("d " + d + " vector " + i, expected, out[2 + i], 1e-5 * Math.max(1, Math.abs(expected)));
				assertEquals(g.score(vector, 0, new double[d + g.components()]), expected, 0);
			}
		}
	}

	/**
	 * The fit samples features of several tiles computed on 1 or 2 threads in the same order: the
	 * same model. Maps of planes two tiles wide or high (one channel) and of a three-channel plane,
	 * read through the same tiles, are the same bit for bit on 1, 2 and 3 threads, and differ from the
	 * reference's by at most three times as much as the reference differs from itself on the
	 * transposed plane (its rounding: the same sums in another order; the largest difference of a
	 * plane is a noisy figure); a listener that cancels at the first tile's progress gets no map.
	 */
	@Test
	public void mapsAsReferenceOnAnyThreads() {
		Random random = new Random(4);
		NormalizedPlane train = TextureBenchmark.plane(TextureModel.TILE + 90, 8, 1, random);
		TextureModel t = TextureModel.fit(List.of(Region.of(train)), null, 5, 1),
				other = TextureModel.fit(List.of(Region.of(train)), null, 5, 2);
		assertArrayEquals(t.density().means(), other.density().means(), 0);
		assertArrayEquals(t.density().precisions(), other.density().precisions(), 0);
		int w = TextureModel.TILE + 37, h = 40;
		assertMapsAsReference(t, TextureBenchmark.plane(w, h, 1, random));
		assertMapsAsReference(t, TextureBenchmark.plane(h, TextureModel.TILE + 11, 1, random));
		TextureModel three = TextureModel.fit(List.of(Region.of(TextureBenchmark.plane(16, 16, 3, random))), null, 6, 2);
		assertMapsAsReference(three, TextureBenchmark.plane(61, 45, 3, random));

		NormalizedPlane p = TextureBenchmark.plane(w, h, 1, random);
		long[] calls = { 0 };
		assertNull(t.map(w, h, (x0, y0, tw, th) -> new Tile(p, 0, 0), new ProgressListener() {

			@Override
			public void progress(long done, long total) {
				calls[0] = done;
			}

			@Override
			public boolean isCanceled() {
				return calls[0] > 0;
			}
		}, 2));
		assertEquals("progress stops at the first tile", 1, calls[0]);
	}

	private static void assertMapsAsReference(TextureModel t, NormalizedPlane p) {
		int w = p.width(), h = p.height();
		float[] expected = TextureReference.map(t, w, h, tiles(p)),
				transposed = transpose(TextureReference.map(t, h, w, tiles(transpose(p))), w, h);
		double rounding = largestDifference(expected, transposed);
		float[] one = t.map(w, h, tiles(p), ProgressListener.NONE, 1).values();
		String what = p.channels() + " channel(s)";
		assertTrue(what + ": the reference's rounding " + rounding, rounding > 0 && rounding < 1e-3);
		assertTrue(what + ": " + largestDifference(expected, one) + " from the reference, beyond its rounding " + rounding,
			largestDifference(expected, one) <= 3 * rounding);
		for (int threads : new int[] { 2, 3 })
			assertArrayEquals(what + ", " + threads + " thread(s)", one, t.map(w, h, tiles(p), ProgressListener.NONE,
				threads).values(), 0);
	}

	/** The largest difference of two maps, relative above 1. */
	private static double largestDifference(float[] a, float[] b) {
		double worst = 0;
		for (int i = 0; i < a.length; i++)
			worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
		return worst;
	}

	private static TileSource tiles(NormalizedPlane p) {
		return (x0, y0, tw, th) -> new Tile(crop(p, x0, y0, tw, th), x0, y0);
	}

	private static NormalizedPlane transpose(NormalizedPlane p) {
		int w = p.width(), h = p.height(), c = p.channels();
		float[] out = new float[w * h * c];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				System.arraycopy(p.data(), (y * w + x) * c, out, (x * h + y) * c, c);
		return new NormalizedPlane(h, w, c, out);
	}

	/** The {@code w × h} map of a transposed {@code h × w} one. */
	private static float[] transpose(float[] v, int w, int h) {
		float[] out = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				out[y * w + x] = v[x * h + y];
		return out;
	}

	private static NormalizedPlane crop(NormalizedPlane p, int x0, int y0, int w, int h) {
		int c = p.channels();
		float[] out = new float[w * h * c];
		for (int y = 0; y < h; y++)
			System.arraycopy(p.data(), ((y0 + y) * p.width() + x0) * c, out, y * w * c, w * c);
		return new NormalizedPlane(w, h, c, out);
	}
}
