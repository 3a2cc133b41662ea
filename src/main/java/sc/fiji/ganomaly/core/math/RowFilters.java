package sc.fiji.ganomaly.core.math;

/**
 * Gaussian smoothing of a window of a plane given as rows, the texture features' filters: kernel
 * ±3 sigma of float weights, borders renormalised, each value that of the whole plane's smoothing,
 * bit for bit, and only the window's rows and columns computed. Rows of doubles are summed in
 * doubles (inputs whose smoothings a feature subtracts from each other, such as a window's mean
 * square and squared mean), rows of floats in floats (twice as fast).
 */
public final class RowFilters {

	private RowFilters() {}

	/** Work space of the smoothing of rows, for planes up to one size on one thread. */
	public static final class Scratch {

		final double[][] columns, block;
		final float[][] floatColumns, floatBlock;

		/** Work space for planes of up to {@code width × height}. */
		public Scratch(int width, int height) {
			columns = new double[width][height];
			block = new double[DoublePasses.TRANSPOSED][Math.max(width, height)];
			floatColumns = new float[width][height];
			floatBlock = new float[FloatPasses.TRANSPOSED][Math.max(width, height)];
		}

		/** Whether this work space serves a {@code width × height} plane. */
		public boolean fits(int width, int height) {
			return columns.length >= width && columns[0].length >= height;
		}

		/** The bytes of its arrays' values. */
		public long bytes() {
			long doubles = (long) columns.length * columns[0].length + (long) block.length * block[0].length;
			long floats = (long) floatColumns.length * floatColumns[0].length + (long) floatBlock.length * floatBlock[0].length;
			return 8 * doubles + 4 * floats;
		}
	}

	/**
	 * Gaussian smoothing of a {@code width × height} plane of floats given as rows of doubles (the
	 * first {@code width} values of the first {@code height} rows of {@code rows}) into the rows
	 * {@code out}, in the work space {@code scratch}: each value the float of the double sums along
	 * y, then along x.
	 */
	public static void gaussian(double[][] rows, int width, int height, float[][] out, double sigma, Scratch scratch) {
		gaussian(rows, width, height, 0, 0, width, height, out, sigma, scratch);
	}

	/**
	 * {@link #gaussian(double[][], int, int, float[][], double, Scratch)} of the {@code windowWidth ×
	 * windowHeight} window at ({@code x0}, {@code y0}) alone, into the rows {@code out} (value
	 * {@code (x, y)} at {@code out[y − y0][x − x0]}).
	 */
	public static void gaussian(double[][] rows, int width, int height, int x0, int y0, int windowWidth,
		int windowHeight, float[][] out, double sigma, Scratch scratch)
	{
		int r = radius(width, height, x0, y0, windowWidth, windowHeight, sigma, scratch);
		if (r < 1) for (int y = 0; y < windowHeight; y++)
			for (int x = 0; x < windowWidth; x++)
				out[y][x] = (float) rows[y0 + y][x0 + x];
		else DoublePasses.smooth(rows, width, height, x0, y0, windowWidth, windowHeight, out, MapFilters.kernel(sigma, r),
			r, scratch.columns, scratch.block);
	}

	/**
	 * {@link #gaussian(double[][], int, int, int, int, int, int, float[][], double, Scratch)} of rows
	 * of floats, summed in floats: within a few floats' rounding of the sums in doubles.
	 */
	public static void gaussian(float[][] rows, int width, int height, int x0, int y0, int windowWidth,
		int windowHeight, float[][] out, double sigma, Scratch scratch)
	{
		int r = radius(width, height, x0, y0, windowWidth, windowHeight, sigma, scratch);
		if (r < 1) for (int y = 0; y < windowHeight; y++)
			System.arraycopy(rows[y0 + y], x0, out[y], 0, windowWidth);
		else FloatPasses.smooth(rows, width, height, x0, y0, windowWidth, windowHeight, out, MapFilters.kernel(sigma, r),
			r, scratch.floatColumns, scratch.floatBlock);
	}

	/** The kernel's radius for {@code sigma}, once the window and the work space are checked against the plane. */
	private static int radius(int width, int height, int x0, int y0, int windowWidth, int windowHeight, double sigma,
		Scratch scratch)
	{
		if (x0 < 0 || y0 < 0 || windowWidth < 0 || windowHeight < 0 || x0 + windowWidth > width || y0 +
			windowHeight > height) throw new IllegalArgumentException("window of " + windowWidth + "x" + windowHeight +
				" at (" + x0 + ", " + y0 + ") leaves the " + width + "x" + height + " plane");
		int r = (int) Math.ceil(3 * sigma);
		if (r >= 1 && !scratch.fits(width, height)) throw new IllegalArgumentException("work space of " +
			scratch.columns.length + "x" + scratch.columns[0].length + " for a plane of " + width + "x" + height);
		return r;
	}
}
