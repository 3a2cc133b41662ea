package sc.fiji.ganomaly.core.calibrate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.math.FloatList;
import sc.fiji.ganomaly.core.math.Quantiles;

/**
 * What a {@link MapCalibration} is measured on: raw maps of normal data, each kept as a sample of
 * its pixels and the maxima of its whole {@code block × block} blocks in their places, so that a
 * spot unlike all other normal data (a hot pixel, a blank frame, a speck of dust among the normal
 * planes) is left out with the blocks around it. Such a spot's blocks lie far beyond the tail of the
 * other blocks, and the blocks its windows and smoothing reach beyond that tail too; left in,
 * they would set the tail's scale and put every threshold out of the reach of real anomalies.
 */
public final class NormalBlocks {

	/**
	 * Excess, in mean excesses of the other blocks' exponential tail, beyond which a block maximum
	 * is unlike all other normal data: a chance of e^-30 per block under the fitted tail, reached by
	 * fewer than one in 10,000 blocks of a log-normal tail as heavy as exp(1.5 N(0, 1)) (NormalBlocksTest).
	 */
	static final double OUTLIER_EXCESS = 30;
	/** Share of the blocks whose maxima may be found unlike all others (the blocks within their reach come on top). */
	static final double MAX_OUTLIER_SHARE = 0.25;

	/** The block maxima of a map of part of {@code plane} whose corner is there at {@code x0, y0}, row by row. */
	private record Grid(Object plane, int x0, int y0, int columns, int rows, float[] maxima) {}

	/** A rectangle of a plane ({@code x1, y1} excluded) whose blocks were left out. */
	public record Spot(Object plane, int x0, int y0, int x1, int y1) {

		boolean overlaps(Object p, int x, int y, int size) {
			return p == plane && x < x1 && x + size > x0 && y < y1 && y + size > y0;
		}
	}

	private final int block, step, reach;
	private final FloatList pixels = new FloatList();
	private final List<Grid> grids = new ArrayList<>();
	private int count;

	/**
	 * @param block side of the blocks in pixels (the patch size)
	 * @param step  every how many map pixels the pixel sample takes
	 * @param reach how far, in pixels, one pixel's value reaches in the maps (their windows and
	 *              smoothing): the blocks that close to an outlier are left out with it
	 */
	public NormalBlocks(int block, int step, int reach) {
		this.block = block;
		this.step = step;
		this.reach = Math.max(0, reach);
	}

	/**
	 * Adds a map's pixel sample and the maxima of its whole blocks: the map of the part of {@code plane}
	 * (compared by identity) whose corner is at {@code x0, y0}.
	 */
	public void add(AnomalyMap map, Object plane, int x0, int y0) {
		float[] v = map.values();
		for (int i = 0; i < v.length; i += step)
			pixels.add(v[i]);
		int columns = map.width() / block, rows = map.height() / block;
		float[] maxima = new float[columns * rows];
		for (int r = 0; r < rows; r++)
			for (int c = 0; c < columns; c++) {
				float m = Float.NEGATIVE_INFINITY;
				for (int y = r * block; y < (r + 1) * block; y++)
					for (int x = c * block; x < (c + 1) * block; x++)
						m = Math.max(m, v[y * map.width() + x]);
				maxima[r * columns + c] = m;
			}
		grids.add(new Grid(plane, x0, y0, columns, rows, maxima));
		count += maxima.length;
	}

	/** Block maxima added. */
	public int size() {
		return count;
	}

	/**
	 * The calibration of these maps ({@link MapCalibration#measure}), from the maxima of every block
	 * but those unlike all other normal data, those within their reach in the same map, and those overlapping
	 * {@code leaveOut} (spots found on other maps of the same planes).
	 */
	public MapCalibration measure(double rate, long referenceArea, List<Spot> leaveOut) {
		float[] kept = kept(leaveOut);
		return MapCalibration.measure(pixels.values(), pixels.size(), kept, kept.length, block, rate, referenceArea);
	}

