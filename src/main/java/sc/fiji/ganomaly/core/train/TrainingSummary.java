package sc.fiji.ganomaly.core.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a training reports in the manifest's {@code training} object, in the order written there.
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
	 * The manifest's {@code training} object.
	 *
	 * @param validationPatches held-out patches of the validation loss
	 * @param engine            the engine's description
	 * @param calibration       the blocks the thresholds rest on, and the warning if too few
	 */
	Map<String, Object> toJson(int validationPatches, String engine, CalibrationBlocks calibration) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("epochs_planned", epochsPlanned);
		m.put("epochs_run", epochsRun);
		m.put("canceled", canceled);
		m.put("best_epoch", bestEpoch);
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
		m.put("converged", diverged == null && converged());
		if (diverged != null) m.put("diverged", diverged);
		m.put("calibration_blocks", calibration.network());
		m.put("texture_calibration_blocks", calibration.texture());
		if (calibration.warning() != null) m.put("calibration_warning", calibration.warning());
		return m;
	}

	/**
	 * The normal blocks the image thresholds rest on.
	 *
	 * @param network blocks of held-out data scored by the network's scores
	 * @param texture blocks of the texture score's cross-fitted maps
	 * @param warning what to do when the default score's thresholds rest on too few; null if enough
	 */
	record CalibrationBlocks(int network, int texture, String warning) {}
}
