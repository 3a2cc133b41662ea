package sc.fiji.ganomaly.core.plane;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.converter.RealTypeConverters;
import net.imglib2.type.numeric.IntegerType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import sc.fiji.ganomaly.core.api.Normalization;
import sc.fiji.ganomaly.core.math.Quantiles;

/**
 * The intensity mapping of one plane (x, y[, c]), measured once over the whole plane and then
 * applied to any tile of it, so that a large plane is normalised piece by piece exactly as it
 * would be at once. Measuring reads each channel once, a band of rows at a time: it refuses NaN
 * and infinite values of a floating-point image and keeps a bounded sample (every k-th pixel) for
 * the percentiles. Tiles are copied out of the image a channel at a time as blocks of floats
 * ({@link PrimitiveBlocks}: whole rows out of an array image and the views of it that it analyses,
 * such as a grey plane with a channel axis added; a pixel at a time out of others, such as channels
 * stacked from images of their own).
 */
public final class PlaneNormalizer {

	/** About this many values per channel (fewer than twice as many) are read, every k-th pixel, to find the percentiles. */
	static final int PERCENTILE_SAMPLES = 1 << 20;

	/** At most this many values are copied out of the image at once when it is measured. */
	private static final int BAND_VALUES = 1 << 18;

	private final RandomAccessibleInterval<? extends RealType<?>> image;
	private final int channels;
	private final float[] low, scale;
	/** Each channel's (x, y) plane as floats, for copies of blocks on any thread. */
	private final PrimitiveBlocks<FloatType>[] blocks;

	@SuppressWarnings("unchecked")
	private PlaneNormalizer(RandomAccessibleInterval<? extends RealType<?>> image, int channels) {
		this.image = image;
		this.channels = channels;
		low = new float[channels];
		scale = new float[channels];
		blocks = new PrimitiveBlocks[channels];
		for (int ch = 0; ch < channels; ch++) {
			RandomAccessibleInterval<? extends RealType<?>> plane = image.numDimensions() == 3 ? Views.hyperSlice(image, 2, ch)
				: image;
			blocks[ch] = PrimitiveBlocks.of(RealTypeConverters.convert(plane, new FloatType()),
				PrimitiveBlocks.OnFallback.ACCEPT).threadSafe();
		}
	}

	/**
	 * Measures the mapping of {@code image} under {@code normalization}.
	 *
	 * @param name names the image in error messages
	 * @throws IllegalArgumentException if the image holds NaN or infinite values or is not 2D with
	 *                                  channels
	 */
	public static PlaneNormalizer measure(Normalization normalization, RandomAccessibleInterval<? extends RealType<?>> image,
		String name)
	{
		int n = image.numDimensions();
		if (n != 2 && n != 3) throw new IllegalArgumentException(name + ": expected a 2D image with channels " +
			"(x, y, c), got " + n + " dimensions");
		PlaneNormalizer normalizer = new PlaneNormalizer(Views.zeroMin(image), n == 3 ? (int) image.dimension(2) : 1);
		boolean finiteByType = image.getType() instanceof IntegerType;
		for (int ch = 0; ch < normalizer.channels; ch++) {
			float[] range = normalizer.scan(ch, finiteByType ? null : name, normalization);
			normalizer.low[ch] = range[0];
			// a range whose reciprocal is beyond float (below about 1e-38, subnormal values) is a constant's; one
			// wider than float (±3e38) is measured in double, not taken for a constant (2 / span is the float
			// division's result wherever the span is a float)
			float span = range[1] - range[0];
			double scale = range[1] > range[0] ? 2.0 / (Float.isFinite(span) ? span : (double) range[1] - range[0]) : 0;
			normalizer.scale[ch] = scale <= Float.MAX_VALUE ? (float) scale : 0f;
		}
		return normalizer;
	}

