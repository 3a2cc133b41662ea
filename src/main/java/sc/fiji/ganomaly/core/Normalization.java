package sc.fiji.ganomaly.core;

import java.util.Arrays;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Maps intensities to the range of the generator's tanh, [-1, 1]. Either per image and channel by
 * percentiles, as CSBDeep does (the low percentile maps to -1, the high one to +1), or by a fixed
 * intensity range shared by all images, which keeps differences of brightness between images.
 * Values beyond are kept, not clipped, so that very bright or dark structures still stand out.
 * Pixels are only read: the input image is never changed.
 *
 * @param percentiles true: {@code low} and {@code high} are percentiles of each image; false:
 *                    they are intensities
 * @param low         e.g. 1 (%)
 * @param high        e.g. 99.8 (%)
 */
public record Normalization(boolean percentiles, double low, double high) {

	/** The default of CSBDeep: 1 % and 99.8 % of each image. */
	public static final Normalization DEFAULT = percentiles(1, 99.8);

	/** At most this many values per channel are sorted to estimate the percentiles. */
	private static final int PERCENTILE_SAMPLES = 1 << 20;

	public Normalization {
		if (percentiles && !(low >= 0 && low < high && high <= 100))
			throw new IllegalArgumentException("percentiles must satisfy 0 <= low < high <= 100, not low " + low +
				" and high " + high);
		if (!percentiles && !(Double.isFinite(low) && Double.isFinite(high) && low < high))
			throw new IllegalArgumentException("a fixed intensity range needs finite low < high, not low " + low +
				" and high " + high);
	}

	/** Per-image percentiles, e.g. 1 and 99.8. */
	public static Normalization percentiles(double lowPercent, double highPercent) {
		return new Normalization(true, lowPercent, highPercent);
	}

	/** One intensity range for all images, e.g. 0 and 255 for 8-bit images. */
	public static Normalization fixedRange(double min, double max) {
		return new Normalization(false, min, max);
	}

	/**
	 * Normalises a 2D image with channels on the third axis (x, y, c; a 2D image is one channel).
	 *
	 * @param name names the image in error messages
	 * @throws IllegalArgumentException if the image holds NaN or infinite values, or has a wrong shape
	 */
	public NormalizedPlane apply(RandomAccessibleInterval<? extends RealType<?>> image, String name) {
		int n = image.numDimensions();
		if (n != 2 && n != 3) throw new IllegalArgumentException(name + ": expected a 2D image with channels " +
			"(x, y, c), got " + n + " dimensions");
		long w = image.dimension(0), h = image.dimension(1), c = n == 3 ? image.dimension(2) : 1;
		if (w * h * c > Integer.MAX_VALUE) throw new IllegalArgumentException(name + ": plane of " + w + "x" + h +
			"x" + c + " is too large; split it into tiles");
		int width = (int) w, height = (int) h, channels = (int) c;
		float[] data = new float[width * height * channels];
		Cursor<? extends RealType<?>> cursor = Views.flatIterable(image).localizingCursor();
		while (cursor.hasNext()) {
			float v = cursor.next().getRealFloat();
			if (!Float.isFinite(v)) throw new IllegalArgumentException(name + ": pixel (" + cursor.getLongPosition(0) +
				", " + cursor.getLongPosition(1) + ") is " + v + "; replace NaN and infinite values first");
			int ch = n == 3 ? cursor.getIntPosition(2) : 0;
			data[(cursor.getIntPosition(1) * width + cursor.getIntPosition(0)) * channels + ch] = v;
		}
		for (int ch = 0; ch < channels; ch++) {
			float[] range = percentiles ? percentileRange(data, ch, channels) : new float[] { (float) low, (float) high };
			float low = range[0], scale = range[1] > range[0] ? 2f / (range[1] - range[0]) : 0f;
			for (int i = ch; i < data.length; i += channels)
				data[i] = scale == 0 ? 0f : (data[i] - low) * scale - 1f;
		}
		return new NormalizedPlane(width, height, channels, data);
	}

	/** Low and high percentile of one channel of interleaved data, from a regular subsample. */
	private float[] percentileRange(float[] data, int channel, int channels) {
		int count = data.length / channels;
		int step = Math.max(1, count / PERCENTILE_SAMPLES);
		float[] values = new float[(count + step - 1) / step];
		int k = 0;
		for (int i = 0; i < count && k < values.length; i += step)
			values[k++] = data[i * channels + channel];
		values = Arrays.copyOf(values, k);
		Arrays.sort(values);
		return new float[] { quantile(values, low / 100), quantile(values, high / 100) };
	}

	/** Linear-interpolated quantile of sorted values. */
	static float quantile(float[] sorted, double q) {
		if (sorted.length == 0) return Float.NaN;
		double pos = q * (sorted.length - 1);
		int i = (int) Math.floor(pos);
		if (i >= sorted.length - 1) return sorted[sorted.length - 1];
		double f = pos - i;
		return (float) (sorted[i] * (1 - f) + sorted[i + 1] * f);
	}
}
