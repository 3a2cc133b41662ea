package sc.fiji.ganomaly.core.calibrate;

import java.util.Arrays;
import java.util.Map;

import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.math.Quantiles;

/**
 * The scale of one score's anomaly maps and the image threshold, measured after training on
 * held-out normal planes (or bands) scored as users score them. An image is anomalous when its
 * map's maximum exceeds the threshold, so mask and table always agree; the threshold is chosen so
 * that a share {@link #falsePositiveRate()} of normal planes is flagged, whatever their size:
 * <ul>
 * <li>the raw maps of held-out normal data are cut into blocks of {@code block × block} pixels and
 * the maximum of each block is kept (a block as wide as a patch is about as large as the map's
 * correlation length);</li>
 * <li>a plane of {@code A} pixels holds {@code k = A / block²} blocks; it stays below a threshold
 * with probability (1 − q)^k when each block exceeds it with probability q, so the threshold for a
 * plane is the block-maximum quantile at {@code q = 1 − (1 − rate)^(1/k)};</li>
 * <li>that quantile is read from the measured block maxima where they are dense enough (q at least
 * {@link #TAIL_FRACTION}), and beyond from an exponential tail fitted to the largest
 * {@link #TAIL_POINTS} of them (or the top {@link #TAIL_FRACTION} when fewer are measured): the
 * maxima's tails are heavier than exponential, so a fit reaching down to the 80th percentile
 * would put the threshold low when more maxima tell where the 99th lies;</li>
 * <li>the tail's scale is taken at the upper end of its {@link #CONFIDENCE} confidence interval,
 * given how many maxima it was fitted to, so that a threshold measured on few normal blocks errs
 * on the side of fewer false positives (docs/benchmarks.md, "Thresholds from few normal
 * blocks").</li>
 * </ul>
 * Treating neighbouring blocks as independent overestimates the number of chances a plane has
 * to exceed, so the threshold errs on the side of fewer false positives.
 * <p>
 * Map values are then put on the plane's own scale: 0 = the median normal map pixel, 1 = the
 * threshold for a plane of this size. So the default threshold is always 1, and a plane's score
 * (its map maximum) says how far above or below its threshold it lies, comparably across sizes.
 *
 * @param median            median raw map pixel of held-out normal data
 * @param block             block side in pixels (the patch size)
 * @param quantiles         quantiles 0, 0.01, ..., 1 of the raw block maxima (101 values)
 * @param tailStart         the fitted exponential tail's raw value at exceedance {@link #TAIL_FRACTION}
 *                          (so {@link #rawThreshold} reads every model alike, whatever share the tail
 *                          was fitted to)
 * @param tailScale         mean excess of the fitted block maxima over the start of their fit, at the
 *                          upper end of its confidence interval
 * @param blocks            number of block maxima measured
 * @param falsePositiveRate share of normal planes the threshold 1 should flag
 * @param referenceArea     pixels of a typical training plane (for the manifest's description)
 */
