package sc.fiji.ganomaly.core.math;

import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * A mixture of Gaussians with full covariances, fitted by expectation-maximisation; the raw
 * {@code texture} score of a vector is −2 log p(x) (for one component: the squared Mahalanobis
 * distance plus a constant). Normal data of natural images are not one Gaussian (sky and stars,
 * tissue and background), so a few components describe them far better (docs/benchmarks.md).
 *
 * @param weights    component weights, summing to 1
 * @param means      component means, {@code k × dim} values
 * @param precisions component precision matrices, {@code k × dim × dim} values
 * @param logDets    log-determinants of the component covariances
 */
public record GaussianMixture(double[] weights, double[] means, double[] precisions, double[] logDets) {

	/** Added to every covariance's diagonal: features are of order 1 (logs of energies, means in [-1, 1]). */
	static final double RIDGE = 1e-3;

	public GaussianMixture {
		int k = weights.length;
		if (k == 0 || means.length % k != 0 || logDets.length != k) throw new IllegalArgumentException(
			"Gaussian mixture needs k weights, k log-determinants and k × d means");
		int d = means.length / k;
		if (precisions.length != (long) k * d * d) throw new IllegalArgumentException("Gaussian mixture needs k × d × d " +
			"precision values, not " + precisions.length);
	}

	public int components() {
		return weights.length;
	}

	public int dim() {
		return means.length / weights.length;
	}

	/**
	 * The average of {@code fits} mixtures of {@code k} components, each fitted by EM from other
	 * random starts ({@link #fit(float[], int, int, int, int, Random)}): the mixture of all their
	 * components, weights divided by {@code fits}. EM from random starts ends in one of many local
	 * optima, and which one moves the texture score's image ROC AUC on the detection suite by up to
	 * 0.07 (docs/benchmarks.md, "Fourth pass"); the average of three is steadier and better than
	 * any one of them.
	 */
	public static GaussianMixture fit(float[] x, int n, int dim, int k, int fits, int iterations, long seed) {
		return fit(x, n, dim, k, fits, iterations, seed, () -> false);
	}

	/**
	 * As {@link #fit(float[], int, int, int, int, int, long)}, or null once {@code canceled} says so
	 * (polled before every round of EM).
	 */
	public static GaussianMixture fit(float[] x, int n, int dim, int k, int fits, int iterations, long seed,
		BooleanSupplier canceled)
	{
		Random random = new Random(seed);
		GaussianMixture[] parts = new GaussianMixture[fits];
		for (int f = 0; f < fits; f++)
			if ((parts[f] = fit(x, n, dim, k, iterations, random, canceled)) == null) return null;
		if (fits == 1) return parts[0];
		double[] w = new double[fits * k], mean = new double[fits * k * dim], precision = new double[fits * k * dim * dim],
				logDet = new double[fits * k];
		for (int f = 0; f < fits; f++) {
			for (int c = 0; c < k; c++)
				w[f * k + c] = parts[f].weights[c] / fits;
			System.arraycopy(parts[f].means, 0, mean, f * k * dim, k * dim);
			System.arraycopy(parts[f].precisions, 0, precision, f * k * dim * dim, k * dim * dim);
			System.arraycopy(parts[f].logDets, 0, logDet, f * k, k);
		}
		return new GaussianMixture(w, mean, precision, logDet);
	}

	/**
	 * Fits {@code k} components to {@code n} vectors of {@code dim} values by EM ({@code iterations}
	 * rounds), starting from {@code k} vectors drawn by {@code random} and the overall covariance.
	 */
	static GaussianMixture fit(float[] x, int n, int dim, int k, int iterations, Random random) {
		return fit(x, n, dim, k, iterations, random, () -> false);
	}

