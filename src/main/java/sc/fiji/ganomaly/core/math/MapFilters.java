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
	 * The smoothing in place of a plane cut into bands of rows that can be smoothed side by side, each
	 * by {@link #smooth}: the rows a band reads beyond its own are kept aside first, where a band
	 * beside it overwrites them. The same values, bit for bit, as {@link #gaussian(float[], int, int,
	 * double)}.
	 */
	public static final class Bands {

		private final float[] v;
		private final int width, height, r, bands;
		private final double sigma;
		/** The first row of each band, and the plane's height after the last. */
		private final int[] starts;
		/** Per boundary between bands b − 1 and b: rows starts[b] − r to starts[b] + r − 1 (those in the plane), as they were. */
		private final float[][] kept;

		/** {@code v} ({@code width × height}) in at most {@code bands} bands of at least 4r rows each. */
		public Bands(float[] v, int width, int height, double sigma, int bands) {
			this.v = v;
			this.width = width;
			this.height = height;
			this.sigma = sigma;
			r = (int) Math.ceil(3 * sigma);
			this.bands = r < 1 ? 1 : Math.max(1, Math.min(bands, height / (4 * r)));
			starts = new int[this.bands + 1];
			for (int b = 0; b <= this.bands; b++)
				starts[b] = (int) ((long) height * b / this.bands);
			kept = new float[this.bands][];
			for (int b = 1; b < this.bands; b++) {
				int from = starts[b] - r, to = Math.min(height, starts[b] + r);
				kept[b] = Arrays.copyOfRange(v, from * width, to * width);
			}
		}

		/** How many bands there are. */
		public int count() {
			return bands;
		}

		/** Smooths band {@code b}'s rows in place; bands may run side by side, each once. */
		public void smooth(int b) {
			if (r >= 1) ring(v, v, width, height, sigma, r, starts[b], starts[b + 1], kept[b], b + 1 < bands ? kept[b + 1]
				: null);
		}
	}

	/** The smoothing of the whole plane: one band. */
	private static void ring(float[] floats, float[] out, int width, int height, double sigma, int r) {
		ring(floats, out, width, height, sigma, r, 0, height, null, null);
	}

	/**
	 * Rows {@code y0} to {@code y1} (exclusive) of the smoothing of {@code floats} widened a row at a
	 * time (radius {@code r} ≥ 1): the x pass of each row into a ring of 2r + 1 rows, the only memory
	 * beside the plane. Input rows above y0 are read from {@code above} (from row y0 − r on), rows from
	 * y1 on from {@code below} (from row y1 − r on): as they were before other bands overwrote them.
	 */
	private static void ring(float[] floats, float[] out, int width, int height, double sigma, int r, int y0, int y1,
		float[] above, float[] below)
	{
		float[] k = kernel(sigma, r);
		int rows = Math.min(height, 2 * r + 1);
		double[][] ring = new double[rows][width];
		double[] sum = new double[width], shifted = new double[width], line = new double[width];
		int filtered = Math.max(0, y0 - r);
		for (int y = y0; y < y1; y++) {
			int lo = Math.max(-r, -y), hi = Math.min(r, height - 1 - y);
			for (; filtered <= y + hi; filtered++) {
				float[] source = filtered < y0 ? above : filtered >= y1 ? below : floats;
				int from = (filtered < y0 ? filtered - (y0 - r) : filtered >= y1 ? filtered - (y1 - r) : filtered) * width;
				widen(source, from, line, width);
				row(line, 0, width, k, r, ring[filtered % rows], sum, shifted);
			}
			Arrays.fill(sum, 0);
			double weight = 0;
			for (int i = lo; i <= hi; i++) {
				add(sum, k[i + r], ring[(y + i) % rows], width);
				weight += k[i + r];
			}
			divide(sum, weight, out, y * width, width);
		}
	}

	// a row's loops as methods of their own, called once a row: the JIT compiles them normally after
	// the first rows, instead of the loops of a band on stack

	/** {@code line[x] = source[from + x]} for x below {@code width}. */
	private static void widen(float[] source, int from, double[] line, int width) {
		for (int x = 0; x < width; x++)
			line[x] = source[from + x];
	}

	/** {@code out[o + x] = float(sum[x] / weight)} for x below {@code width}. */
	private static void divide(double[] sum, double weight, float[] out, int o, int width) {
		for (int x = 0; x < width; x++)
			out[o + x] = (float) (sum[x] / weight);
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
