package sc.fiji.ganomaly.core.texture;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.List;
import java.util.Random;

import org.junit.Test;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.math.MapFilters;
import sc.fiji.ganomaly.core.math.GaussianMixture;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.core.plane.Tile;
import sc.fiji.ganomaly.core.plane.TileSource;

/**
 * The fast texture score (rows summed at once, pixels in blocks, tiles on several threads) gives
 * the same numbers as the straightforward one of {@link TextureReference}: smoothing, features,
 * mixture scores and maps of odd sizes, with one and three channels, on any number of threads.
 */
public class TextureSpeedTest {

	private static float[] random(int n, Random random) {
		float[] v = new float[n];
		for (int i = 0; i < n; i++)
			v[i] = (float) (random.nextGaussian() * Math.exp(3 * random.nextGaussian()));
		return v;
	}

	/** Gaussian smoothing in place and into another array equals the column-by-column reference, bit for bit. */
	@Test
	public void gaussianAsReference() {
		Random random = new Random(1);
		int[][] sizes = { { 1, 1 }, { 1, 40 }, { 40, 1 }, { 37, 53 }, { 5, 200 }, { 130, 9 }, { 64, 64 } };
		for (int[] size : sizes)
			for (double sigma : new double[] { 0.2, 0.34, 0.5, 1, 2.5, 4, 8 }) {
				int w = size[0], h = size[1];
				float[] v = random(w * h, random), expected = v.clone(), inPlace = v.clone(), out = new float[w * h];
				TextureReference.gaussian(expected, w, h, sigma);
				MapFilters.gaussian(inPlace, w, h, sigma);
				MapFilters.gaussian(v, out, w, h, sigma);
				String what = w + "x" + h + " sigma " + sigma;
				assertArrayEquals(what, expected, inPlace, 0);
				assertArrayEquals(what, expected, out, 0);
			}
	}

	/** Feature planes of both feature sets equal the reference's, bit for bit, with one and three channels. */
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
					assertArrayEquals(w + "x" + h + "x" + c + " " + set.id() + " feature " + k, expected[k], actual[k], 0);
			}
	}

	/**
	 * Scores of vectors in blocks equal those one at a time, bit for bit, for vectors near and far
	 * from the components (where most exponentials are 0) and runs that are not a whole block.
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
			int m = 3 * GaussianMixture.BLOCK + 17;
			float[][] planes = new float[d][m + 5];
			for (int j = 0; j < d; j++)
				for (int i = 0; i < m + 5; i++)
					planes[j][i] = (float) (random.nextGaussian() * (i % 3 == 0 ? 40 : 2));
			float[] out = new float[m + 2];
			g.scores(planes, 5, m, out, 2, g.new Block());
			float[] vector = new float[d];
			for (int i = 0; i < m; i++) {
				for (int j = 0; j < d; j++)
					vector[j] = planes[j][5 + i];
				assertEquals("d " + d + " vector " + i, TextureReference.score(g, vector, 0), out[2 + i], 0);
				assertEquals(g.score(vector, 0, new double[d + g.components()]), out[2 + i], 0);
			}
		}
	}

	/**
	 * The fit samples features of several tiles computed on 1 or 2 threads in the same order: the
	 * same model. Maps of planes two tiles wide or high (one channel) and of a three-channel plane equal
	 * the reference's read through the same tiles, bit for bit, on 1, 2 and 3 threads; a listener
	 * that cancels at the first tile's progress gets no map.
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
		TileSource source = (x0, y0, tw, th) -> new Tile(crop(p, x0, y0, tw, th), x0, y0);
		float[] expected = TextureReference.map(t, w, h, source);
		for (int threads : new int[] { 1, 2, 3 })
			assertArrayEquals(p.channels() + " channel(s), " + threads + " thread(s)", expected, t.map(w, h, source,
				ProgressListener.NONE, threads).values(), 0);
	}

	private static NormalizedPlane crop(NormalizedPlane p, int x0, int y0, int w, int h) {
		int c = p.channels();
		float[] out = new float[w * h * c];
		for (int y = 0; y < h; y++)
			System.arraycopy(p.data(), ((y0 + y) * p.width() + x0) * c, out, y * w * c, w * c);
		return new NormalizedPlane(w, h, c, out);
	}
}
