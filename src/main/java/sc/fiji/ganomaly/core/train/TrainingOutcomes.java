package sc.fiji.ganomaly.core.train;

import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingOutcome;
import sc.fiji.ganomaly.core.model.TrainingReport;

/** How a training ended, read from a model file's {@link TrainingReport}, and what it means for a model's maps. */
public final class TrainingOutcomes {

	private TrainingOutcomes() {}

	/** The outcome {@code training} records, for a model scoring with {@code score}. */
	public static TrainingOutcome of(TrainingReport training, ScoreKind score) {
		TrainingReport.NetworkRun run = training.network();
		if (run == null) return new TrainingOutcome(0, false, null, training.calibrationWarning());
		return new TrainingOutcome(run.bestEpoch(), run.canceled(), networkWarning(run.diverged(), run.converged(), run
			.bestEpoch(), score), training.calibrationWarning());
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
