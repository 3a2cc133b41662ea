package sc.fiji.ganomaly.core.math;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Random;

import org.junit.Test;

/** The mixture of Gaussians: EM finds clusters, averaged fits mean their densities. */
public class GaussianMixtureTest {

	/** Two well separated clusters: EM finds both, and a point between them scores far worse than either centre. */
	@Test
	public void mixtureFindsTwoClusters() {
		Random random = new Random(3);
		int n = 4000, d = 2;
		float[] x = new float[n * d];
		for (int i = 0; i < n; i++) {
			double c = i % 2 == 0 ? -5 : 5;
			x[i * d] = (float) (c + 0.5 * random.nextGaussian());
			x[i * d + 1] = (float) (0.5 * random.nextGaussian());
		}
		GaussianMixture g = GaussianMixture.fit(x, n, d, 4, 1, 30, 1);
		double[] scratch = new double[d + g.components()];
		float left = g.score(new float[] { -5, 0 }, 0, scratch), right = g.score(new float[] { 5, 0 }, 0, scratch),
				middle = g.score(new float[] { 0, 0 }, 0, scratch);
		assertEquals(left, right, 1.0);
		assertTrue("between the clusters " + middle + ", at a centre " + left, middle > left + 20);
		double sum = 0;
		for (double w : g.weights())
			sum += w;
		assertEquals(1, sum, 1e-9);
	}

	/**
	 * The average of three fits is the mixture of their components: its density is the mean of
	 * theirs (each fitted from the same random draws, in turn), everywhere.
	 */
	@Test
	public void averagedFitsMeanTheirDensities() {
		Random random = new Random(21);
		int n = 3000, d = 3;
		float[] x = new float[n * d];
		for (int i = 0; i < x.length; i++)
			x[i] = (float) (random.nextGaussian() + (i / d % 3) * 2);
		GaussianMixture average = GaussianMixture.fit(x, n, d, 2, 3, 10, 5);
		assertEquals(6, average.components());
		Random same = new Random(5);
		GaussianMixture[] parts = new GaussianMixture[3];
		for (int f = 0; f < 3; f++)
			parts[f] = GaussianMixture.fit(x, n, d, 2, 10, same);
		double[] scratch = new double[d + 6];
		for (int t = 0; t < 20; t++) {
			float[] v = { (float) (3 * random.nextGaussian()), (float) (3 * random.nextGaussian()), (float) (3 * random
				.nextGaussian()) };
			double mean = 0;
			for (GaussianMixture p : parts)
				mean += Math.exp(-0.5 * p.score(v, 0, scratch)) / 3;
			assertEquals(-2 * Math.log(mean), average.score(v, 0, scratch), 1e-3);
		}
		assertTrue("the parts differ", Math.abs(parts[0].means()[0] - parts[1].means()[0]) + Math.abs(parts[0].means()[0] -
			parts[2].means()[0]) > 1e-3);
	}
}
