package sc.fiji.ganomaly.core.math;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;

import java.util.Random;

import org.junit.Test;

/** The smoothing of a map in bands of rows: the values of one pass over the whole plane. */
public class MapFiltersTest {

	/**
	 * Planes of several shapes and sigmas, cut into 1 to 5 bands (fewer where a band would be shorter
	 * than 4r rows), each band smoothed in place, first band first and last band first (so that a
	 * band reads rows above it and rows below it that its neighbour has already overwritten): bit for
	 * bit the plane smoothed in one pass.
	 */
	@Test
	public void bandsGiveTheWholePlanesSmoothing() {
		Random random = new Random(3);
		int[][] sizes = { { 50, 200 }, { 7, 97 }, { 120, 13 }, { 1, 60 } };
		int severalBands = 0;
		for (int[] size : sizes)
			for (double sigma : new double[] { 0.2, 1, 2.5, 4 })
				for (int asked = 1; asked <= 5; asked++)
					for (boolean lastFirst : new boolean[] { false, true }) {
						int w = size[0], h = size[1];
						float[] plane = new float[w * h];
						for (int i = 0; i < plane.length; i++)
							plane[i] = (float) (random.nextGaussian() * 5);
						float[] whole = plane.clone(), banded = plane.clone();
						MapFilters.gaussian(whole, w, h, sigma);
						MapFilters.Bands bands = new MapFilters.Bands(banded, w, h, sigma, asked);
						for (int i = 0; i < bands.count(); i++)
							bands.smooth(lastFirst ? bands.count() - 1 - i : i);
						if (bands.count() >= 3) severalBands++;
						assertArrayEquals(w + "x" + h + " sigma " + sigma + " in " + bands.count() + " bands" + (lastFirst
							? ", last first" : ""), whole, banded, 0);
					}
		assertTrue("cases of three bands or more: " + severalBands, severalBands >= 10);
	}
}
