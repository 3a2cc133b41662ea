package sc.fiji.ganomaly.core;

import java.util.Locale;
import sc.fiji.ganomaly.core.calibrate.PatchCalibration;

/**
 * The scoring parameters that every front end offers, with their defaults and checks in one
 * place: the window stride and the threshold. Messages name the parameter as the front end
 * calls it ({@code "stride"}, {@code "--stride"}).
 */
public final class ScoreParameters {

	/** Stride 0 asks for the default, a quarter of the patch size. */
	public static final int DEFAULT_STRIDE = 0;
	/** The threshold value that asks for the model's own threshold (also the default). */
	public static final String MODEL_THRESHOLD = "model";

	/** How dialogs label the stride (a constant, as annotations take). */
	public static final String STRIDE_LABEL = "Stride (0: patch size / 4)";
	/** How dialogs label the threshold. */
	public static final String THRESHOLD_LABEL = "Threshold (a number, or '" + MODEL_THRESHOLD + "' for the model's own)";

	private ScoreParameters() {}

	/** Whether a score is above {@code threshold}; a score that is not a number (NaN) is, so that it is looked at. */
	public static boolean isAnomalous(double score, double threshold) {
		return !(score <= threshold);
	}

	/**
	 * The window step in pixels: {@code requested}, or a quarter of the patch size for 0.
	 *
	 * @throws IllegalArgumentException unless 0 ≤ requested ≤ patch size
	 */
	public static int stride(int requested, int patchSize, String parameter) {
		if (requested == DEFAULT_STRIDE) return Math.max(1, patchSize / 4);
		if (requested < 1 || requested > patchSize) throw new IllegalArgumentException(parameter + " must lie between 1 " +
			"and the patch size " + patchSize + " (0: patch size / 4), not " + requested);
		return requested;
	}

	/**
	 * The threads to score with: {@code requested}, 0 meaning every core.
	 *
	 * @throws IllegalArgumentException if it is negative, naming {@code parameter}
	 */
	public static int threads(int requested, String parameter) {
		if (requested < 0) throw new IllegalArgumentException(parameter + " must be 0 (every core) or more, not " +
			requested);
		return requested;
	}

	/**
	 * The threshold on the calibrated scale: a number above 0, or {@value #MODEL_THRESHOLD} (or nothing)
	 * for the model's own.
	 *
	 * @throws IllegalArgumentException if it is neither a finite number above 0 nor {@value #MODEL_THRESHOLD}
	 */
	public static double threshold(String text, double modelThreshold, String parameter) {
		if (text == null || text.isBlank() || text.trim().toLowerCase(Locale.ROOT).equals(MODEL_THRESHOLD))
			return modelThreshold;
		double t;
		try {
			t = Double.parseDouble(text.trim());
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException(parameter + " must be a number on the calibrated scale or '" +
				MODEL_THRESHOLD + "' for the model's own, not '" + text.trim() + "'");
		}
		return PatchCalibration.checkThreshold(t, parameter);
	}
}