	/** As {@link #fit(float[], int, int, int, int, Random)}, or null once {@code canceled} says so. */
	private static GaussianMixture fit(float[] x, int n, int dim, int k, int iterations, Random random,
		BooleanSupplier canceled)
	{
		if (n < Math.max(2, k)) throw new IllegalArgumentException("the texture score needs at least " + Math.max(2, k) +
			" normal pixels, not " + n);
		GaussianMixture g = start(x, n, dim, k, random);
		// the M step sets every weight, mean and covariance value
		double[] mean = new double[k * dim], cov = new double[k * dim * dim], w = new double[k];
		double[] r = new double[n * k], rc = new double[n];
		double[][] xt = new double[dim][EM_BLOCK], diff = new double[dim][EM_BLOCK], log = new double[k][EM_BLOCK];
		double[] row = new double[EM_BLOCK], q = new double[EM_BLOCK], s = new double[dim];
		for (int it = 0; it < iterations; it++) {
			if (canceled.getAsBoolean()) return null;
			// E step: responsibilities, a block of vectors at a time
			for (int i0 = 0; i0 < n; i0 += EM_BLOCK) {
				int m = Math.min(EM_BLOCK, n - i0);
				for (int i = 0; i < m; i++)
					for (int j = 0; j < dim; j++)
						xt[j][i] = x[(i0 + i) * dim + j];
				for (int c = 0; c < k; c++)
					g.logComponents(c, xt, m, diff, row, q, log[c]);
				for (int i = 0; i < m; i++) {
					double max = Double.NEGATIVE_INFINITY;
					for (int c = 0; c < k; c++)
						max = Math.max(max, log[c][i]);
					double sum = 0;
					for (int c = 0; c < k; c++)
						sum += log[c][i] = Math.exp(log[c][i] - max);
					for (int c = 0; c < k; c++)
						r[(i0 + i) * k + c] = log[c][i] / sum;
				}
			}
			// M step
			for (int c = 0; c < k; c++) {
				double nk = 1e-9;
				for (int i = 0; i < n; i++)
					nk += r[i * k + c];
				w[c] = nk / n;
				// each mean's sum over the vectors in their order, the values of a vector side by side
				java.util.Arrays.fill(s, 0);
				for (int i = 0; i < n; i++) {
					double ri = r[i * k + c];
					for (int j = 0; j < dim; j++)
						s[j] += ri * x[i * dim + j];
				}
				for (int j = 0; j < dim; j++)
					mean[c * dim + j] = s[j] / nk;
				for (int i = 0; i < n; i++)
					rc[i] = r[i * k + c];
				double[] scatter = Matrices.scatter(x, n, dim, java.util.Arrays.copyOfRange(mean, c * dim, c * dim + dim), rc);
				for (int a = 0; a < dim * dim; a++)
					cov[c * dim * dim + a] = scatter[a] / n * n / nk;
				for (int a = 0; a < dim; a++)
					cov[c * dim * dim + a * dim + a] += RIDGE;
			}
			g = of(w, mean, cov, dim);
		}
		return g;
	}

	/**
	 * EM's start: {@code k} components of equal weight centred on vectors drawn by {@code random},
	 * each with the covariance of all vectors (ridge added).
	 */
	static GaussianMixture start(float[] x, int n, int dim, int k, Random random) {
		double[] mean = new double[k * dim], cov = new double[k * dim * dim], w = new double[k];
		double[] all = Matrices.scatter(x, n, dim, Matrices.mean(x, n, dim), null);
		for (int a = 0; a < dim * dim; a++)
			all[a] /= n;
		for (int a = 0; a < dim; a++)
			all[a * dim + a] += RIDGE;
		for (int c = 0; c < k; c++) {
			int i = random.nextInt(n);
			for (int j = 0; j < dim; j++)
				mean[c * dim + j] = x[i * dim + j];
			System.arraycopy(all, 0, cov, c * dim * dim, dim * dim);
			w[c] = 1.0 / k;
		}
		return of(w, mean, cov, dim);
	}

	/** The mixture of given weights, means and covariances (ridge included). */
	static GaussianMixture of(double[] w, double[] mean, double[] cov, int dim) {
		int k = w.length;
		double[] precision = new double[k * dim * dim], logDet = new double[k];
		for (int c = 0; c < k; c++) {
			double[] one = java.util.Arrays.copyOfRange(cov, c * dim * dim, (c + 1) * dim * dim);
			logDet[c] = logDet(one, dim);
			System.arraycopy(Matrices.inverse(one, dim, "texture features"), 0, precision, c * dim * dim, dim * dim);
		}
		return new GaussianMixture(w.clone(), mean.clone(), precision, logDet);
	}

