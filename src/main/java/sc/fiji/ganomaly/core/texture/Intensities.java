package sc.fiji.ganomaly.core.texture;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.ganomaly.core.plane.NormalizedPlane;

/**
 * Per channel, the raw intensities mapped to −1 and +1 before computing features: the medians
 * of the training planes' own normalisation ranges.
 */
public record Intensities(double[] low, double[] high) {

	/**
	 * Mapped values are clamped to ±{@value} training ranges: beyond every threshold already, and the
	 * features' squares and products (the structure tensor's) stay finite in float.
	 */
	static final double LIMIT = 1e6;
	/** The raw range of a channel that is constant in every training plane: one intensity unit. */
	static final double EMPTY_CHANNEL_RANGE = 1;

	public Intensities {
		if (low.length != high.length) throw new IllegalArgumentException("low has " + low.length +
			" values and high " + high.length + ": they need one per channel");
		for (int c = 0; c < low.length; c++)
			if (!(high[c] > low[c])) throw new IllegalArgumentException("channel " + c + " needs low < high, " +
				"not " + low[c] + " and " + high[c]);
	}

	/**
	 * The medians of the planes' normalisation ranges per channel, or null if a plane does not know
	 * its raw intensities. A channel constant in every plane (an empty channel) gets the range of one
	 * intensity unit around its median value, so that signal where there was none stands out, and the
	 * other channels keep their ranges.
	 */
	public static Intensities median(List<NormalizedPlane> planes) {
		if (planes.isEmpty() || !planes.stream().allMatch(NormalizedPlane::hasIntensities)) return null;
		int channels = planes.get(0).channels();
		double[] low = new double[channels], high = new double[channels];
		for (int c = 0; c < channels; c++) {
			List<double[]> ranges = new ArrayList<>();
			for (NormalizedPlane p : planes) {
				double l = p.raw(-1, c), h = p.raw(1, c);
				if (h > l) ranges.add(new double[] { l, h });
			}
			if (ranges.isEmpty()) {
				final int channel = c;
				double value = median(planes.stream().mapToDouble(p -> p.raw(-1, channel)).sorted().toArray());
				if (!Double.isFinite(value)) return null;
				low[c] = value - EMPTY_CHANNEL_RANGE / 2;
				high[c] = value + EMPTY_CHANNEL_RANGE / 2;
				if (!(high[c] > low[c])) return null;
				continue;
			}
			low[c] = median(ranges.stream().mapToDouble(r -> r[0]).sorted().toArray());
			high[c] = median(ranges.stream().mapToDouble(r -> r[1]).sorted().toArray());
			if (!(high[c] > low[c])) return null;
		}
		return new Intensities(low, high);
	}

	private static double median(double[] sorted) {
		int n = sorted.length;
		return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
	}

	/**
	 * Maps interleaved values of {@code plane} (normalised its own way) to this range, in place,
	 * clamped to ±{@link #LIMIT}.
	 */
	void apply(float[] data, NormalizedPlane plane) {
		int channels = plane.channels();
		if (!plane.hasIntensities() || channels != low.length) return;
		for (int c = 0; c < channels; c++) {
			double s = 2 / (high[c] - low[c]);
			for (int i = c; i < data.length; i += channels)
				data[i] = (float) Math.max(-LIMIT, Math.min(LIMIT, (plane.raw(data[i], c) - low[c]) * s - 1));
		}
	}

}
