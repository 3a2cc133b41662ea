package sc.fiji.ganomaly.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import sc.fiji.ganomaly.core.api.EpochSummary;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.score.Scorers;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.TrainableNetwork;
import sc.fiji.ganomaly.engine.TrainingLosses;

/**
 * The epochs of a training: random patches of the training regions, one engine step per batch,
 * the validation loss on fixed held-out patches after each epoch, the best epoch's weights saved,
 * a checkpoint after each full epoch when asked for, resumption from one, cancellation between
 * steps, and a clear end when the loss diverges.
 */
final class TrainingLoop {

	private final TrainingSettings settings;
	private final ProgressListener listener;

	TrainingLoop(TrainingSettings settings, ProgressListener listener) {
		this.settings = settings;
		this.listener = listener;
	}

	/**
	 * Runs the epochs, leaving the network at its last step and the best epoch's weights in
	 * {@code checkpoint.best(epoch)}.
	 *
	 * @param fingerprint what must not change between a training and its resumption
	 */
	TrainingSummary run(TrainableNetwork network, HeldOut data, float[] validation, int validationCount,
		TrainingCheckpoint checkpoint, String fingerprint)
	{
		NetworkSpec spec = network.spec();
		int batchSize = settings.batchSize(), epochs = settings.epochs();
		long perEpoch = settings.patchesPerEpoch() > 0 ? settings.patchesPerEpoch()
			: TrainingSettings.AUTO_PATCHES_PER_EPOCH;
		int steps = (int) Math.max(1, Math.round(perEpoch / (double) batchSize));
		float[] batch = new float[batchSize * spec.patchLength()];
		double bestLoss = Double.POSITIVE_INFINITY;
		int bestEpoch = 0, resets = 0, epochsRun = 0, first = 1;
		boolean canceled = false;
		String diverged = null;
		long start = System.nanoTime();
		List<Double> validationLosses = new ArrayList<>();
		// stopped while the data and the engine were prepared: an earlier training's checkpoint stays as it was
		if (listener.isCanceled()) return new TrainingSummary(epochs, 0, true, 0, bestLoss, validationLosses, steps,
			batchSize, 0, settings.augment(), settings.statisticsBatches(), 0, null);
		// not asked to resume, a stopped training of the same settings and images is gone on from all the same:
		// resuming gives what training from epoch 1 would, sooner, and its epochs are not thrown away
		TrainingCheckpoint.State state = settings.resume() ? checkpoint.resume(network, fingerprint)
			: settings.checkpointFolder() == null ? null : checkpoint.goOn(network, fingerprint, epochs);
		if (state != null) {
			first = state.epoch() + 1;
			epochsRun = state.epoch();
			bestLoss = state.bestLoss();
			bestEpoch = state.bestEpoch();
			resets = state.resets();
			validationLosses.addAll(state.validationLosses());
			listener.phase(settings.resume() ? "resuming after epoch " + state.epoch() : "going on after epoch " +
				state.epoch() + " of a stopped training of this model with the same settings and images, as resuming " +
				"it would (delete " + settings.checkpointFolder() + " to begin at epoch 1)");
		}
		else {
			int earlier = checkpoint.startAfresh();
			if (earlier > 0) listener.warning("this training replaced the checkpoint of an earlier training of " +
				"this model (after epoch " + earlier + "), which can no longer be resumed");
			// a training stopped within its first epoch resumes from here
			if (settings.checkpointFolder() != null) checkpoint.save(network, new TrainingCheckpoint.State(0,
				Double.POSITIVE_INFINITY, 0, 0, new ArrayList<>(), fingerprint));
		}
		if (first <= epochs) listener.status("training the network: epoch " + first + " of " + epochs);
		for (int epoch = first; epoch <= epochs && !canceled; epoch++) {
			long epochStart = System.nanoTime();
			// each epoch draws from its own seeded stream, so that a resumed run draws the same patches
			PatchSampler sampler = new PatchSampler(data.training(), settings.patchSize(), settings.augment(),
				new Random(settings.seed() + 1 + 7919L * epoch));
			double g = 0, d = 0;
			int done = 0;
			for (int step = 0; step < steps; step++) {
				if (listener.isCanceled()) {
					canceled = true;
					break;
				}
				sampler.fill(batch, batchSize);
				TrainingLosses losses = network.trainStep(batch, batchSize);
				if (!Float.isFinite(losses.generator())) {
					diverged = "training diverged at epoch " + epoch + " (generator loss " + losses.generator() + ")";
					break;
				}
				g += losses.generator();
				d += losses.discriminator();
				if (losses.discriminatorReset()) resets++;
				done++;
				listener.progress((long) (epoch - 1) * steps + step + 1, (long) epochs * steps);
			}
			if (done == 0 || diverged != null) break; // a diverged network's epoch is no candidate for the best
			epochsRun = epoch;
			double seconds = (System.nanoTime() - epochStart) / 1e9;
			double loss = validationLoss(network, validation, validationCount);
			validationLosses.add(loss);
			boolean improved = loss < bestLoss;
			if (improved) {
				bestLoss = loss;
				bestEpoch = epoch;
				network.saveCheckpoint(checkpoint.best(epoch));
				// a resumable folder drops the earlier best once state.json names this one (in save)
				if (settings.checkpointFolder() == null) checkpoint.keepOnlyBest(epoch);
			}
			if (done == steps && settings.checkpointFolder() != null) checkpoint.save(network,
				new TrainingCheckpoint.State(epoch, bestLoss, bestEpoch, resets, new ArrayList<>(validationLosses),
					fingerprint));
			double elapsed = (System.nanoTime() - start) / 1e9;
			int epochsHere = epoch - first + 1;
			listener.epochFinished(new EpochSummary(epoch, epochs, g / done, d / done, loss, improved,
				done * batchSize / seconds, elapsed / epochsHere * (epochs - epoch), resets));
		}
		if (diverged != null && bestEpoch == 0) throw new IllegalArgumentException(diverged + " before any epoch " +
			"ended; no model was written: try another seed or a smaller batch size");
		return new TrainingSummary(epochs, epochsRun, canceled, bestEpoch, bestLoss, validationLosses, steps, batchSize,
			resets, settings.augment(), settings.statisticsBatches(), (System.nanoTime() - start) / 1e9, diverged);
	}