public record MapCalibration(double median, int block, double[] quantiles, double tailStart, double tailScale,
		int blocks, double falsePositiveRate, long referenceArea)
{

	/** Exceedance below which thresholds come from the exponential tail, not the measured quantiles. */
	static final double TAIL_FRACTION = 0.2;
	/**
	 * Largest block maxima the exponential tail is fitted to: the top {@value} when there are at least
	 * {@value} / {@link #TAIL_FRACTION} maxima (then the fit starts above the 80th percentile, nearer
	 * the quantiles thresholds need), but never fewer than the top {@link #MIN_TAIL_FRACTION}.
	 */
	static final int TAIL_POINTS = 40;
	/** Smallest share of the block maxima the tail is fitted to. */
	static final double MIN_TAIL_FRACTION = 0.01;
	/** Confidence that the tail's scale is at most the one the threshold is read with. */
	static final double CONFIDENCE = 0.9;
	/**
	 * The least false-positive rate a calibration holds: far below any training's (which refuses rates
	 * below {@link TrainingSettings#MIN_FALSE_POSITIVE_RATE}, earlier versions any above 0), and far
	 * enough above 0 that the threshold of any plane's size stays finite (at 1e-310 every score was 0).
	 */
	static final double MIN_FALSE_POSITIVE_RATE = 1e-12;
	/** Block maxima needed for a threshold that does not swing from training to training. */
	public static final int MIN_BLOCKS = 100;

	public MapCalibration {
		if (quantiles.length != 101) throw new IllegalArgumentException("map calibration needs 101 quantiles, not " +
			quantiles.length);
		if (!(Double.isFinite(median) && Double.isFinite(tailStart) && tailScale >= 0 && block > 0))
			throw new IllegalArgumentException("map calibration needs finite values");
		if (!(falsePositiveRate >= MIN_FALSE_POSITIVE_RATE && falsePositiveRate < 1)) throw new IllegalArgumentException(
			"false-positive rate must lie from " + MIN_FALSE_POSITIVE_RATE + " to below 1, not " + falsePositiveRate);
	}

	/** A stand-in for scoring raw maps before the calibration is measured. */
	public static MapCalibration placeholder(int block) {
		double[] q = new double[101];
		for (int i = 0; i <= 100; i++)
			q[i] = 1 + i / 100.0;
		return new MapCalibration(0, block, q, 1.8, 0.1, 0, 0.01, (long) block * block);
	}

	/**
	 * Measures the calibration.
	 *
	 * @param pixels raw map pixels of held-out normal data (a sample is enough)
	 * @param maxima raw block maxima of held-out normal data
	 */
	public static MapCalibration measure(float[] pixels, int pixelCount, float[] maxima, int count, int block, double rate,
		long referenceArea)
	{
		if (count < 2) throw new IllegalArgumentException("calibration needs at least 2 normal blocks of " + block +
			"x" + block + " pixels, not " + count);
		float[] p = Arrays.copyOf(pixels, pixelCount);
		Arrays.sort(p);
		float[] m = Arrays.copyOf(maxima, count);
		Arrays.sort(m);
		double[] q = new double[101];
		for (int i = 0; i <= 100; i++)
			q[i] = Quantiles.quantile(m, i / 100.0);
		// the exponential is fitted to the top TAIL_POINTS maxima (at most the top TAIL_FRACTION, at least the top 1 %)
		double fraction = tailFraction(count);
		double start = Quantiles.quantile(m, 1 - fraction), excess = 0;
		int above = 0;
		for (float v : m)
			if (v > start) {
				excess += v - start;
				above++;
			}
		double scale = above == 0 ? 0 : excess / above * upperScaleFactor(above);
		// stored as the same exponential's value at exceedance TAIL_FRACTION, where rawThreshold starts it
		start -= scale * Math.log(TAIL_FRACTION / fraction);
		return new MapCalibration(Quantiles.quantile(p, 0.5), block, q, start, scale, count, rate, referenceArea);
	}

	/** The share of {@code count} block maxima the exponential tail is fitted to. */
	static double tailFraction(int count) {
		return Math.max(MIN_TAIL_FRACTION, Math.min(TAIL_FRACTION, TAIL_POINTS / (double) count));
	}

	/**
	 * The factor from an exponential tail's fitted scale (the mean excess of {@code points} maxima) to
	 * the upper end of its {@link #CONFIDENCE} confidence interval: 2n / χ²(1 − confidence; 2n), the
	 * χ² quantile by Wilson and Hilferty's approximation (within 1 % from 2 points on).
	 */
	static double upperScaleFactor(int points) {
		double dof = 2.0 * points, a = 2 / (9 * dof);
		double chi2 = dof * Math.pow(1 - a + LOWER_NORMAL_QUANTILE * Math.sqrt(a), 3);
		return dof / chi2;
	}

	/** The standard normal quantile at 1 − {@link #CONFIDENCE}. */
	private static final double LOWER_NORMAL_QUANTILE = -1.2815515655446004;

	/**
	 * This calibration with a threshold at least as high as {@code other}'s for planes of every size:
	 * quantiles, tail start and tail scale each the larger of the two; median, blocks and rate this one's.
	 */
	public MapCalibration atLeast(MapCalibration other) {
		if (other.block != block) throw new IllegalArgumentException("calibrations of blocks " + block + " and " +
			other.block + " cannot be combined");
		double[] q = new double[quantiles.length];
		for (int i = 0; i < q.length; i++)
			q[i] = Math.max(quantiles[i], other.quantiles[i]);
		return new MapCalibration(median, block, q, Math.max(tailStart, other.tailStart), Math.max(tailScale,
			other.tailScale), blocks, falsePositiveRate, referenceArea);
	}

	/** The raw map value above which a plane of {@code area} pixels counts as anomalous. */
	public double rawThreshold(long area) {
		double k = Math.max(1, area / ((double) block * block));
		// per-block exceedance probability, computed stably for small rates
		double q = -Math.expm1(Math.log1p(-falsePositiveRate) / k);
		double t;
		if (q >= TAIL_FRACTION) {
			double at = (1 - q) * 100;
			int i = (int) Math.floor(at);
			t = i >= 100 ? quantiles[100] : quantiles[i] + (at - i) * (quantiles[i + 1] - quantiles[i]);
		}
		else t = tailStart + tailScale * Math.log(TAIL_FRACTION / q);
		// never at or below the median pixel: the scale would collapse
		double floor = median + Math.max(1e-9, Math.abs(median) * 1e-6);
		return Math.max(t, floor);
	}

	/** Map values of a plane of {@code area} pixels, raw to calibrated: (raw − median) / (threshold − median). */
	public void applyInPlace(float[] values, long area) {
		double t = rawThreshold(area), scale = 1 / (t - median);
		for (int i = 0; i < values.length; i++)
			values[i] = (float) ((values[i] - median) * scale);
	}

}
