package sc.fiji.ganomaly.core.math;


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
	public static DensityModel fit(float[] codes, int n, int dim) {
		if (n < 2) throw new IllegalArgumentException("the density score needs at least 2 normal patches, not " + n);
		double[] mean = Matrices.mean(codes, n, dim), cov = Matrices.scatter(codes, n, dim, mean, null);
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
		return new DensityModel(mean, Matrices.inverse(cov, dim, "latent codes"));
	}

	/** Squared Mahalanobis distance of the code at {@code codes[offset..offset+dim)}. */
	public float distance2(float[] codes, int offset, double[] scratch) {
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

}
