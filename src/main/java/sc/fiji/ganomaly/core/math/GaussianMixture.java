package sc.fiji.ganomaly.core.math;

import java.util.Random;

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
		Random random = new Random(seed);
		GaussianMixture[] parts = new GaussianMixture[fits];
		for (int f = 0; f < fits; f++)
			parts[f] = fit(x, n, dim, k, iterations, random);
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
		if (n < Math.max(2, k)) throw new IllegalArgumentException("the texture score needs at least " + Math.max(2, k) +
			" normal pixels, not " + n);
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
		GaussianMixture g = of(w, mean, cov, dim);
		double[] r = new double[n * k], rc = new double[n];
		for (int it = 0; it < iterations; it++) {
			// E step: responsibilities
			double[] scratch = new double[dim], log = new double[k];
			for (int i = 0; i < n; i++) {
				double max = Double.NEGATIVE_INFINITY;
				for (int c = 0; c < k; c++) {
					log[c] = g.logComponent(c, x, i * dim, scratch);
					max = Math.max(max, log[c]);
				}
				double sum = 0;
				for (int c = 0; c < k; c++)
					sum += log[c] = Math.exp(log[c] - max);
				for (int c = 0; c < k; c++)
					r[i * k + c] = log[c] / sum;
			}
			// M step
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
				double[] s = Matrices.scatter(x, n, dim, java.util.Arrays.copyOfRange(mean, c * dim, c * dim + dim), rc);
				for (int a = 0; a < dim * dim; a++)
					cov[c * dim * dim + a] = s[a] / n * n / nk;
				for (int a = 0; a < dim; a++)
					cov[c * dim * dim + a * dim + a] += RIDGE;
			}
			g = of(w, mean, cov, dim);
		}
		return g;
	}

	/** The mixture of given weights, means and covariances (ridge included). */
	private static GaussianMixture of(double[] w, double[] mean, double[] cov, int dim) {
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

	/** log(w_c) + log N(x | component c) up to the constant −d/2 log 2π. */
	private double logComponent(int c, float[] x, int offset, double[] scratch) {
		int d = dim();
		for (int j = 0; j < d; j++)
			scratch[j] = x[offset + j] - means[c * d + j];
		// the precision matrix is symmetric: diagonal once, each off-diagonal pair once, doubled
		double q = 0;
		int base = c * d * d;
		for (int a = 0; a < d; a++) {
			double row = 0;
			for (int b = a + 1; b < d; b++)
				row += precisions[base + a * d + b] * scratch[b];
			q += scratch[a] * (precisions[base + a * d + a] * scratch[a] + 2 * row);
		}
		return Math.log(weights[c]) - 0.5 * (q + logDets[c]);
	}

	/**
	 * −2 log p(x) (without the constant d log 2π) of the vector at {@code x[offset..offset+dim)}.
	 *
	 * @param scratch at least {@code dim + components} values
	 */
	public float score(float[] x, int offset, double[] scratch) {
		int k = weights.length, d = dim();
		double max = Double.NEGATIVE_INFINITY;
		for (int c = 0; c < k; c++)
			max = Math.max(max, scratch[d + c] = logComponent(c, x, offset, scratch));
		double sum = 0;
		for (int c = 0; c < k; c++)
			sum += Math.exp(scratch[d + c] - max);
		return (float) (-2 * (max + Math.log(sum)));
	}

	/** Pixels scored at once by {@link #scores}. */
	public static final int BLOCK = 256;

	/**
	 * Below this, exp of a component's log-density relative to the largest is less than 10⁻¹⁷ and
	 * leaves the sum of the exponentials (at least 1) unchanged.
	 */
	private static final double NEGLIGIBLE = -40;

	/**
	 * Work space of {@link #scores} for one thread, with each component's precision as a triangular
	 * factor: q = |U (x − mean)|² with UᵀU the precision, in floats.
	 */
	public final class Block {
		private final float[][] x, diff;
		private final float[] row = new float[BLOCK], next = new float[BLOCK], q = new float[BLOCK], factors, floatMeans;
		private final double[][] log;
		private final double[] logWeights;

		/** @throws IllegalArgumentException if a component's precision is not positive definite */
		public Block() {
			int d = dim(), k = components();
			x = new float[d][BLOCK];
			diff = new float[d][BLOCK];
			log = new double[k][BLOCK];
			logWeights = new double[k];
			factors = new float[k * d * d];
			floatMeans = new float[k * d];
			for (int c = 0; c < k; c++) {
				logWeights[c] = Math.log(weights[c]);
				double[] l = Matrices.cholesky(java.util.Arrays.copyOfRange(precisions, c * d * d, (c + 1) * d * d), d,
					"a texture component's inverse");
				// U = Lᵀ for the precision L Lᵀ: row a holds L[b][a] for b ≥ a
				for (int a = 0; a < d; a++)
					for (int b = a; b < d; b++)
						factors[c * d * d + a * d + b] = (float) l[b * d + a];
				for (int j = 0; j < d; j++)
					floatMeans[c * d + j] = (float) means[c * d + j];
			}
		}
	}

	/**
	 * −2 log p(x) (without the constant d log 2π) of {@code n} vectors given as planes,
	 * {@code x[j][offset + i]} the value j of vector i, into {@code out[outOffset + i]}: the quadratic
	 * forms in floats, pixels innermost so that the loops vectorise. Agrees with {@link #score} to a
	 * few float roundings of the quadratic form.
	 */
	public void scores(float[][] x, int offset, int n, float[] out, int outOffset, Block b) {
		for (int start = 0; start < n; start += BLOCK)
			scoreBlock(x, offset + start, Math.min(BLOCK, n - start), out, outOffset + start, b);
	}

	private void scoreBlock(float[][] x, int offset, int n, float[] out, int outOffset, Block b) {
		int k = weights.length, d = dim();
		float[] row = b.row, next = b.next, q = b.q, f = b.factors;
		for (int j = 0; j < d; j++)
			System.arraycopy(x[j], offset, b.x[j], 0, n);
		for (int c = 0; c < k; c++) {
			for (int j = 0; j < d; j++) {
				float m = b.floatMeans[c * d + j];
				float[] from = b.x[j], to = b.diff[j];
				for (int i = 0; i < n; i++)
					to[i] = from[i] - m;
			}
			java.util.Arrays.fill(q, 0, n, 0);
			int base = c * d * d, a = 0;
			// rows a and a + 1 of U (x − mean) at once: each value of x − mean read once for both
			for (; a + 1 < d; a += 2) {
				int p = base + a * d, p1 = p + d, j = a + 2;
				float u = f[p + a], u1 = f[p + a + 1], v1 = f[p1 + a + 1];
				float[] sa = b.diff[a], sb = b.diff[a + 1];
				for (int i = 0; i < n; i++) {
					row[i] = u * sa[i] + u1 * sb[i];
					next[i] = v1 * sb[i];
				}
				for (; j + 3 < d; j += 4) {
					float p0 = f[p + j], p1a = f[p + j + 1], p2 = f[p + j + 2], p3 = f[p + j + 3];
					float q0 = f[p1 + j], q1 = f[p1 + j + 1], q2 = f[p1 + j + 2], q3 = f[p1 + j + 3];
					float[] s0 = b.diff[j], s1 = b.diff[j + 1], s2 = b.diff[j + 2], s3 = b.diff[j + 3];
					for (int i = 0; i < n; i++) {
						float x0 = s0[i], x1 = s1[i], x2 = s2[i], x3 = s3[i];
						float t = row[i];
						t += p0 * x0;
						t += p1a * x1;
						t += p2 * x2;
						t += p3 * x3;
						row[i] = t;
						float v = next[i];
						v += q0 * x0;
						v += q1 * x1;
						v += q2 * x2;
						v += q3 * x3;
						next[i] = v;
					}
				}
				for (; j < d; j++) {
					float pj = f[p + j], qj = f[p1 + j];
					float[] sj = b.diff[j];
					for (int i = 0; i < n; i++) {
						row[i] += pj * sj[i];
						next[i] += qj * sj[i];
					}
				}
				for (int i = 0; i < n; i++)
					q[i] += row[i] * row[i] + next[i] * next[i];
			}
			if (a < d) {
				float u = f[base + a * d + a];
				float[] sa = b.diff[a];
				for (int i = 0; i < n; i++) {
					float t = u * sa[i];
					q[i] += t * t;
				}
			}
			double lw = b.logWeights[c], ld = logDets[c];
			double[] log = b.log[c];
			for (int i = 0; i < n; i++)
				log[i] = lw - 0.5 * (q[i] + ld);
		}
		for (int i = 0; i < n; i++) {
			double max = Double.NEGATIVE_INFINITY;
			for (int c = 0; c < k; c++)
				max = Math.max(max, b.log[c][i]);
			double sum = 0;
			for (int c = 0; c < k; c++) {
				double e = b.log[c][i] - max;
				if (e == 0) sum += 1;
				else if (e > NEGLIGIBLE) sum += Math.exp(e);
			}
			out[outOffset + i] = (float) (-2 * (max + Math.log(sum)));
		}
	}
}
