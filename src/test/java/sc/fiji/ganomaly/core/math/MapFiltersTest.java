package sc.fiji.ganomaly.core.math;

import static org.junit.Assert.assertEquals;

import java.util.Random;

import org.junit.Test;

/** The smoothing of a window of a plane: each value that of the whole plane's smoothing. */
public class MapFiltersTest {

	/**
	 * Windows of every kind (inside, at each border, the whole plane, one pixel, narrower than the
	 * kernel) of planes of several shapes give, bit for bit, the whole plane's smoothing there, with
	 * scratch larger than the plane.
	 */
	@Test
	public void aWindowIsSmoothedAsTheWholePlaneThere() {
		Random random = new Random(5);
		int[][] sizes = { { 70, 50 }, { 9, 40 }, { 40, 3 }, { 1, 1 } };
		for (int[] size : sizes)
			for (double sigma : new double[] { 0.3, 1, 2, 4, 8 }) {
				int w = size[0], h = size[1];
				double[][] rows = new double[h][w];
				for (double[] row : rows)
					for (int x = 0; x < w; x++)
						row[x] = (float) (random.nextGaussian() * 10);
				MapFilters.Scratch scratch = new MapFilters.Scratch(w + 5, h + 7);
				float[][] whole = new float[h][w];
				MapFilters.gaussian(rows, w, h, whole, sigma, scratch);
				for (int trial = 0; trial < 12; trial++) {
					int x0 = trial == 0 ? 0 : random.nextInt(w), y0 = trial == 0 ? 0 : random.nextInt(h);
					int ww = trial == 0 ? w : 1 + random.nextInt(w - x0), wh = trial == 0 ? h : 1 + random.nextInt(h - y0);
					float[][] window = new float[wh][ww];
					MapFilters.gaussian(rows, w, h, x0, y0, ww, wh, window, sigma, scratch);
					for (int y = 0; y < wh; y++)
						for (int x = 0; x < ww; x++)
							assertEquals(w + "x" + h + " sigma " + sigma + " window " + ww + "x" + wh + " at (" + x0 + ", " + y0 +
								") pixel (" + x + ", " + y + ")", whole[y0 + y][x0 + x], window[y][x], 0);
				}
			}
	}
}
