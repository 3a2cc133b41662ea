package sc.fiji.ganomaly.core;

/**
 * A per-pixel anomaly map built from overlapping patch scores: each pixel gets the mean score of
 * the patches that cover it.
 */
public final class AnomalyMap {

	private final int width, height;
	private final float[] sum;
	private final int[] count;

	public AnomalyMap(int width, int height) {
		this.width = width;
		this.height = height;
		this.sum = new float[width * height];
		this.count = new int[width * height];
	}

	/** Adds the score of the square patch at ({@code x0}, {@code y0}). */
	public void add(int x0, int y0, int size, float score) {
		for (int y = y0; y < y0 + size; y++) {
			int row = y * width;
			for (int x = x0; x < x0 + size; x++) {
				sum[row + x] += score;
				count[row + x]++;
			}
		}
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	/** The highest value of the map, without building it. */
	public float max() {
		float max = Float.NEGATIVE_INFINITY;
		for (int i = 0; i < sum.length; i++)
			max = Math.max(max, count[i] == 0 ? 0 : sum[i] / count[i]);
		return max;
	}

	/** The map, index {@code y * width + x}; pixels no patch covered are 0. */
	public float[] values() {
		float[] out = new float[sum.length];
		for (int i = 0; i < out.length; i++)
			out[i] = count[i] == 0 ? 0 : sum[i] / count[i];
		return out;
	}
}