	/**
	 * Normalises a 2D image with channels on the third axis (x, y, c; a 2D image is one channel) at once.
	 *
	 * @param name names the image in error messages
	 * @throws IllegalArgumentException if the image holds NaN or infinite values, has a wrong shape or
	 *                                  more values than an array holds
	 */
	public static NormalizedPlane apply(Normalization normalization, RandomAccessibleInterval<? extends RealType<?>> image,
		String name)
	{
		PlaneNormalizer normalizer = measure(normalization, image, name);
		long w = normalizer.width(), h = normalizer.height();
		if (w * h * normalizer.channels() > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(name +
			": plane of " + w + "x" + h + "x" + normalizer.channels() + " is too large to normalise at once");
		return normalizer.tile(0, 0, (int) w, (int) h);
	}

	/** Whole rows of one channel copied out of the image: {@code rows} rows from row {@code y0}, row by row. */
	private interface Band {
		void accept(long y0, int rows, float[] values);
	}

	/** Hands every row of channel {@code ch} to {@code use}, in order, a band of rows at a time. */
	private void bands(int ch, Band use) {
		long w = width(), h = height();
		int rows = (int) Math.max(1, Math.min(h, BAND_VALUES / Math.max(1, w)));
		float[] values = new float[(int) (w * rows)];
		for (long y0 = 0; y0 < h; y0 += rows) {
			int n = (int) Math.min(rows, h - y0);
			blocks[ch].copy(new long[] { 0, y0 }, values, new int[] { (int) w, n });
			use.accept(y0, n, values);
		}
	}

	/**
	 * Reads channel {@code ch} once: refuses its first NaN or infinite value (in the order of rows
	 * and columns) unless {@code name} is null, and returns the low and high values of the mapping:
	 * the percentiles of every k-th pixel in row-major order (the channel's extremes where they are
	 * one value), or the fixed range.
	 */
	private float[] scan(int ch, String name, Normalization normalization) {
		long w = width(), count = w * height();
		long step = Math.max(1, count / PERCENTILE_SAMPLES);
		float[] sample = normalization.percentiles() ? new float[(int) ((count + step - 1) / step)] : null;
		if (name != null || sample != null) bands(ch, (y0, rows, values) -> {
			if (name != null) for (int i = 0; i < rows * w; i++)
				if (!Float.isFinite(values[i])) throw new IllegalArgumentException(name + ": pixel (" + i % w + ", " +
					(y0 + i / w) + ") is " + values[i] + "; replace NaN and infinite values first");
			if (sample != null) {
				long first = y0 * w, end = first + rows * w;
				for (long i = (first + step - 1) / step * step; i < end; i += step)
					sample[(int) (i / step)] = values[(int) (i - first)];
			}
		});
		if (sample == null) return new float[] { (float) normalization.low(), (float) normalization.high() };
		float[] range = Quantiles.quantiles(sample, normalization.low() / 100, normalization.high() / 100);
		return range[1] > range[0] ? range : extremes(ch, range);
	}

	/**
	 * The smallest and largest value of channel {@code ch} if they differ, else {@code range}: the
	 * range of a channel whose percentiles are one value but whose pixels are not (a few bright spots
	 * on a background of one value), so that what differs from the background still stands out.
	 */
	private float[] extremes(int ch, float[] range) {
		float[] extremes = { Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY };
		long w = width();
		bands(ch, (y0, rows, values) -> {
			for (int i = 0; i < rows * w; i++) {
				extremes[0] = Math.min(extremes[0], values[i]);
				extremes[1] = Math.max(extremes[1], values[i]);
			}
		});
		return extremes[1] > extremes[0] ? extremes : range;
	}

	public long width() {
		return image.dimension(0);
	}

	public long height() {
		return image.dimension(1);
	}

	public int channels() {
		return channels;
	}

	/**
	 * The normalised tile of {@code width} x {@code height} pixels at ({@code x0}, {@code y0}).
	 *
	 * @throws IllegalArgumentException if the tile leaves the plane or has more values than an array holds
	 */
	public NormalizedPlane tile(long x0, long y0, int width, int height) {
		if (x0 < 0 || y0 < 0 || x0 + width > width() || y0 + height > height()) throw new IllegalArgumentException(
			"tile at (" + x0 + ", " + y0 + ") of " + width + "x" + height + " leaves the " + width() + "x" + height() +
				" plane");
		if ((long) width * height * channels > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("a tile of " +
			width + "x" + height + "x" + channels + " values is too large for one array");
		float[] data = new float[width * height * channels];
		float[] block = channels == 1 ? data : new float[width * height];
		long[] at = { x0, y0 };
		int[] size = { width, height };
		for (int ch = 0; ch < channels; ch++) {
			blocks[ch].copy(at, block, size);
			// a row at a time, so that the JIT compiles the loop normally after a tile's first rows
			for (int y = 0; y < height; y++)
				normalise(block, y * width, width, data, channels, ch, low[ch], scale[ch]);
		}
		return new NormalizedPlane(width, height, channels, data, low, scale);
	}

	/** Values {@code block[from..from+n)} of channel {@code ch} mapped by {@code low} and {@code scale} into the interleaved {@code data}. */
	private static void normalise(float[] block, int from, int n, float[] data, int channels, int ch, float low,
		float scale)
	{
		for (int i = from; i < from + n; i++)
			data[i * channels + ch] = scale == 0 ? 0f : Math.max(-NormalizedPlane.LIMIT, Math.min(NormalizedPlane.LIMIT,
				(block[i] - low) * scale - 1f));
	}
}
