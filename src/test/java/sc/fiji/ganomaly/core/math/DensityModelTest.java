package sc.fiji.ganomaly.core.math;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Random;

import org.junit.Test;

/** The density score's Gaussian of latent codes: its distances, its shrinkage, what it refuses. */
public class DensityModelTest {

	/** Codes with independent axes of standard deviation 1 and 3: the distance is Σ (x_i − μ_i)² / σ_i². */
	@Test
	public void distanceIsTheMahalanobisDistanceOfTheCodes() {
		Random random = new Random(4);
		int n = 20_000, d = 2;
		float[] codes = new float[n * d];
		for (int i = 0; i < n; i++) {
			codes[i * d] = (float) (5 + random.nextGaussian());
			codes[i * d + 1] = (float) (-2 + 3 * random.nextGaussian());
		}
		DensityModel g = DensityModel.fit(codes, n, d);
		assertEquals(5, g.mean()[0], 0.03);
		assertEquals(-2, g.mean()[1], 0.08);
		double[] scratch = new double[d];
		assertEquals(0, g.distance2(new float[] { (float) g.mean()[0], (float) g.mean()[1] }, 0, scratch), 1e-6);
		assertEquals(4, g.distance2(new float[] { 7, -2 }, 0, scratch), 0.1);
		assertEquals(1, g.distance2(new float[] { 5, 1 }, 0, scratch), 0.05);
		assertEquals("the offset picks the code", g.distance2(new float[] { 7, -2 }, 0, scratch),
			g.distance2(new float[] { 0, 0, 7, -2 }, 2, scratch), 0);
	}

	/** Two perfectly correlated axes: the shrinkage keeps the covariance invertible, distances stay finite. */
	@Test
	public void perfectlyCorrelatedCodesStayInvertible() {
		Random random = new Random(5);
		int n = 500, d = 2;
		float[] codes = new float[n * d];
		for (int i = 0; i < n; i++)
			codes[i * d] = codes[i * d + 1] = (float) random.nextGaussian();
		DensityModel g = DensityModel.fit(codes, n, d);
		double[] scratch = new double[d];
		float along = g.distance2(new float[] { 1, 1 }, 0, scratch), across = g.distance2(new float[] { 1, -1 }, 0,
			scratch);
		assertTrue(along + " along, " + across + " across", Float.isFinite(across) && across > 10 * along);
	}

	@Test
	public void fewerThanTwoCodesAreRefused() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DensityModel.fit(new float[3],
			1, 3));
		assertEquals("the density score needs at least 2 normal patches, not 1", e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> new DensityModel(new double[2], new double[3]));
	}
}
