package sc.fiji.ganomaly.core.api;

/**
 * A per-pixel anomaly map of one plane on the model's calibrated scale: each pixel holds the mean
 * score of the patches that cover it. Built row band by row band while a plane is scored.
 */
public final class AnomalyMap {

	private final int width, height;
	private final float[] values;

	/** A map of zeros. */
	public AnomalyMap(int width, int height) {
		if (width <= 0 || height <= 0 || (long) width * height > Integer.MAX_VALUE - 8)
			throw new IllegalArgumentException("an anomaly map of " + width + "x" + height + " pixels cannot be held " +
				"in one array; score a smaller region");
		this.width = width;
		this.height = height;
		this.values = new float[width * height];
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	/** The value at ({@code x}, {@code y}). */
	public float value(int x, int y) {
		return values[y * width + x];
	}

	/** The highest value of the map. */
	public float max() {
		float max = Float.NEGATIVE_INFINITY;
		for (float v : values)
			max = Math.max(max, v);
		return max;
	}

	/**
	 * The map's own values, index {@code y * width + x} (not a copy, so that a large map is not
	 * held twice); pixels no patch covered are 0.
	 */
	public float[] values() {
		return values;
	}

	/** The part of this map in the {@code w × h} rectangle at ({@code x0}, {@code y0}); this map itself if that is all of it. */
	public AnomalyMap crop(int x0, int y0, int w, int h) {
		if (x0 == 0 && y0 == 0 && w == width && h == height) return this;
		if (x0 < 0 || y0 < 0 || x0 + w > width || y0 + h > height) throw new IllegalArgumentException("a " + w + "x" + h +
			" rectangle at (" + x0 + ", " + y0 + ") leaves the " + width + "x" + height + " map");
		AnomalyMap part = new AnomalyMap(w, h);
		for (int y = 0; y < h; y++)
			System.arraycopy(values, (y0 + y) * width + x0, part.values, y * w, w);
		return part;
	}

	/** Sets row {@code y} from {@code x = 0} on. */
	public void setRow(int y, float[] row, int offset) {
		System.arraycopy(row, offset, values, y * width, width);
	}
}
