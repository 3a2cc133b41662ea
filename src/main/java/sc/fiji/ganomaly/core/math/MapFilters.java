package sc.fiji.ganomaly.core.math;

import java.util.Arrays;

/** Gaussian smoothing of float planes: anomaly maps (the texture features' filters are {@link RowFilters}). */
public final class MapFilters {

	/**
	 * Veltkamp's splitting constant 2^29 + 1: for a double p, {@code g - (g - p)} with
	 * {@code g = p * SPLIT} is p rounded to 24 significant bits, so the exact double product of two
	 * floats rounded so equals their float product (not below {@link Float#MIN_NORMAL}).
	 */
	private static final double SPLIT = (1 << 29) + 1;

	private MapFilters() {}

	/** Separable Gaussian smoothing in place (kernel ±3 sigma, borders renormalised). */
	public static void gaussian(float[] v, int width, int height, double sigma) {
		gaussian(v, v, width, height, sigma);
	}

	/**
	 * Separable Gaussian smoothing of {@code in} into {@code out} (kernel ±3 sigma, borders
	 * renormalised; {@code out} may be {@code in}): each value is the float of the double sum, in
	 * kernel order, of float products of the float kernel, first along rows, then along columns.
	 */
	public static void gaussian(float[] in, float[] out, int width, int height, double sigma) {
		int r = (int) Math.ceil(3 * sigma);
		if (r >= 1) ring(in, out, width, height, sigma, r);
		else if (in != out) System.arraycopy(in, 0, out, 0, width * height);
	}

	/** Gaussian weights of taps −r..r. */
	static float[] kernel(double sigma, int r) {
		float[] k = new float[2 * r + 1];
		for (int i = -r; i <= r; i++)
			k[i + r] = (float) Math.exp(-i * i / (2 * sigma * sigma));
		return k;
	}

	/**
	 * Smoothing of {@code floats} widened a row at a time (radius {@code r} ≥ 1): the x pass of each
	 * row into a ring of 2r + 1 rows, the only memory beside the plane.
	 */
	private static void ring(float[] floats, float[] out, int width, int height, double sigma, int r) {
		float[] k = kernel(sigma, r);
		int rows = Math.min(height, 2 * r + 1);
		double[][] ring = new double[rows][width];
		double[] sum = new double[width], shifted = new double[width], line = new double[width];
		int filtered = 0;
		for (int y = 0; y < height; y++) {
			int lo = Math.max(-r, -y), hi = Math.min(r, height - 1 - y);
			for (; filtered <= y + hi; filtered++) {
				for (int x = 0; x < width; x++)
					line[x] = floats[filtered * width + x];
				row(line, 0, width, k, r, ring[filtered % rows], sum, shifted);
			}
			Arrays.fill(sum, 0);
			double weight = 0;
			for (int i = lo; i <= hi; i++) {
				add(sum, k[i + r], ring[(y + i) % rows], width);
				weight += k[i + r];
			}
			int o = y * width;
			for (int x = 0; x < width; x++)
				out[o + x] = (float) (sum[x] / weight);
		}
	}

	/** {@code sum[j] += float(k × v[j])} for j below {@code n}. */
	private static void add(double[] sum, double k, double[] v, int n) {
		for (int j = 0; j < n; j++) {
			double p = k * v[j], g = p * SPLIT;
			sum[j] += g - (g - p);
		}
	}

	/**
	 * One row {@code v[o..o+width)} smoothed along x into {@code into} (floats as doubles);
	 * {@code sum} and {@code shifted} are scratch of {@code width} values.
	 */
	private static void row(double[] v, int o, int width, float[] k, int r, double[] into, double[] sum,
		double[] shifted)
	{
		int inner0 = Math.min(r, width), inner1 = Math.max(inner0, width - r);
		for (int x = 0; x < inner0; x++)
			into[x] = border(v, o, width, k, r, x);
		for (int x = inner1; x < width; x++)
			into[x] = border(v, o, width, k, r, x);
		int n = inner1 - inner0;
		if (n == 0) return;
		double weight = 0;
		for (int i = -r; i <= r; i++)
			weight += k[i + r];
		Arrays.fill(sum, 0, n, 0);
		for (int i = -r; i <= r; i++) {
			// a copy at offset 0: the JIT vectorises loops whose arrays share their offset
			System.arraycopy(v, o + inner0 + i, shifted, 0, n);
			add(sum, k[i + r], shifted, n);
		}
		for (int j = 0; j < n; j++) {
			double q = sum[j] / weight, g = q * SPLIT;
			shifted[j] = g - (g - q);
		}
		System.arraycopy(shifted, 0, into, inner0, n);
	}

	/** The value at {@code x} of a row smoothed along x, the kernel cut and renormalised at the borders. */
	private static float border(double[] v, int o, int width, float[] k, int r, int x) {
		double sum = 0, weight = 0;
		for (int i = Math.max(-r, -x); i <= Math.min(r, width - 1 - x); i++) {
			sum += k[i + r] * (float) v[o + x + i];
			weight += k[i + r];
		}
		return (float) (sum / weight);
	}
}
