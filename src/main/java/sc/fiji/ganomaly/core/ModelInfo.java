package sc.fiji.ganomaly.core;

import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.model.Manifest;

/** What a model says about scoring, without its network: patch, channels, score and threshold. */
public final class ModelInfo {

	private final Manifest manifest;

	ModelInfo(Manifest manifest) {
		this.manifest = manifest;
	}

	/** The side of the network's square patch in pixels. */
	public int patchSize() {
		return manifest.spec().patchSize();
	}

	/** The channels the model was trained on. */
	public int channels() {
		return manifest.spec().channels();
	}

	/** The score the model's maps show. */
	public ScoreKind score() {
		return manifest.score();
	}

	/** The threshold on the calibrated scale (see {@link GanomalyModel#threshold()}). */
	public double threshold() {
		return manifest.threshold();
	}

	/**
	 * The same model scoring with another of its calibrated scores.
	 *
	 * @throws IllegalArgumentException if the model has no calibration for that score
	 */
	public ModelInfo withScore(ScoreKind score) {
		return new ModelInfo(manifest.withScore(score));
	}
}
