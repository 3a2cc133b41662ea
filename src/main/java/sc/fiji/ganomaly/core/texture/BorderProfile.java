package sc.fiji.ganomaly.core.texture;

import java.util.Arrays;
import java.util.List;

import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.math.FloatList;
import sc.fiji.ganomaly.core.math.Quantiles;

/**
 * How a texture model's normal maps differ near a plane's border, and the correction that takes the
 * difference out. Near the border the features' windows and the map's smoothing see a mirrored image,
 * and normal planes' maps run higher there (in the detection suite, the 99th percentile of the
 * training planes' maps 6–14 above the interior's at the border itself): the plane's maximum was
 * often a border pixel of a normal plane. Measured on a model's own maps of normal planes, the median
 * and the {@value #TOP} quantile at each distance from the border up to {@value #DEPTH} pixels (the
 * last bucket holding every pixel deeper in, the interior); a value at distance d is mapped affinely
 * so that the median and the top quantile at d land on the interior's (docs/benchmarks.md, "The
 * map's border").
 *
 * @param median the median of normal map values at each distance 0 … {@value #DEPTH} from the border
 * @param top    their {@value #TOP} quantile at each distance
 */
public record BorderProfile(double[] median, double[] top) {

	/** Distances from the border corrected, in pixels; pixels this deep or deeper are the interior. */
	public static final int DEPTH = 16;
	/** The upper quantile matched at each distance. */
	static final double TOP = 0.99;
	/** The least side of a plane measured, in {@link #DEPTH}s: its interior is at least a quarter of it. */
	static final int SIDE_IN_DEPTHS = 4;
	/** Values at each distance a profile needs. */
	static final int MIN_VALUES = 1000;

	/** Largest magnitude of a profile's values, far beyond any map's (−2 log p of a few dozen features). */
	static final double MAX_VALUE = 1e12;
	/** Least gap between a distance's quantile and median: the correction divides by it. */
	static final double MIN_SPREAD = 1e-6;

	/** @throws IllegalArgumentException (a line without the field's name) if the values cannot correct a map */
	public BorderProfile {
		if (median.length != DEPTH + 1 || top.length != DEPTH + 1) throw new IllegalArgumentException("needs " + (DEPTH +
			1) + " medians and quantiles, not " + median.length + " and " + top.length);
		for (int d = 0; d <= DEPTH; d++)
			if (!usable(median[d], top[d])) throw new IllegalArgumentException("at distance " + d + " the quantile " +
				top[d] + " must lie above the median " + median[d] + " by at least " + MIN_SPREAD + ", both within ±" +
				MAX_VALUE);
	}

	/** Whether a distance's median and top quantile can correct a map: within range, the quantile above by a step. */
	private static boolean usable(double median, double top) {
		return Math.abs(median) <= MAX_VALUE && Math.abs(top) <= MAX_VALUE && top - median >= MIN_SPREAD;
	}

	/** The distance of pixel (x, y) from the border of a {@code width × height} plane, at most {@link #DEPTH}. */
	static int distance(int x, int y, int width, int height) {
		return Math.min(DEPTH, Math.min(Math.min(x, y), Math.min(width - 1 - x, height - 1 - y)));
	}

	/** Corrects a {@code width × height} map in place. */
	public void apply(float[] map, int width, int height) {
		double[] gain = new double[DEPTH + 1], offset = new double[DEPTH + 1];
		for (int d = 0; d <= DEPTH; d++) {
			gain[d] = (top[DEPTH] - median[DEPTH]) / (top[d] - median[d]);
			offset[d] = median[DEPTH] - median[d] * gain[d];
		}
		for (int y = 0; y < height; y++) {
			boolean edgeRow = y < DEPTH || y >= height - DEPTH;
			int left = edgeRow ? width : Math.min(DEPTH, width), right = edgeRow ? width : Math.max(left, width - DEPTH);
			for (int x = 0; x < left; x++)
				correct(map, x, y, width, height, gain, offset);
			for (int x = right; x < width; x++)
				correct(map, x, y, width, height, gain, offset);
		}
	}

	private static void correct(float[] map, int x, int y, int width, int height, double[] gain, double[] offset) {
		int d = distance(x, y, width, height), i = y * width + x;
		if (d < DEPTH) map[i] = (float) (map[i] * gain[d] + offset[d]);
	}

	/**
	 * The profile of a model's normal maps (every pixel within {@link #DEPTH} of the border, about a
	 * megapixel of the interior) at least {@value #SIDE_IN_DEPTHS} × {@link #DEPTH} pixels high and
	 * wide, or null if some distance has fewer than
	 * {@value #MIN_VALUES} values or its values are all alike. Smaller planes are left out: their
	 * pixels {@link #DEPTH} deep are themselves near the border (a 48 × 48 plane's are the central
	 * 16 × 16), no reference for the interior of larger planes; crops of one window get none.
	 */
	public static BorderProfile measure(List<AnomalyMap> maps) {
		maps = maps.stream().filter(m -> Math.min(m.width(), m.height()) >= SIDE_IN_DEPTHS * DEPTH).toList();
		long pixels = maps.stream().mapToLong(m -> (long) m.width() * m.height()).sum();
		// every pixel of the band near the border (a thin share of a large plane's), a sample of the interior
		long step = Math.max(1, pixels >> 20), seen = 0;
		FloatList[] values = new FloatList[DEPTH + 1];
		for (int d = 0; d <= DEPTH; d++)
			values[d] = new FloatList();
		for (AnomalyMap m : maps) {
			int width = m.width(), height = m.height();
			float[] map = m.values();
			for (int y = 0; y < height; y++)
				for (int x = 0; x < width; x++) {
					int d = distance(x, y, width, height);
					if (d < DEPTH || seen++ % step == 0) values[d].add(map[y * width + x]);
				}
		}
		double[] median = new double[DEPTH + 1], top = new double[DEPTH + 1];
		for (int d = 0; d <= DEPTH; d++) {
			if (values[d].size() < MIN_VALUES) return null;
			float[] v = Arrays.copyOf(values[d].values(), values[d].size());
			Arrays.sort(v);
			median[d] = Quantiles.quantile(v, 0.5);
			top[d] = Quantiles.quantile(v, TOP);
			if (!usable(median[d], top[d])) return null;
		}
		return new BorderProfile(median, top);
	}
}
