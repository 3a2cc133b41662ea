package sc.fiji.ganomaly.core.train;

import sc.fiji.ganomaly.core.api.ScoreKind;

/** What a network whose validation loss was still falling at the end means for a model's maps. */
public final class Convergence {

	private Convergence() {}

	/**
	 * The warning for a model scoring with {@code score} whose training has not converged, or null if
	 * its maps do not depend on the network (the texture score): longer training would not change them.
	 */
	public static String warning(ScoreKind score) {
		if (!score.needsNetwork()) return null;
		return "training has not converged: the validation loss was still falling in the last epochs; train longer " +
			"(more epochs or patches per epoch) for better " + score.id() + " maps";
	}
}
