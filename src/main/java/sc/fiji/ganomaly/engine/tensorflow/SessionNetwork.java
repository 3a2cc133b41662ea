package sc.fiji.ganomaly.engine.tensorflow;

import sc.fiji.ganomaly.engine.PatchBatch;
import sc.fiji.ganomaly.engine.ScoringNetwork;

/** A network scoring through the {@link PatchScorer} of its session: the scoring half shared by a trained and a loaded network. */
abstract class SessionNetwork implements ScoringNetwork {

	/** The scorer of this network's session. */
	abstract PatchScorer scorer();

	@Override
	public PatchBatch batch(int n) {
		return scorer().batch(n);
	}

	@Override
	public void score(PatchBatch batch, float[] scores, float[] reconstructionErrors) {
		scorer().score(batch, scores, reconstructionErrors);
	}

	@Override
	public void reconstruct(PatchBatch batch, float[] out) {
		scorer().reconstruct(batch, out);
	}

	@Override
	public void latent(PatchBatch batch, float[] out) {
		scorer().latent(batch, out);
	}
}