	private static double logDet(double[] m, int d) {
		double[] l = Matrices.cholesky(m, d, "texture features");
		double sum = 0;
		for (int i = 0; i < d; i++)
			sum += Math.log(l[i * d + i]);
		return 2 * sum;
	}

	/** Vectors of an E step scored at once. */
	private static final int EM_BLOCK = 128;

	/**
	 * log(w_c) + log N(x | component c), up to the constant −d/2 log 2π, of the first {@code m} vectors
	 * given as rows of their values, {@code xt[j][i]} value j of vector i, into {@code out}. With
	 * z = x − mean and P the precision (symmetric: its diagonal once, each off-diagonal pair once,
	 * doubled), q = Σ_a z_a (P_aa z_a + 2 Σ_{b > a} P_ab z_b), every sum in the order of a and b, so a
	 * vector's value does not depend on the vectors beside it; the vectors side by side in loops the
	 * JIT vectorises. {@code diff}, {@code row} and {@code q} are work space of as many vectors.
	 */
	private void logComponents(int c, double[][] xt, int m, double[][] diff, double[] row, double[] q, double[] out) {
		int d = dim(), base = c * d * d;
		for (int j = 0; j < d; j++) {
			double mean = means[c * d + j];
			double[] from = xt[j], to = diff[j];
			for (int i = 0; i < m; i++)
				to[i] = from[i] - mean;
		}
		java.util.Arrays.fill(q, 0, m, 0);
		for (int a = 0; a < d; a++) {
			java.util.Arrays.fill(row, 0, m, 0);
			int b = a + 1;
			// four columns at a time, added in their order
			for (; b + 3 < d; b += 4) {
				double p0 = precisions[base + a * d + b], p1 = precisions[base + a * d + b + 1],
						p2 = precisions[base + a * d + b + 2], p3 = precisions[base + a * d + b + 3];
				double[] z0 = diff[b], z1 = diff[b + 1], z2 = diff[b + 2], z3 = diff[b + 3];
				for (int i = 0; i < m; i++)
					row[i] = row[i] + p0 * z0[i] + p1 * z1[i] + p2 * z2[i] + p3 * z3[i];
			}
			for (; b < d; b++) {
				double p = precisions[base + a * d + b];
				double[] z = diff[b];
				for (int i = 0; i < m; i++)
					row[i] += p * z[i];
			}
			double p = precisions[base + a * d + a];
			double[] z = diff[a];
			for (int i = 0; i < m; i++)
				q[i] += z[i] * (p * z[i] + 2 * row[i]);
		}
		double logWeight = Math.log(weights[c]), logDet = logDets[c];
		for (int i = 0; i < m; i++)
			out[i] = logWeight - 0.5 * (q[i] + logDet);
	}

	/**
	 * −2 log p(x) (without the constant d log 2π) of the vector at {@code x[offset..offset+dim)}, in
	 * doubles (many at once, in floats: {@link MixtureScores}).
	 *
	 * @param scratch at least {@code dim + components} values
	 */
	public float score(float[] x, int offset, double[] scratch) {
		int k = weights.length, d = dim();
		// a block of one vector: the fit's sums, in its order
		double[][] vector = new double[d][1], diff = new double[d][1];
		for (int j = 0; j < d; j++)
			vector[j][0] = x[offset + j];
		double[] row = new double[1], q = new double[1], log = new double[1];
		double max = Double.NEGATIVE_INFINITY;
		for (int c = 0; c < k; c++) {
			logComponents(c, vector, 1, diff, row, q, log);
			max = Math.max(max, scratch[d + c] = log[0]);
		}
		double sum = 0;
		for (int c = 0; c < k; c++)
			sum += Math.exp(scratch[d + c] - max);
		return (float) (-2 * (max + Math.log(sum)));
	}
}
