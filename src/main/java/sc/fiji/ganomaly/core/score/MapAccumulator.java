package sc.fiji.ganomaly.core.score;

import java.util.Arrays;
import sc.fiji.ganomaly.core.api.AnomalyMap;

/**
 * Sums and counts of patch scores over a band of rows of an {@link AnomalyMap}. Rows above the
 * band are final; {@link #flushUntil(int)} writes their means into the map and moves the band
 * down, so that scoring a plane needs working memory for one band only, whatever its height.
 */
final class MapAccumulator {

	private final AnomalyMap map;
	private final int width, rows;
	/**
	 * Sums in double: a pixel gets at most (patch / stride)² float values, which double adds
	 * exactly, so the mean does not depend on the order in which windows arrive (whole plane or
	 * tile by tile, any batch size).
	 */
	private final double[] sum;
	private final float[] mean;
	private final int[] count;
	/** The map row held in the band's first row. */
	private int top;

	/** A band of {@code rows} rows over {@code map}, starting at its first row. */
	MapAccumulator(AnomalyMap map, int rows) {
		this.map = map;
		this.width = map.width();
		this.rows = Math.min(rows, map.height());
		this.sum = new double[width * this.rows];
		this.count = new int[width * this.rows];
		this.mean = new float[width];
	}

	/** The first row that is not final yet. */
	int top() {
		return top;
	}

	/** Adds the score of the square patch at ({@code x0}, {@code y0}), which must lie in the band. */
	void add(int x0, int y0, int size, float score) {
		if (y0 < top || y0 + size > top + rows) throw new IllegalArgumentException("patch rows " + y0 + " to " +
			(y0 + size - 1) + " leave the band of rows " + top + " to " + (top + rows - 1));
		for (int y = y0 - top; y < y0 - top + size; y++) {
			int row = y * width;
			for (int x = x0; x < x0 + size; x++) {
				sum[row + x] += score;
				count[row + x]++;
			}
		}
	}

	/**
	 * Adds per-pixel values of the square patch at ({@code x0}, {@code y0}), row by row from
	 * {@code values[offset]}; the patch must lie in the band.
	 */
	void add(int x0, int y0, int size, float[] values, int offset) {
		if (y0 < top || y0 + size > top + rows) throw new IllegalArgumentException("patch rows " + y0 + " to " +
			(y0 + size - 1) + " leave the band of rows " + top + " to " + (top + rows - 1));
		for (int y = 0; y < size; y++) {
			int row = (y0 - top + y) * width + x0, from = offset + y * size;
			for (int x = 0; x < size; x++) {
				sum[row + x] += values[from + x];
				count[row + x]++;
			}
		}
	}

	/** Rows before {@code y} will get no more patches: writes them to the map and drops them. */
	void flushUntil(int y) {
		int done = Math.min(y, map.height()) - top;
		if (done <= 0) return;
		int held = Math.min(done, rows); // rows below the band got no patch: they stay 0
		for (int r = 0; r < held; r++) {
			int row = r * width;
			for (int x = 0; x < width; x++)
				mean[x] = count[row + x] == 0 ? 0f : (float) (sum[row + x] / count[row + x]);
			map.setRow(top + r, mean, 0);
		}
		int kept = (rows - held) * width;
		System.arraycopy(sum, held * width, sum, 0, kept);
		System.arraycopy(count, held * width, count, 0, kept);
		Arrays.fill(sum, kept, sum.length, 0d);
		Arrays.fill(count, kept, count.length, 0);
		top += done;
	}
}
