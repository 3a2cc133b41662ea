package sc.fiji.ganomaly.core.math;

import java.util.Arrays;

/** Filters of float planes: anomaly maps and texture feature planes. */
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

	/** Work space of the smoothing of rows of doubles, for planes up to one size on one thread. */
	public static final class Scratch {

		private final double[][] columns, block;

		/** Work space for planes of up to {@code width × height}. */
		public Scratch(int width, int height) {
			columns = new double[width][height];
			block = new double[TRANSPOSED][Math.max(width, height)];
		}

		/** Whether this work space serves a {@code width × height} plane. */
		public boolean fits(int width, int height) {
			return columns.length >= width && columns[0].length >= height;
		}

		/** The bytes of its arrays' values. */
		public long bytes() {
			return 8L * ((long) columns.length * columns[0].length + (long) block.length * block[0].length);
		}
	}

	/**
	 * Gaussian smoothing of a {@code width × height} plane of floats given as rows of doubles (the
	 * first {@code width} values of the first {@code height} rows of {@code rows}) into the rows
	 * {@code out}, in the work space {@code scratch}: kernel ±3 sigma of float weights, borders
	 * renormalised, each value the float of the double sums along y, then along x. Both passes add
	 * whole rows at once, four taps at a time, in loops the JIT vectorises: the second on the first's
	 * result transposed.
	 */
	public static void gaussian(double[][] rows, int width, int height, float[][] out, double sigma, Scratch scratch) {
		gaussian(rows, width, height, 0, 0, width, height, out, sigma, scratch);
	}

	/**
	 * {@link #gaussian(double[][], int, int, float[][], double, Scratch)} of the {@code windowWidth ×
	 * windowHeight} window at ({@code x0}, {@code y0}) alone, into the rows {@code out} (value
	 * {@code (x, y)} at {@code out[y − y0][x − x0]}): each value that of the whole plane's smoothing,
	 * bit for bit, and only the window's rows and columns computed.
	 */
	public static void gaussian(double[][] rows, int width, int height, int x0, int y0, int windowWidth,
		int windowHeight, float[][] out, double sigma, Scratch scratch)
	{
		if (x0 < 0 || y0 < 0 || windowWidth < 0 || windowHeight < 0 || x0 + windowWidth > width || y0 +
			windowHeight > height) throw new IllegalArgumentException("window of " + windowWidth + "x" + windowHeight +
				" at (" + x0 + ", " + y0 + ") leaves the " + width + "x" + height + " plane");
		int r = (int) Math.ceil(3 * sigma);
		if (r < 1) {
			for (int y = 0; y < windowHeight; y++)
				for (int x = 0; x < windowWidth; x++)
					out[y][x] = (float) rows[y0 + y][x0 + x];
			return;
		}
		if (!scratch.fits(width, height)) throw new IllegalArgumentException("work space of " + scratch.columns.length +
			"x" + scratch.columns[0].length + " for a plane of " + width + "x" + height);
		float[] k = kernel(sigma, r);
		double[][] columns = scratch.columns, block = scratch.block;
		// along y, the window's rows in the columns that the pass along x reads, each block of rows
		// written transposed into the columns
		int c0 = Math.max(0, x0 - r), c1 = Math.min(width, x0 + windowWidth + r);
		for (int b = 0; b < windowHeight; b += TRANSPOSED) {
			int n = Math.min(TRANSPOSED, windowHeight - b);
			for (int i = 0; i < n; i++)
				along(rows, height, c0, c1, y0 + b + i, k, r, block[i]);
			if (n == TRANSPOSED) transposeBlock(block, columns, b, c0, c1);
			else for (int i = 0; i < n; i++)
				for (int x = c0; x < c1; x++)
					columns[x][b + i] = block[i][x];
		}
		// along x, the window's columns, each block of columns written transposed into out
		for (int b = 0; b < windowWidth; b += TRANSPOSED) {
			int n = Math.min(TRANSPOSED, windowWidth - b);
			for (int i = 0; i < n; i++)
				along(columns, width, 0, windowHeight, x0 + b + i, k, r, block[i]);
			if (n == TRANSPOSED) writeTransposed(block, out, b, windowHeight);
			else for (int y = 0; y < windowHeight; y++)
				for (int i = 0; i < n; i++)
					out[y][b + i] = (float) block[i][y];
		}
	}

	/** Rows filtered before they are written transposed: eight doubles, one cache line, a column. */
	private static final int TRANSPOSED = 8;

	/** {@code columns[x][y0 + i] = block[i][x]} for the {@link #TRANSPOSED} rows of {@code block}, x from {@code from} to {@code to}. */
	private static void transposeBlock(double[][] block, double[][] columns, int y0, int from, int to) {
		double[] l0 = block[0], l1 = block[1], l2 = block[2], l3 = block[3], l4 = block[4], l5 = block[5],
				l6 = block[6], l7 = block[7];
		for (int x = from; x < to; x++) {
			double[] c = columns[x];
			c[y0] = l0[x];
			c[y0 + 1] = l1[x];
			c[y0 + 2] = l2[x];
			c[y0 + 3] = l3[x];
			c[y0 + 4] = l4[x];
			c[y0 + 5] = l5[x];
			c[y0 + 6] = l6[x];
			c[y0 + 7] = l7[x];
		}
	}

	/** {@code out[y][x0 + i] = (float) block[i][y]} for the {@link #TRANSPOSED} columns of {@code block}. */
	private static void writeTransposed(double[][] block, float[][] out, int x0, int height) {
		double[] l0 = block[0], l1 = block[1], l2 = block[2], l3 = block[3], l4 = block[4], l5 = block[5],
				l6 = block[6], l7 = block[7];
		for (int y = 0; y < height; y++) {
			float[] o = out[y];
			o[x0] = (float) l0[y];
			o[x0 + 1] = (float) l1[y];
			o[x0 + 2] = (float) l2[y];
			o[x0 + 3] = (float) l3[y];
			o[x0 + 4] = (float) l4[y];
			o[x0 + 5] = (float) l5[y];
			o[x0 + 6] = (float) l6[y];
			o[x0 + 7] = (float) l7[y];
		}
	}

	/** Gaussian weights of taps −r..r. */
	private static float[] kernel(double sigma, int r) {
		float[] k = new float[2 * r + 1];
		for (int i = -r; i <= r; i++)
			k[i + r] = (float) Math.exp(-i * i / (2 * sigma * sigma));
		return k;
	}

	/**
	 * Row {@code i} of the first {@code count} rows of {@code v} smoothed across rows, values
	 * {@code from} to {@code to} (exclusive) into the same places of {@code into}: the sum over taps t
	 * of k[t] times row {@code i + t}, the taps inside the plane divided by their sum.
	 */
	private static void along(double[][] v, int count, int from, int to, int i, float[] k, int r, double[] into) {
		int lo = Math.max(-r, -i), hi = Math.min(r, count - 1 - i);
		double weight = 0;
		for (int t = lo; t <= hi; t++)
			weight += k[t + r];
		double first = k[lo + r] / weight;
		double[] v0 = v[i + lo];
		for (int j = from; j < to; j++)
			into[j] = first * v0[j];
		int t = lo + 1;
		// the groups of four taps and the taps left are counted first, so that no loop's bound can
		// overflow: C2 then needs no loop-limit check (it deoptimised this method on one)
		for (int groups = (hi - t + 1) / 4; groups > 0; groups--, t += 4) {
			double k0 = k[t + r] / weight, k1 = k[t + r + 1] / weight, k2 = k[t + r + 2] / weight,
					k3 = k[t + r + 3] / weight;
			double[] r0 = v[i + t], r1 = v[i + t + 1], r2 = v[i + t + 2], r3 = v[i + t + 3];
			for (int j = from; j < to; j++) {
				double s = into[j];
				s += k0 * r0[j];
				s += k1 * r1[j];
				s += k2 * r2[j];
				s += k3 * r3[j];
				into[j] = s;
			}
		}
		for (int left = hi - t + 1; left > 0; left--, t++) {
			double kt = k[t + r] / weight;
			double[] vt = v[i + t];
			for (int j = from; j < to; j++)
				into[j] += kt * vt[j];
		}
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
