package sc.fiji.ganomaly.core.math;

import static org.junit.Assert.assertEquals;

import java.util.Random;

import org.junit.Test;

/** The smoothing of a window of a plane given as rows: each value that of the whole plane's smoothing. */
public class RowFiltersTest {

	private static final int[][] SIZES = { { 70, 50 }, { 9, 40 }, { 40, 3 }, { 1, 1 } };
	private static final double[] SIGMAS = { 0.3, 1, 2, 4, 8 };

	/**
	 * Windows of every kind (inside, at each border, the whole plane, one pixel, narrower than the
	 * kernel) of planes of several shapes give, bit for bit, the whole plane's smoothing there, with
	 * scratch larger than the plane: rows of doubles and rows of floats.
	 */
	@Test
	public void aWindowIsSmoothedAsTheWholePlaneThere() {
		Random random = new Random(5);
		for (int[] size : SIZES)
			for (double sigma : SIGMAS) {
				int w = size[0], h = size[1];
				float[][] floats = plane(w, h, random);
				double[][] doubles = widened(floats);
				RowFilters.Scratch scratch = new RowFilters.Scratch(w + 5, h + 7);
				float[][] whole = new float[h][w], wholeOfFloats = new float[h][w];
				RowFilters.gaussian(doubles, w, h, whole, sigma, scratch);
				RowFilters.gaussian(floats, w, h, 0, 0, w, h, wholeOfFloats, sigma, scratch);
				for (int trial = 0; trial < 12; trial++) {
					int x0 = trial == 0 ? 0 : random.nextInt(w), y0 = trial == 0 ? 0 : random.nextInt(h);
					int ww = trial == 0 ? w : 1 + random.nextInt(w - x0), wh = trial == 0 ? h : 1 + random.nextInt(h - y0);
					float[][] window = new float[wh][ww], windowOfFloats = new float[wh][ww];
					RowFilters.gaussian(doubles, w, h, x0, y0, ww, wh, window, sigma, scratch);
					RowFilters.gaussian(floats, w, h, x0, y0, ww, wh, windowOfFloats, sigma, scratch);
					for (int y = 0; y < wh; y++)
						for (int x = 0; x < ww; x++) {
							String what = w + "x" + h + " sigma " + sigma + " window " + ww + "x" + wh + " at (" + x0 + ", " + y0 +
								") pixel (" + x + ", " + y + ")";
							assertEquals(what, whole[y0 + y][x0 + x], window[y][x], 0);
							assertEquals(what + ", floats", wholeOfFloats[y0 + y][x0 + x], windowOfFloats[y][x], 0);
						}
				}
			}
	}

	/**
	 * Rows of floats summed in floats are within a few floats' rounding of the sums in doubles: at
	 * most 3 · 10⁻⁶ of the smoothed magnitudes here (two passes of up to 49 taps at sigma 8; each sum's
	 * error is at worst its number of terms times half a float's epsilon, about 3 · 10⁻⁶ a pass, and
	 * far less in practice). At 10⁻⁸ of the magnitudes it fails: the float sums do differ.
	 */
	@Test
	public void floatsAreWithinTheirRoundingOfDoubles() {
		Random random = new Random(7);
		for (int[] size : SIZES)
			for (double sigma : SIGMAS) {
				int w = size[0], h = size[1];
				float[][] floats = plane(w, h, random), magnitudes = new float[h][w];
				RowFilters.Scratch scratch = new RowFilters.Scratch(w, h);
				double[][] absolute = widened(floats);
				for (double[] row : absolute)
					for (int x = 0; x < w; x++)
						row[x] = Math.abs(row[x]);
				RowFilters.gaussian(absolute, w, h, magnitudes, sigma, scratch);
				float[][] inDoubles = new float[h][w], inFloats = new float[h][w];
				RowFilters.gaussian(widened(floats), w, h, inDoubles, sigma, scratch);
				RowFilters.gaussian(floats, w, h, 0, 0, w, h, inFloats, sigma, scratch);
				for (int y = 0; y < h; y++)
					for (int x = 0; x < w; x++)
						assertEquals(w + "x" + h + " sigma " + sigma + " pixel (" + x + ", " + y + ")", inDoubles[y][x],
							inFloats[y][x], 3e-6 * magnitudes[y][x]);
			}
	}

	private static float[][] plane(int w, int h, Random random) {
		float[][] rows = new float[h][w];
		for (float[] row : rows)
			for (int x = 0; x < w; x++)
				row[x] = (float) (random.nextGaussian() * 10);
		return rows;
	}

	private static double[][] widened(float[][] rows) {
		double[][] out = new double[rows.length][];
		for (int y = 0; y < rows.length; y++) {
			out[y] = new double[rows[y].length];
			for (int x = 0; x < rows[y].length; x++)
				out[y][x] = rows[y][x];
		}
		return out;
	}
}
