package sc.fiji.ganomaly.core.calibrate;

import java.util.Arrays;
import sc.fiji.ganomaly.core.math.Quantiles;

/**
 * Puts raw latent distances on a scale measured on held-out normal patches, so that a score means
 * the same in every image and every model: 0 is the median normal patch, 1 the 99th percentile of
 * normal patches. The default threshold is 1: about 1 % of normal patches lie above it.
 *
 * @param median raw score of the median normal patch
 * @param p99    raw score of the 99th percentile of normal patches
 */
public record PatchCalibration(double median, double p99) {

	/** The default threshold on the calibrated scale. */
	public static final double DEFAULT_THRESHOLD = 1.0;

	/**
	 * Checks a user's threshold on the calibrated scale.
	 *
	 * @param parameter names it in the message, e.g. "threshold" or "--threshold"
	 * @return the threshold
	 * @throws IllegalArgumentException if it is NaN, infinite, 0 or below
	 */
	public static double checkThreshold(double threshold, String parameter) {
		if (!Double.isFinite(threshold)) throw new IllegalArgumentException(parameter + " must be a finite number " +
			"on the calibrated scale (1 = the model's default), not " + threshold);
		if (!(threshold > 0)) throw new IllegalArgumentException(parameter + " must be above 0 on the calibrated scale " +
			"(0 is a typical normal pixel, 1 the model's default: at or below 0 every plane is flagged), not " + threshold);
		return threshold;
	}

	public PatchCalibration {
		if (!(Double.isFinite(median) && Double.isFinite(p99) && p99 > median))
			throw new IllegalArgumentException("calibration needs finite values with p99 > median, not median " +
				median + " and p99 " + p99);
	}

	/** Measures the calibration from raw scores of normal patches. */
	public static PatchCalibration fromNormalScores(float[] scores) {
		if (scores.length < 2) throw new IllegalArgumentException("calibration needs at least 2 normal scores, not " +
			scores.length);
		float[] sorted = scores.clone();
		Arrays.sort(sorted);
		double median = Quantiles.quantile(sorted, 0.5), p99 = Quantiles.quantile(sorted, 0.99);
		if (!(p99 > median)) p99 = median + Math.max(1e-12, Math.abs(median) * 1e-6);
		return new PatchCalibration(median, p99);
	}

	/** The calibrated score of a raw score. */
	public float apply(float raw) {
		return (float) ((raw - median) / (p99 - median));
	}

	/** Calibrates the first {@code n} scores in place. */
	public void applyInPlace(float[] scores, int n) {
		for (int i = 0; i < n; i++)
			scores[i] = apply(scores[i]);
	}
}
