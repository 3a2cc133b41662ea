package sc.fiji.ganomaly.core.math;

import java.util.Arrays;

/**
 * −2 log p(x) of a {@link GaussianMixture} for many vectors at once, for one thread: each
 * component's precision as a triangular factor, q = |U (x − mean)|² with UᵀU the precision, in
 * floats, pixels innermost so that the loops vectorise. Agrees with
 * {@link GaussianMixture#score} to a few float roundings of the quadratic form.
 */
public final class MixtureScores {

	/** Pixels scored at once. */
	public static final int BLOCK = 256;

	/**
	 * Below this, exp of a component's log-density relative to the largest is less than 10⁻¹⁷ and
	 * leaves the sum of the exponentials (at least 1) unchanged.
	 */
	private static final double NEGLIGIBLE = -40;

	private final GaussianMixture mixture;
	private final float[][] x, diff;
	private final float[] row = new float[BLOCK], next = new float[BLOCK], q = new float[BLOCK], factors, floatMeans;
	private final double[][] log;
	private final double[] logWeights;

	/** @throws IllegalArgumentException if a component's precision is not positive definite */
	public MixtureScores(GaussianMixture mixture) {
		this.mixture = mixture;
		int d = mixture.dim(), k = mixture.components();
		double[] precisions = mixture.precisions(), means = mixture.means(), weights = mixture.weights();
		x = new float[d][BLOCK];
		diff = new float[d][BLOCK];
		log = new double[k][BLOCK];
		logWeights = new double[k];
		factors = new float[k * d * d];
		floatMeans = new float[k * d];
		for (int c = 0; c < k; c++) {
			logWeights[c] = Math.log(weights[c]);
			double[] l = Matrices.cholesky(Arrays.copyOfRange(precisions, c * d * d, (c + 1) * d * d), d,
				"a texture component's inverse");
			// U = Lᵀ for the precision L Lᵀ: row a holds L[b][a] for b ≥ a
			for (int a = 0; a < d; a++)
				for (int b = a; b < d; b++)
					factors[c * d * d + a * d + b] = (float) l[b * d + a];
			for (int j = 0; j < d; j++)
				floatMeans[c * d + j] = (float) means[c * d + j];
		}
	}

	/**
	 * −2 log p(x) (without the constant d log 2π) of {@code n} vectors given as planes,
	 * {@code planes[j][offset + i]} the value j of vector i, into {@code out[outOffset + i]}.
	 */
	public void scores(float[][] planes, int offset, int n, float[] out, int outOffset) {
		for (int start = 0; start < n; start += BLOCK)
			scoreBlock(planes, offset + start, Math.min(BLOCK, n - start), out, outOffset + start);
	}

	private void scoreBlock(float[][] planes, int offset, int n, float[] out, int outOffset) {
		int k = mixture.components(), d = mixture.dim();
		double[] logDets = mixture.logDets();
		float[] f = factors, row = this.row, next = this.next, q = this.q;
		for (int j = 0; j < d; j++)
			System.arraycopy(planes[j], offset, x[j], 0, n);
		for (int c = 0; c < k; c++) {
			for (int j = 0; j < d; j++) {
				float m = floatMeans[c * d + j];
				float[] from = x[j], to = diff[j];
				for (int i = 0; i < n; i++)
					to[i] = from[i] - m;
			}
			Arrays.fill(q, 0, n, 0);
			int base = c * d * d, a = 0;
			// rows a and a + 1 of U (x − mean) at once: each value of x − mean read once for both
			for (; a + 1 < d; a += 2) {
				int p = base + a * d, p1 = p + d, j = a + 2;
				float u = f[p + a], u1 = f[p + a + 1], v1 = f[p1 + a + 1];
				float[] sa = diff[a], sb = diff[a + 1];
				for (int i = 0; i < n; i++) {
					row[i] = u * sa[i] + u1 * sb[i];
					next[i] = v1 * sb[i];
				}
				for (; j + 3 < d; j += 4) {
					float p0 = f[p + j], p1a = f[p + j + 1], p2 = f[p + j + 2], p3 = f[p + j + 3];
					float q0 = f[p1 + j], q1 = f[p1 + j + 1], q2 = f[p1 + j + 2], q3 = f[p1 + j + 3];
					float[] s0 = diff[j], s1 = diff[j + 1], s2 = diff[j + 2], s3 = diff[j + 3];
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
					float[] sj = diff[j];
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
				float[] sa = diff[a];
				for (int i = 0; i < n; i++) {
					float t = u * sa[i];
					q[i] += t * t;
				}
			}
			double lw = logWeights[c], ld = logDets[c];
			double[] component = log[c];
			for (int i = 0; i < n; i++)
				component[i] = lw - 0.5 * (q[i] + ld);
		}
		for (int i = 0; i < n; i++) {
			double max = Double.NEGATIVE_INFINITY;
			for (int c = 0; c < k; c++)
				max = Math.max(max, log[c][i]);
			double sum = 0;
			for (int c = 0; c < k; c++) {
				double e = log[c][i] - max;
				if (e == 0) sum += 1;
				else if (e > NEGLIGIBLE) sum += Math.exp(e);
			}
			out[outOffset + i] = (float) (-2 * (max + Math.log(sum)));
		}
	}
}
