package sc.fiji.ganomaly.core.api;

/**
 * Maps intensities to the range of the generator's tanh, [-1, 1]. Either per image and channel by
 * percentiles, as CSBDeep does (the low percentile maps to -1, the high one to +1; where both are
 * one value but the channel is not, its smallest and largest value), or by a fixed intensity range
 * shared by all images, which keeps differences of brightness between images.
 * Values beyond are kept, not clipped, so that very bright or dark structures still stand out.
 * Pixels are only read: the input image is never changed ({@code core.plane.PlaneNormalizer} applies it).
 *
 * @param percentiles true: {@code low} and {@code high} are percentiles of each image; false:
 *                    they are intensities
 * @param low         e.g. 1 (%)
 * @param high        e.g. 99.8 (%)
 */
public record Normalization(boolean percentiles, double low, double high) {

	/** The default of CSBDeep: 1 % and 99.8 % of each image. */
	public static final Normalization DEFAULT = percentiles(1, 99.8);

	public Normalization {
		if (percentiles && !(low >= 0 && low < high && high <= 100))
			throw new IllegalArgumentException("percentiles must satisfy 0 <= low < high <= 100, not low " + low +
				" and high " + high);
		if (!percentiles && !(Math.abs(low) <= Float.MAX_VALUE && Math.abs(high) <= Float.MAX_VALUE && low < high))
			throw new IllegalArgumentException("a fixed intensity range needs low < high within ±" + Float.MAX_VALUE +
				" (a 32-bit image's values), not low " + low + " and high " + high);
	}

	/** Per-image percentiles, e.g. 1 and 99.8. */
	public static Normalization percentiles(double lowPercent, double highPercent) {
		return new Normalization(true, lowPercent, highPercent);
	}

	/** One intensity range for all images, e.g. 0 and 255 for 8-bit images. */
	public static Normalization fixedRange(double min, double max) {
		return new Normalization(false, min, max);
	}
}