	/** The rectangles of the blocks unlike all other normal data and of those within their reach, in their planes. */
	public List<Spot> spots() {
		List<Spot> spots = new ArrayList<>();
		float cut = cut();
		if (Float.isNaN(cut)) return spots;
		for (Grid g : grids) {
			boolean[] out = around(g, cut);
			for (int k = 0; k < out.length; k++)
				if (out[k]) {
					int x = g.x0() + k % g.columns() * block, y = g.y0() + k / g.columns() * block;
					spots.add(new Spot(g.plane(), x, y, x + block, y + block));
				}
		}
		return spots;
	}

	/** Which blocks of {@code g} are at least {@code cut} or within {@link #reach} of one that is (none for NaN). */
	private boolean[] around(Grid g, float cut) {
		boolean[] out = new boolean[g.maxima().length];
		int d = (reach + block - 1) / block;
		for (int r = 0; r < g.rows(); r++)
			for (int c = 0; c < g.columns(); c++)
				if (g.maxima()[r * g.columns() + c] >= cut)
					for (int y = Math.max(0, r - d); y <= Math.min(g.rows() - 1, r + d); y++)
						for (int x = Math.max(0, c - d); x <= Math.min(g.columns() - 1, c + d); x++)
							out[y * g.columns() + x] = true;
		return out;
	}

	/** {@link #outlierCut} of every block maximum added. */
	private float cut() {
		float[] sorted = all();
		Arrays.sort(sorted);
		return outlierCut(sorted);
	}

	/** Every block maximum added, in the order added. */
	private float[] all() {
		float[] all = new float[count];
		int i = 0;
		for (Grid g : grids) {
			System.arraycopy(g.maxima(), 0, all, i, g.maxima().length);
			i += g.maxima().length;
		}
		return all;
	}

	/** The block maxima in the order added, without outliers, the blocks within their reach and what overlaps {@code leaveOut}. */
	float[] kept(List<Spot> leaveOut) {
		float cut = cut();
		FloatList kept = new FloatList();
		for (Grid g : grids) {
			boolean[] out = around(g, cut);
			for (int k = 0; k < out.length; k++) {
				int x = g.x0() + k % g.columns() * block, y = g.y0() + k / g.columns() * block;
				if (!out[k] && leaveOut.stream().noneMatch(spot -> spot.overlaps(g.plane(), x, y, block)))
					kept.add(g.maxima()[k]);
			}
		}
		// a calibration needs two blocks: all of them rather than none
		return kept.size() >= 2 ? Arrays.copyOf(kept.values(), kept.size()) : all();
	}

	/**
	 * The smallest block maximum unlike all other normal data among {@code sorted} (ascending), or
	 * NaN if there is none: the largest {@code j} (at most {@link #MAX_OUTLIER_SHARE} of them) such
	 * that the smallest of the top {@code j} lies more than {@link #OUTLIER_EXCESS} mean excesses
	 * beyond the start of the exponential tail that {@link MapCalibration#measure} fits to the others.
	 */
	static float outlierCut(float[] sorted) {
		int n = sorted.length;
		double[] sums = new double[n + 1];
		for (int i = 0; i < n; i++)
			sums[i + 1] = sums[i] + sorted[i];
		for (int j = (int) (MAX_OUTLIER_SHARE * n); j >= 1; j--) {
			int rest = n - j;
			double fraction = MapCalibration.tailFraction(rest);
			double start = Quantiles.quantile(sorted, rest, 1 - fraction);
			int first = firstAbove(sorted, rest, start), points = rest - first;
			if (points < 2) continue;
			double meanExcess = (sums[rest] - sums[first]) / points - start;
			if (meanExcess > 0 && sorted[rest] - start > OUTLIER_EXCESS * meanExcess) return sorted[rest];
		}
		return Float.NaN;
	}

	/** The index of the first of the first {@code n} of {@code sorted} above {@code value} ({@code n} if none). */
	private static int firstAbove(float[] sorted, int n, double value) {
		int lo = 0, hi = n;
		while (lo < hi) {
			int mid = (lo + hi) >>> 1;
			if (sorted[mid] > value) hi = mid;
			else lo = mid + 1;
		}
		return lo;
	}
}
