package sc.fiji.ganomaly.core.plane;

import sc.fiji.ganomaly.engine.PatchBatch;

/**
 * One 2D multichannel image, normalised, as interleaved floats (y, x, channel): the layout of a
 * TensorFlow NHWC patch, so that patches are copied out row by row. A plane normalised from an
 * image also knows its intensity mapping (value = (raw − low) · scale − 1 per channel), so that
 * scores comparing intensities across planes (the texture score) can undo a plane's own percentiles.
 */
public final class NormalizedPlane {

	/**
	 * Normalised values are clamped to ±{@value} (a billion normalisation ranges): a pixel that far out
	 * is beyond every threshold already, and the network's sums stay finite in float (a raw value of
	 * 1e30 would overflow them into infinities and NaN scores). The texture score clamps again, tighter,
	 * once in the training's intensities ({@code Intensities}).
	 */
	public static final float LIMIT = 1e9f;

	private final int width, height, channels;
	private final float[] data, low, scale;

	/** A plane whose raw intensities are unknown (test data, or data normalised elsewhere). */
	public NormalizedPlane(int width, int height, int channels, float[] data) {
		this(width, height, channels, data, null, null);
	}

	/**
	 * @param low   per channel, the raw intensity mapped to −1; null if unknown
	 * @param scale per channel, normalised units per raw unit (0 for a constant channel); null if unknown
	 */
	public NormalizedPlane(int width, int height, int channels, float[] data, float[] low, float[] scale) {
		if ((long) width * height * channels != data.length) throw new IllegalArgumentException(
			"plane of " + width + "x" + height + "x" + channels + " needs " + (long) width * height * channels +
				" values, not " + data.length);
		if ((low == null) != (scale == null) || low != null && (low.length != channels || scale.length != channels))
			throw new IllegalArgumentException("an intensity mapping needs a low value and a scale per channel");
		this.width = width;
		this.height = height;
		this.channels = channels;
		this.data = data;
		this.low = low;
		this.scale = scale;
	}

	/** Whether every value of the plane, in every channel, is the same (a blank image). */
	public boolean isConstant() {
		for (float v : data)
			if (Float.compare(v, data[0]) != 0) return false;
		return true;
	}

	/** Whether {@link #raw} can give the raw intensities. */
	public boolean hasIntensities() {
		return low != null;
	}

	/** The raw intensity of normalised {@code value} in channel {@code c} (a constant channel: its intensity). */
	public double raw(double value, int c) {
		return scale[c] == 0 ? low[c] : (value + 1) / scale[c] + low[c];
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	public int channels() {
		return channels;
	}

	/** The values, index {@code (y * width + x) * channels + c}. */
	public float[] data() {
		return data;
	}

	/**
	 * Copies the patch at ({@code x0}, {@code y0}) into {@code out} at {@code offset}, NHWC, turned
	 * by one of the eight symmetries of the square ({@code transform} 0 = as is; bit 0 flips x,
	 * bit 1 flips y, bit 2 swaps x and y).
	 */
	public void copyPatch(int x0, int y0, int size, int transform, float[] out, int offset) {
		if (x0 < 0 || y0 < 0 || x0 + size > width || y0 + size > height) throw new IllegalArgumentException(
			"patch at (" + x0 + ", " + y0 + ") of size " + size + " leaves the " + width + "x" + height + " plane");
		if (transform == 0) {
			int row = size * channels;
			for (int y = 0; y < size; y++)
				System.arraycopy(data, ((y0 + y) * width + x0) * channels, out, offset + y * row, row);
			return;
		}
		boolean flipX = (transform & 1) != 0, flipY = (transform & 2) != 0, swap = (transform & 4) != 0;
		int o = offset;
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++) {
				int sx = swap ? y : x, sy = swap ? x : y;
				if (flipX) sx = size - 1 - sx;
				if (flipY) sy = size - 1 - sy;
				int i = ((y0 + sy) * width + x0 + sx) * channels;
				for (int c = 0; c < channels; c++)
					out[o++] = data[i + c];
			}
	}

	/**
	 * Copies the patch at ({@code x0}, {@code y0}) as it is, row by row, straight into a batch of the
	 * engine from float {@code offset} on.
	 */
	public void copyPatch(int x0, int y0, int size, PatchBatch out, long offset) {
		if (x0 < 0 || y0 < 0 || x0 + size > width || y0 + size > height) throw new IllegalArgumentException(
			"patch at (" + x0 + ", " + y0 + ") of size " + size + " leaves the " + width + "x" + height + " plane");
		int row = size * channels;
		for (int y = 0; y < size; y++)
			out.put(offset + (long) y * row, data, ((y0 + y) * width + x0) * channels, row);
	}
}
