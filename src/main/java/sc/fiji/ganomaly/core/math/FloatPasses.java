package sc.fiji.ganomaly.core.math;

/**
 * The two passes of {@link RowFilters}' smoothing of rows of floats, in floats: twice the values a
 * vector holds and half the bytes read of {@link DoublePasses}, for inputs whose smoothings no
 * feature subtracts from each other (a sum of float products is within a few floats' rounding of
 * the exact sum). The same loops as {@link DoublePasses}, line for line, on floats: Java has no
 * generics over primitives, and a shared loop over boxed or converted values would not vectorise.
 */
final class FloatPasses {

	/** Rows filtered before they are written transposed, as {@link DoublePasses} writes them. */
	static final int TRANSPOSED = 8;

	private FloatPasses() {}

	/**
	 * The {@code windowWidth × windowHeight} window at ({@code x0}, {@code y0}) of the {@code width ×
	 * height} plane {@code rows} smoothed with the kernel {@code k} of radius {@code r} (at least 1)
	 * into {@code out}, in the work arrays {@code columns} and {@code block}: along y, the window's
	 * rows into the columns that the pass along x reads, then along x, the window's columns.
	 */
	static void smooth(float[][] rows, int width, int height, int x0, int y0, int windowWidth, int windowHeight,
		float[][] out, float[] k, int r, float[][] columns, float[][] block)
	{
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
					out[y][b + i] = block[i][y];
		}
	}

	/** {@code columns[x][y0 + i] = block[i][x]} for the {@link #TRANSPOSED} rows of {@code block}, x from {@code from} to {@code to}. */
	private static void transposeBlock(float[][] block, float[][] columns, int y0, int from, int to) {
		float[] l0 = block[0], l1 = block[1], l2 = block[2], l3 = block[3], l4 = block[4], l5 = block[5],
				l6 = block[6], l7 = block[7];
		for (int x = from; x < to; x++) {
			float[] c = columns[x];
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

	/** {@code out[y][x0 + i] = block[i][y]} for the {@link #TRANSPOSED} columns of {@code block}. */
	private static void writeTransposed(float[][] block, float[][] out, int x0, int height) {
		float[] l0 = block[0], l1 = block[1], l2 = block[2], l3 = block[3], l4 = block[4], l5 = block[5],
				l6 = block[6], l7 = block[7];
		for (int y = 0; y < height; y++) {
			float[] o = out[y];
			o[x0] = l0[y];
			o[x0 + 1] = l1[y];
			o[x0 + 2] = l2[y];
			o[x0 + 3] = l3[y];
			o[x0 + 4] = l4[y];
			o[x0 + 5] = l5[y];
			o[x0 + 6] = l6[y];
			o[x0 + 7] = l7[y];
		}
	}

	/**
	 * Row {@code i} of the first {@code count} rows of {@code v} smoothed across rows, values
	 * {@code from} to {@code to} (exclusive) into the same places of {@code into}: the sum over taps t
	 * of k[t] times row {@code i + t}, the taps inside the plane divided by their sum.
	 */
	private static void along(float[][] v, int count, int from, int to, int i, float[] k, int r, float[] into) {
		int lo = Math.max(-r, -i), hi = Math.min(r, count - 1 - i);
		double weight = 0;
		for (int t = lo; t <= hi; t++)
			weight += k[t + r];
		float first = (float) (k[lo + r] / weight);
		float[] v0 = v[i + lo];
		for (int j = from; j < to; j++)
			into[j] = first * v0[j];
		int t = lo + 1;
		// the groups of four taps and the taps left are counted first, so that no loop's bound can
		// overflow: C2 then needs no loop-limit check (it deoptimised this method on one)
		for (int groups = (hi - t + 1) / 4; groups > 0; groups--, t += 4) {
			float k0 = (float) (k[t + r] / weight), k1 = (float) (k[t + r + 1] / weight),
					k2 = (float) (k[t + r + 2] / weight), k3 = (float) (k[t + r + 3] / weight);
			float[] r0 = v[i + t], r1 = v[i + t + 1], r2 = v[i + t + 2], r3 = v[i + t + 3];
			for (int j = from; j < to; j++) {
				float s = into[j];
				s += k0 * r0[j];
				s += k1 * r1[j];
				s += k2 * r2[j];
				s += k3 * r3[j];
				into[j] = s;
			}
		}
		for (int left = hi - t + 1; left > 0; left--, t++) {
			float kt = (float) (k[t + r] / weight);
			float[] vt = v[i + t];
			for (int j = from; j < to; j++)
				into[j] += kt * vt[j];
		}
	}

}
