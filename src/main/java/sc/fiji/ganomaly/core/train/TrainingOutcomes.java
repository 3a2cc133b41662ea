package sc.fiji.ganomaly.core.train;

import java.util.Map;

import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingOutcome;

/** How a training ended, read from a manifest's {@code training} object, and what it means for a model's maps. */
public final class TrainingOutcomes {

	private TrainingOutcomes() {}

	/** The outcome recorded in {@code training} (as {@link TrainingSummary} writes it), for a model scoring with {@code score}. */
	public static TrainingOutcome of(Map<String, Object> training, ScoreKind score) {
		String calibration = training.get("calibration_warning") instanceof String w ? w.replaceFirst("^warning: ", "")
			: null;
		int best = training.get("best_epoch") instanceof Number n ? n.intValue() : 0;
		String network = networkWarning(training.get("diverged") instanceof String d ? d : null, !Boolean.FALSE.equals(
			training.get("converged")), best, score);
		return new TrainingOutcome(best, Boolean.TRUE.equals(training.get("canceled")), network, calibration);
	}

	/**
	 * What the user is warned of about the network: its divergence ({@code diverged}, null if none)
	 * after its best epoch {@code best}, else that it had not converged; null if neither.
	 */
	static String networkWarning(String diverged, boolean converged, int best, ScoreKind score) {
		return diverged != null ? divergenceWarning(diverged, best) : converged ? null : convergenceWarning(score);
	}

	/** The warning for a training that diverged after its best epoch {@code best}. */
	private static String divergenceWarning(String diverged, int best) {
		return diverged + "; the model keeps epoch " + best + ", the best before it (another seed may train longer)";
	}

	/**
	 * The warning for a model scoring with {@code score} whose training has not converged, or null if
	 * its maps do not depend on the network (the texture score): longer training would not change them.
	 */
	static String convergenceWarning(ScoreKind score) {
		if (!score.needsNetwork()) return null;
		return "training has not converged: the validation loss was still falling in the last epochs; train longer " +
			"(more epochs or patches per epoch) for better " + score.id() + " maps";
	}
}
