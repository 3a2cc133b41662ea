package sc.fiji.ganomaly.core.math;

/** Quantiles of sorted values. */
public final class Quantiles {

	private Quantiles() {}

	/** Linear-interpolated quantile {@code q} (0–1) of sorted values; NaN if there are none. */
	public static float quantile(float[] sorted, double q) {
		if (sorted.length == 0) return Float.NaN;
		double pos = q * (sorted.length - 1);
		int i = (int) Math.floor(pos);
		if (i >= sorted.length - 1) return sorted[sorted.length - 1];
		double f = pos - i;
		return (float) (sorted[i] * (1 - f) + sorted[i + 1] * f);
	}
}
