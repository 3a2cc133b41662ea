package sc.fiji.ganomaly.core.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.ganomaly.core.model.TrainingReport;

/**
 * What the epochs of a network's training report, for the model file's {@link TrainingReport}.
 *
 * @param epochsPlanned           epochs asked for
 * @param epochsRun               epochs finished (fewer when cancelled)
 * @param canceled                true if the training was stopped before its last epoch
 * @param bestEpoch               the epoch whose weights were kept
 * @param bestValidationLoss      its validation loss
 * @param validationLosses        the validation loss after each epoch
 * @param stepsPerEpoch           training steps of an epoch
 * @param batchSize               patches per step
 * @param discriminatorResets     times the discriminator was re-initialised
 * @param augment                 whether patches were flipped and rotated
 * @param statisticsBatches       batches that re-estimated the batch-norm statistics
 * @param seconds                 time of the epochs
 * @param diverged                how the training diverged ("training diverged at epoch 5 (generator loss
 *                                NaN)"), ending its epochs; null if it did not
 */
record TrainingSummary(int epochsPlanned, int epochsRun, boolean canceled, int bestEpoch, double bestValidationLoss,
		List<Double> validationLosses, int stepsPerEpoch, int batchSize, int discriminatorResets, boolean augment,
		int statisticsBatches, double seconds, String diverged)
{

	/**
	 * Marks trainings whose validation loss was still falling clearly at the end: the mean loss of
	 * the last third of the epochs more than 5 % below that of the middle third. (The loss of single
	 * epochs swings by several per cent, so single epochs are not compared.) True with fewer than 3
	 * epochs (nothing to compare).
	 */
	boolean converged() {
		return converged(validationLosses);
	}

	/** See {@link #converged()}. */
	static boolean converged(List<Double> losses) {
		int n = losses.size(), third = n / 3;
		if (third < 1) return true;
		double middle = 0, last = 0;
		for (int i = n - 2 * third; i < n - third; i++)
			middle += losses.get(i);
		for (int i = n - third; i < n; i++)
			last += losses.get(i);
		return last >= 0.95 * middle;
	}

	/**
	 * The model file's account of this training.
	 *
	 * @param validationPatches held-out patches of the validation loss
	 * @param engine            the engine's description
	 * @param calibration       the blocks the thresholds rest on, and the warning if too few
	 * @param sources           the training images
	 */
	TrainingReport report(int validationPatches, String engine, CalibrationBlocks calibration,
		TrainingReport.Sources sources)
	{
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("epochs_planned", epochsPlanned);
		m.put("epochs_run", epochsRun);
		m.put("best_validation_loss", bestValidationLoss);
		m.put("validation_losses", validationLosses);
		m.put("steps_per_epoch", stepsPerEpoch);
		m.put("batch_size", batchSize);
		m.put("discriminator_resets", discriminatorResets);
		m.put("augment", augment);
		m.put("statistics_batches", statisticsBatches);
		m.put("seconds", seconds);
		m.put("validation_patches", validationPatches);
		m.put("engine", engine);
		m.put("calibration_blocks", calibration.network());
		m.put("texture_calibration_blocks", calibration.texture());
		return new TrainingReport(sources, new TrainingReport.NetworkRun(bestEpoch, canceled, diverged == null &&
			converged(), diverged), calibration.warning(), m);
	}

	/**
	 * The normal blocks the image thresholds rest on.
	 *
	 * @param network blocks of held-out data scored by the network's scores
	 * @param texture blocks of the texture score's cross-fitted maps
	 * @param warning what to do when the default score's thresholds rest on too few (as said to the user); null if enough
	 */
	record CalibrationBlocks(int network, int texture, String warning) {}
}
