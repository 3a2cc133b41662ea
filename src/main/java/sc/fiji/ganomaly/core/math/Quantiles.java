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
	 * in time linear in their number instead of sorting: by counting when they are integers of a short
	 * span (an 8- or 16-bit image's), else by selection, which reorders {@code values}.
	 */
	public static float[] quantiles(float[] values, double... qs) {
		float[] out = new float[qs.length];
		int n = values.length;
		Counts counts = Counts.of(values);
		for (int k = 0; k < qs.length; k++) {
			if (n == 0) {
				out[k] = Float.NaN;
				continue;
			}
			double pos = qs[k] * (n - 1);
			int i = (int) Math.floor(pos);
			if (i >= n - 1) {
				out[k] = counts != null ? counts.smallest(n - 1) : select(values, n - 1);
				continue;
			}
			float low, high;
			if (counts != null) {
				low = counts.smallest(i);
				high = counts.smallest(i + 1);
			}
			else {
				low = select(values, i);
				high = values[i + 1];
				// every value after the i-th smallest is at least as large: the next is their minimum
				for (int j = i + 2; j < n; j++)
					high = Math.min(high, values[j]);
			}
			double f = pos - i;
			out[k] = (float) (low * (1 - f) + high * f);
		}
		return out;
	}

	/** How often each integer of a short span occurs among some values. */
	private record Counts(int min, int[] counts) {

		/** Integers spanning at most this many values are counted: an image's 8- or 16-bit intensities. */
		static final int SPAN = 1 << 17;

		/**
		 * The counts of {@code values}, or null unless each is an integer (not −0) and they span at most
		 * {@link #SPAN} values and not many more than their number (few values are selected as fast).
		 */
		static Counts of(float[] values) {
			long span = Math.min(SPAN, 2L * values.length + 256);
			int min = Integer.MAX_VALUE, max = Integer.MIN_VALUE;
			for (float v : values) {
				int i = (int) v;
				// NaN, infinities, fractions, −0 (sorted before 0) and values beyond float's exact integers are not counted
				if (i != v || Math.abs(i) > 1 << 24 || Float.floatToRawIntBits(v) == NEGATIVE_ZERO) return null;
				min = Math.min(min, i);
				max = Math.max(max, i);
				if ((long) max - min >= span) return null;
			}
			if (values.length == 0) return null;
			int[] counts = new int[max - min + 1];
			for (float v : values)
				counts[(int) v - min]++;
			return new Counts(min, counts);
		}

		/** The {@code k}-th smallest value (0: the smallest). */
		float smallest(int k) {
			int seen = 0;
			for (int i = 0; i < counts.length; i++) {
				seen += counts[i];
				if (seen > k) return min + i;
			}
			throw new IllegalArgumentException("no value of rank " + k + " among " + seen);
		}
	}

	private static final int NEGATIVE_ZERO = Float.floatToRawIntBits(-0f);

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