	/** Moves the generator's batch-norm statistics to those of the final weights on training patches. */
	void reestimateStatistics(TrainableNetwork network, HeldOut data) {
		if (settings.statisticsBatches() == 0) return;
		listener.status("re-estimating batch-norm statistics");
		PatchSampler sampler = new PatchSampler(data.training(), settings.patchSize(), false,
			new Random(settings.seed() + 3));
		float[] batch = new float[settings.batchSize() * network.spec().patchLength()];
		for (int i = 0; i < settings.statisticsBatches(); i++) {
			sampler.fill(batch, settings.batchSize());
			network.updateStatistics(batch, settings.batchSize());
		}
	}

	/** Mean of w_con·L1 + w_enc·latent L2 over the held-out patches, in scoring mode. */
	private static double validationLoss(TrainableNetwork network, float[] patches, int count) {
		float[] scores = new float[count], errors = new float[count];
		scoreAll(network, patches, count, scores, errors);
		double sum = 0;
		for (int i = 0; i < count; i++)
			sum += network.spec().wCon() * errors[i] + network.spec().wEnc() * scores[i];
		return sum / count;
	}

	/** The latent scores (and with {@code errors}, the reconstruction errors) of {@code count} patches. */
	static void scoreAll(TrainableNetwork network, float[] patches, int count, float[] scores, float[] errors) {
		int length = network.spec().patchLength(), size = Scorers.BATCH;
		float[] batch = new float[size * length];
		float[] s = new float[size], e = new float[size];
		for (int first = 0; first < count; first += size) {
			int n = Math.min(size, count - first);
			System.arraycopy(patches, first * length, batch, 0, n * length);
			network.score(batch, n, s, errors == null ? null : e);
			System.arraycopy(s, 0, scores, first, n);
			if (errors != null) System.arraycopy(e, 0, errors, first, n);
		}
	}
}
