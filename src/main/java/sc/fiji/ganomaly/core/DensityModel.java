package sc.fiji.ganomaly.core;

import java.util.Map;

/**
 * A Gaussian fitted to the latent codes G_E(x) of normal patches: the {@code density} score of a
 * patch is the squared Mahalanobis distance of its code to this Gaussian. The correlations are
 * shrunk a little (1 %) towards none and a tiny ridge is added, so that the covariance stays
 * invertible with few patches while every direction keeps its own variance.
 *
 * @param mean      mean code, {@code dim} values
 * @param precision inverse of the shrunk covariance, {@code dim × dim} values, row by row
 */
public record DensityModel(double[] mean, double[] precision) {

	/** How much the correlations are shrunk towards none. */
	static final double SHRINKAGE = 0.01;

	public DensityModel {
		if (mean.length == 0 || precision.length != (long) mean.length * mean.length)
			throw new IllegalArgumentException("density model needs d means and d×d precision values, got " +
				mean.length + " and " + precision.length);
	}

	public int dim() {
		return mean.length;
	}

	/** Fits the Gaussian to {@code n} codes of {@code dim} values each. */
	static DensityModel fit(float[] codes, int n, int dim) {
		if (n < 2) throw new IllegalArgumentException("the density score needs at least 2 normal patches, not " + n);
		double[] mean = mean(codes, n, dim), cov = scatter(codes, n, dim, mean, null);
		double trace = 0;
		for (int a = 0; a < dim; a++) {
			for (int b = 0; b < dim; b++)
				cov[a * dim + b] /= n - 1;
			trace += cov[a * dim + a];
		}
		double ridge = 1e-6 * Math.max(trace / dim, 1e-12);
		for (int a = 0; a < dim; a++) {
			for (int b = 0; b < dim; b++)
				if (a != b) cov[a * dim + b] *= 1 - SHRINKAGE;
			cov[a * dim + a] += ridge;
		}
		return new DensityModel(mean, inverse(cov, dim));
	}

	/** The mean of {@code n} vectors of {@code dim} values each. */
	static double[] mean(float[] x, int n, int dim) {
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
	static double[] scatter(float[] x, int n, int dim, double[] center, double[] w) {
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

	/** Squared Mahalanobis distance of the code at {@code codes[offset..offset+dim)}. */
	float distance2(float[] codes, int offset, double[] scratch) {
		int d = mean.length;
		for (int j = 0; j < d; j++)
			scratch[j] = codes[offset + j] - mean[j];
		double sum = 0;
		for (int a = 0; a < d; a++) {
			double row = 0;
			int base = a * d;
			for (int b = 0; b < d; b++)
				row += precision[base + b] * scratch[b];
			sum += scratch[a] * row;
		}
		return (float) sum;
	}

	/** Inverse of a symmetric positive definite matrix (of latent codes' covariance) by Cholesky decomposition. */
	static double[] inverse(double[] m, int d) {
		return inverse(m, d, "latent codes");
	}

	/**
	 * The lower-triangular L with L L^T = m, a symmetric positive definite d x d matrix (row-major).
	 *
	 * @param what whose covariance m is, for the message if it is not positive definite
	 */
	static double[] cholesky(double[] m, int d, String what) {
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
	static double[] inverse(double[] m, int d, String what) {
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

	Map<String, Object> toJson() {
		return Map.of("mean", Json.doubles(mean), "precision", Json.doubles(precision));
	}

	static DensityModel fromJson(Map<String, Object> json) {
		return new DensityModel(Manifest.doubles(json, "mean"), Manifest.doubles(json, "precision"));
	}

}
