package sc.fiji.ganomaly.core.train;

import sc.fiji.ganomaly.core.api.Normalization;
import sc.fiji.ganomaly.engine.NetworkSpec;

/**
 * What must not change between a training and its resumption from a checkpoint: the network, the
 * sampling of patches, the normalisation and the number of planes. Stored in checkpoints as
 * {@link #text()}.
 */
record Fingerprint(NetworkSpec spec, int batchSize, int patchesPerEpoch, boolean augment, Normalization normalization,
		double validationFraction, int planes)
{

	static Fingerprint of(NetworkSpec spec, sc.fiji.ganomaly.core.api.TrainingSettings settings, int planes) {
		return new Fingerprint(spec, settings.batchSize(), settings.patchesPerEpoch(), settings.augment(),
			settings.normalization(), settings.validationFraction(), planes);
	}

	/**
	 * The text stored in checkpoints. The scoring mode (it sets the validation loss) is named only when
	 * it is not the default, so that checkpoints of trainings that had no choice still resume.
	 */
	String text() {
		return spec.patchSize() + "/" + spec.channels() + "/" + spec.nz() + "/" + spec.ngf() + "/" + spec.ndf() + "/" +
			spec.extraLayers() + "/" + spec.wAdv() + "/" + spec.wCon() + "/" + spec.wEnc() + "/" + spec.learningRate() +
			"/seed " + spec.seed() + "/batch " + batchSize + "/patches " + patchesPerEpoch + "/" + augment + "/" +
			normalization + "/" + validationFraction + "/planes " + planes +
			(NetworkSpec.DEFAULT_SCORING.equals(spec.scoringNormalization()) ? "" : "/scoring " + spec.scoringNormalization());
	}
}
