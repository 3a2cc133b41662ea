package sc.fiji.ganomaly.core.math;

import java.util.Arrays;

/** Quantiles of values, sorted or not. */
public final class Quantiles {

	private Quantiles() {}

	/** Linear-interpolated quantile {@code q} (0–1) of sorted values; NaN if there are none. */
	public static float quantile(float[] sorted, double q) {
		return quantile(sorted, sorted.length, q);
	}

	/** {@link #quantile(float[], double)} of the first {@code n} values of {@code sorted}. */
	public static float quantile(float[] sorted, int n, double q) {
		if (n == 0) return Float.NaN;
		double pos = q * (n - 1);
		int i = (int) Math.floor(pos);
		if (i >= n - 1) return sorted[n - 1];
		double f = pos - i;
		return (float) (sorted[i] * (1 - f) + sorted[i + 1] * f);
	}

	/**
	 * {@link #quantile} of a sorted copy of {@code values} (without NaN) for each of {@code qs}, found
	 * by selection in time linear in their number instead of sorting: {@code values} is reordered.
	 */
	public static float[] quantiles(float[] values, double... qs) {
		float[] out = new float[qs.length];
		int n = values.length;
		for (int k = 0; k < qs.length; k++) {
			if (n == 0) {
				out[k] = Float.NaN;
				continue;
			}
			double pos = qs[k] * (n - 1);
			int i = (int) Math.floor(pos);
			if (i >= n - 1) {
				out[k] = select(values, n - 1);
				continue;
			}
			float low = select(values, i), high = values[i + 1];
			// every value after the i-th smallest is at least as large: the next is their minimum
			for (int j = i + 2; j < n; j++)
				high = Math.min(high, values[j]);
			double f = pos - i;
			out[k] = (float) (low * (1 - f) + high * f);
		}
		return out;
	}

	/**
	 * The {@code k}-th smallest of {@code values}, moved to index k with no larger value before it and
	 * no smaller after: quickselect with three-way partitions (so that many equal values cost nothing),
	 * and a sort of what is left if its partitions shrink too slowly (so that no order of the values
	 * makes it quadratic).
	 */
	static float select(float[] values, int k) {
		int lo = 0, hi = values.length - 1;
		int budget = 2 * (32 - Integer.numberOfLeadingZeros(values.length)) + 4;
		while (hi > lo) {
			if (budget-- == 0) {
				Arrays.sort(values, lo, hi + 1);
				return values[k];
			}
			float a = values[lo], b = values[(lo + hi) >>> 1], c = values[hi];
			float pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
			int lt = lo, i = lo, gt = hi;
			while (i <= gt) {
				float v = values[i];
				// the order of Arrays.sort: −0 before 0, as Math.min and max take them too
				int order = Float.compare(v, pivot);
				if (order < 0) swap(values, lt++, i++);
				else if (order > 0) swap(values, i, gt--);
				else i++;
			}
			if (k < lt) hi = lt - 1;
			else if (k > gt) lo = gt + 1;
			else return values[k];
		}
		return values[k];
	}

	private static void swap(float[] v, int i, int j) {
		float t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}
