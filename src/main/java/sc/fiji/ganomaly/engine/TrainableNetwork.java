package sc.fiji.ganomaly.engine;

import java.nio.file.Path;

/** A GANomaly generator and discriminator with their optimisers, being trained. */
public interface TrainableNetwork extends ScoringNetwork {

	/**
	 * One optimisation step of generator and discriminator on {@code n} patches (NHWC, in
	 * [-1, 1]); re-initialises the discriminator if its loss collapsed below 1e-5.
	 */
	TrainingLosses trainStep(float[] batch, int n);

	/**
	 * Runs {@code n} patches through the generator in training mode only to move its batch-norm
	 * statistics towards those of the current weights (momentum 0.1); weights stay as they are.
	 */
	void updateStatistics(float[] batch, int n);

	/** Saves every variable, optimiser state included, as a checkpoint at {@code prefix}. */
	void saveCheckpoint(Path prefix);

	/** Restores a checkpoint written by {@link #saveCheckpoint}. */
	void restoreCheckpoint(Path prefix);

	/** Writes the network as a TensorFlow SavedModel directory (signature {@code serving_default}). */
	void exportSavedModel(Path directory);
}
