package sc.fiji.ganomaly.core.math;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Random;

import org.junit.Test;

/**
 * The mixture of Gaussians: EM finds clusters, averaged fits mean their densities, and the fit's
 * blocked loops give the bits of EM one vector at a time.
 */
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

	/**
	 * The fit, whose E step scores blocks of vectors side by side and whose scatter adds four vectors
	 * at a time, gives the mixture of EM written one vector at a time, bit for bit: sizes that are no
	 * multiple of the blocks (1,001 vectors, 11 values each), and a scatter with weights of zero.
	 */
	@Test
	public void blockedEmGivesTheBitsOfOneVectorAtATime() {
		Random random = new Random(8);
		int n = 1001, d = 11, k = 3, iterations = 6;
		float[] x = new float[n * d];
		for (int i = 0; i < x.length; i++)
			x[i] = (float) (random.nextGaussian() * (1 + i % d) + (i / d % 4));
		GaussianMixture fitted = GaussianMixture.fit(x, n, d, k, iterations, new Random(2));
		GaussianMixture reference = oneAtATime(x, n, d, k, iterations, new Random(2));
		assertArrayEquals(reference.weights(), fitted.weights(), 0);
		assertArrayEquals(reference.means(), fitted.means(), 0);
		assertArrayEquals(reference.precisions(), fitted.precisions(), 0);
		assertArrayEquals(reference.logDets(), fitted.logDets(), 0);
		double[] w = new double[n], center = new double[d];
		for (int i = 0; i < n; i++)
			w[i] = i % 3 == 0 ? 0 : random.nextDouble();
		for (int j = 0; j < d; j++)
			center[j] = random.nextGaussian();
		assertArrayEquals(scatter(x, n, d, center, w), Matrices.scatter(x, n, d, center, w), 0);
		assertArrayEquals(scatter(x, n, d, center, null), Matrices.scatter(x, n, d, center, null), 0);
	}

	/** EM as GaussianMixture.fit, one vector at a time, from its start. */
	private static GaussianMixture oneAtATime(float[] x, int n, int dim, int k, int iterations, Random random) {
		GaussianMixture g = GaussianMixture.start(x, n, dim, k, random);
		double[] mean = new double[k * dim], cov = new double[k * dim * dim], w = new double[k];
		double[] r = new double[n * k], rc = new double[n], log = new double[k];
		for (int it = 0; it < iterations; it++) {
			for (int i = 0; i < n; i++) {
				double max = Double.NEGATIVE_INFINITY;
				for (int c = 0; c < k; c++)
					max = Math.max(max, log[c] = logComponent(g, c, x, i * dim));
				double sum = 0;
				for (int c = 0; c < k; c++)
					sum += log[c] = Math.exp(log[c] - max);
				for (int c = 0; c < k; c++)
					r[i * k + c] = log[c] / sum;
			}
			for (int c = 0; c < k; c++) {
				double nk = 1e-9;
				for (int i = 0; i < n; i++)
					nk += r[i * k + c];
				w[c] = nk / n;
				for (int j = 0; j < dim; j++) {
					double s = 0;
					for (int i = 0; i < n; i++)
						s += r[i * k + c] * x[i * dim + j];
					mean[c * dim + j] = s / nk;
				}
				for (int i = 0; i < n; i++)
					rc[i] = r[i * k + c];
				double[] s = scatter(x, n, dim, java.util.Arrays.copyOfRange(mean, c * dim, c * dim + dim), rc);
				for (int a = 0; a < dim * dim; a++)
					cov[c * dim * dim + a] = s[a] / n * n / nk;
				for (int a = 0; a < dim; a++)
					cov[c * dim * dim + a * dim + a] += GaussianMixture.RIDGE;
			}
			g = GaussianMixture.of(w, mean, cov, dim);
		}
		return g;
	}

	/** log(w_c) + log N(x | c) of one vector, the precision's symmetric pairs once. */
	private static double logComponent(GaussianMixture g, int c, float[] x, int offset) {
		int d = g.dim(), base = c * d * d;
		double[] z = new double[d], p = g.precisions();
		for (int j = 0; j < d; j++)
			z[j] = x[offset + j] - g.means()[c * d + j];
		double q = 0;
		for (int a = 0; a < d; a++) {
			double row = 0;
			for (int b = a + 1; b < d; b++)
				row += p[base + a * d + b] * z[b];
			q += z[a] * (p[base + a * d + a] * z[a] + 2 * row);
		}
		return Math.log(g.weights()[c]) - 0.5 * (q + g.logDets()[c]);
	}

	/** The scatter matrix one vector at a time. */
	private static double[] scatter(float[] x, int n, int dim, double[] center, double[] w) {
		double[] s = new double[dim * dim], z = new double[dim];
		for (int i = 0; i < n; i++) {
			double wi = w == null ? 1 : w[i];
			if (wi == 0) continue;
			for (int j = 0; j < dim; j++)
				z[j] = x[i * dim + j] - center[j];
			for (int a = 0; a < dim; a++) {
				double za = wi * z[a];
				for (int b = 0; b <= a; b++)
					s[a * dim + b] += za * z[b];
			}
		}
		for (int a = 0; a < dim; a++)
			for (int b = 0; b < a; b++)
				s[b * dim + a] = s[a * dim + b];
		return s;
	}

	/** A cancel is seen before the next round of EM: a fit stops within one round, with no mixture. */
	@Test
	public void aCancelStopsTheFitWithinOneRound() {
		Random random = new Random(4);
		int n = 2000, d = 3;
		float[] x = new float[n * d];
		for (int i = 0; i < x.length; i++)
			x[i] = (float) random.nextGaussian();
		int[] asked = { 0 };
		assertNull(GaussianMixture.fit(x, n, d, 2, 3, 30, 1, () -> ++asked[0] > 40));
		assertEquals("30 rounds of the first fit, 10 of the second, then the cancel", 41, asked[0]);
		assertNotNull(GaussianMixture.fit(x, n, d, 2, 3, 30, 1, () -> false));
	}
}
