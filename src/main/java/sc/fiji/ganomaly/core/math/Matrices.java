package sc.fiji.ganomaly.core.math;

/** Dense symmetric matrices as row-major double arrays: moments of vectors, Cholesky, inverse. */
public final class Matrices {

	private Matrices() {}

	/** The mean of {@code n} vectors of {@code dim} values each. */
	public static double[] mean(float[] x, int n, int dim) {
		double[] mean = new double[dim];
		for (int i = 0; i < n; i++)
			for (int j = 0; j < dim; j++)
				mean[j] += x[i * dim + j];
		for (int j = 0; j < dim; j++)
			mean[j] /= n;
		return mean;
	}

	/**
	 * The scatter matrix (dim x dim, row-major, not divided by anything) of {@code n} vectors around
	 * {@code center}: the sum of w_i (x_i − center)(x_i − center)^T, with weights {@code w} (null: all 1).
	 */
	public static double[] scatter(float[] x, int n, int dim, double[] center, double[] w) {
		double[] s = new double[dim * dim];
		// four vectors of nonzero weight at a time, each sum taking them in their order: the same sums
		// as one vector at a time, with a quarter of the loads and stores of s
		double[][] z = new double[4][dim];
		double[] weight = new double[4];
		for (int i = 0;;) {
			int m = 0;
			for (; i < n && m < 4; i++) {
				double wi = w == null ? 1 : w[i];
				if (wi == 0) continue;
				weight[m] = wi;
				for (int j = 0; j < dim; j++)
					z[m][j] = x[i * dim + j] - center[j];
				m++;
			}
			if (m == 0) break;
			if (m == 4) {
				double[] z0 = z[0], z1 = z[1], z2 = z[2], z3 = z[3];
				for (int a = 0; a < dim; a++) {
					double a0 = weight[0] * z0[a], a1 = weight[1] * z1[a], a2 = weight[2] * z2[a], a3 = weight[3] * z3[a];
					for (int b = 0, o = a * dim; b <= a; b++)
						s[o + b] = s[o + b] + a0 * z0[b] + a1 * z1[b] + a2 * z2[b] + a3 * z3[b];
				}
			}
			else for (int v = 0; v < m; v++)
				for (int a = 0; a < dim; a++) {
					double za = weight[v] * z[v][a];
					for (int b = 0; b <= a; b++)
						s[a * dim + b] += za * z[v][b];
				}
		}
		for (int a = 0; a < dim; a++)
			for (int b = 0; b < a; b++)
				s[b * dim + a] = s[a * dim + b];
		return s;
	}

	/**
	 * The lower-triangular L with L L^T = m, a symmetric positive definite d x d matrix (row-major).
	 *
	 * @param what whose covariance m is, for the message if it is not positive definite
	 */
	public static double[] cholesky(double[] m, int d, String what) {
		double[] l = new double[d * d];
		for (int i = 0; i < d; i++)
			for (int j = 0; j <= i; j++) {
				double s = m[i * d + j];
				for (int k = 0; k < j; k++)
					s -= l[i * d + k] * l[j * d + k];
				if (i == j) {
					if (!(s > 0)) throw new IllegalArgumentException("covariance of " + what + " is not positive definite");
					l[i * d + i] = Math.sqrt(s);
				}
				else l[i * d + j] = s / l[j * d + j];
			}
		return l;
	}

	/** Inverse of a symmetric positive definite matrix by Cholesky decomposition. */
	public static double[] inverse(double[] m, int d, String what) {
		double[] l = cholesky(m, d, what);
		// inverse of L (lower triangular), then inv(M) = inv(L)^T inv(L)
		double[] li = new double[d * d];
		for (int i = 0; i < d; i++) {
			li[i * d + i] = 1 / l[i * d + i];
			for (int j = 0; j < i; j++) {
				double s = 0;
				for (int k = j; k < i; k++)
					s -= l[i * d + k] * li[k * d + j];
				li[i * d + j] = s / l[i * d + i];
			}
		}
		double[] inv = new double[d * d];
		for (int a = 0; a < d; a++)
			for (int b = 0; b <= a; b++) {
				double s = 0;
				for (int k = a; k < d; k++)
					s += li[k * d + a] * li[k * d + b];
				inv[a * d + b] = s;
				inv[b * d + a] = s;
			}
		return inv;
	}
}
