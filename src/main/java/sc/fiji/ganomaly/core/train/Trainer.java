package sc.fiji.ganomaly.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.calibrate.PatchCalibration;
import sc.fiji.ganomaly.core.model.Manifest;
import sc.fiji.ganomaly.core.model.ModelFile;
import sc.fiji.ganomaly.core.model.TemporaryFolders;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.PlaneNormalizer;
import sc.fiji.ganomaly.core.score.LazyNetwork;
import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.Precision;
import sc.fiji.ganomaly.engine.TrainableNetwork;

/**
 * A training from normal images to a model: normalises the images, holds out part of them
 * ({@link HeldOut}), runs the epochs ({@link TrainingLoop}), keeps the best epoch, re-estimates the
 * batch-norm statistics, calibrates the per-patch latent score, exports the SavedModel, and measures
 * every score's calibration ({@link Calibrator}).
 */
public final class Trainer {

	private final TrainingSettings settings;
	private final Engine engine;
	private final ProgressListener listener;

	/**
	 * @param settings checked here (a copy is kept)
	 * @param listener hears progress and may cancel; null for none
	 * @throws IllegalArgumentException naming the first bad setting
	 */
	public Trainer(TrainingSettings settings, Engine engine, ProgressListener listener) {
		this.settings = settings.copy().validate();
		this.engine = engine;
		this.listener = listener == null ? ProgressListener.NONE : listener;
	}

	/**
	 * Trains on {@code data}. Cancelling through the listener ends the epochs early and keeps the best
	 * epoch so far.
	 *
	 * @throws IllegalArgumentException on bad data, naming what is wrong
	 */
	public TrainedModel train(TrainingData data) {
		List<NormalizedPlane> planes = normalize(data);
		TrainingSettings run = withScore(settings, planes);
		int channels = planes.get(0).channels();
		NetworkSpec spec = run.networkSpec(channels);
		HeldOut heldOut = HeldOut.split(planes, run.patchSize(), run.validationFraction(),
			new Random(run.seed()));
		float[] validation = heldOut.patches(spec, run.seed() + 2);
		int validationCount = validation.length / spec.patchLength();

		Path work = TemporaryFolders.create("ganomaly-training");
		try (TrainableNetwork network = engine.create(spec)) {
			TrainingCheckpoint checkpoint = new TrainingCheckpoint(
				run.checkpointFolder() != null ? run.checkpointFolder() : work.resolve("checkpoint"));
			TrainingLoop loop = new TrainingLoop(run, listener);
			TrainingSummary summary = loop.run(network, heldOut, validation, validationCount, checkpoint,
				Fingerprint.of(spec, run, planes.size()).text());
			if (checkpoint.hasBest()) network.restoreCheckpoint(checkpoint.best());
			loop.reestimateStatistics(network, heldOut);
			float[] scores = new float[validationCount];
			TrainingLoop.scoreAll(network, validation, validationCount, scores, null);
			PatchCalibration calibration = PatchCalibration.fromNormalScores(scores);
			network.exportSavedModel(work.resolve(ModelFile.SAVED_MODEL));
			String unconverged = summary.converged() ? null : TrainingOutcomes.convergenceWarning(run.score());
			if (unconverged != null) listener.status("warning: " + unconverged);
			Manifest trained = new Manifest(Manifest.FORMAT_VERSION, Manifest.PROGRAM, spec, run.normalization(),
				calibration, PatchCalibration.DEFAULT_THRESHOLD, java.util.Map.of());
			deleteExcept(work, work.resolve(ModelFile.SAVED_MODEL));
			// the network scoring as users will: loaded from the exported SavedModel
			LazyNetwork scoring = new LazyNetwork(() -> engine, work.resolve(ModelFile.SAVED_MODEL), spec, Precision.FLOAT32,
				null);
			try {
				Calibrator.Result calibrated = new Calibrator(run, listener).calibrate(scoring, trained, heldOut, planes);
				Manifest done = new Manifest(trained.formatVersion(), trained.createdBy(), spec, trained.normalization(),
					calibration, PatchCalibration.DEFAULT_THRESHOLD, summary.toJson(validationCount, engine.description(),
						calibrated.blocks()), calibrated.scoring());
				return new TrainedModel(done, work, scoring);
			}
			catch (RuntimeException | Error e) {
				scoring.close();
				throw e;
			}
		}
		catch (RuntimeException | Error e) {
			TemporaryFolders.delete(work);
			throw e;
		}
	}

	/**
	 * {@code settings} with a score: the one asked for, else the one {@link ScoreKind#forPlanes} picks
	 * for planes of the training planes' median area (said to the listener).
	 */
	private TrainingSettings withScore(TrainingSettings settings, List<NormalizedPlane> planes) {
		if (settings.score() != null) return settings;
		long[] areas = planes.stream().mapToLong(q -> (long) q.width() * q.height()).sorted().toArray();
		ScoreKind score = ScoreKind.forPlanes(areas[areas.length / 2], settings.patchSize());
		listener.status("score: " + score.id() + (score == ScoreKind.COMBINED ? " (the training images are about one " +
			"patch: texture and the network's density together)" : " (the training images hold several patches: " +
			"local image statistics)"));
		return settings.copy().score(score);
	}

	private List<NormalizedPlane> normalize(TrainingData data) {
		if (data.size() == 0) throw new IllegalArgumentException("training data is empty: give at least one normal image");
		List<NormalizedPlane> planes = new ArrayList<>();
		int p = settings.patchSize();
		for (TrainingData.Sample s : data.samples()) {
			var img = s.image();
			if (img.numDimensions() < 2 || img.dimension(0) < p || img.dimension(1) < p)
				throw new IllegalArgumentException(s.name() + " is " + img.dimension(0) + "x" +
					(img.numDimensions() > 1 ? img.dimension(1) : 1) + " pixels, smaller than the patch of " + p + "x" + p +
					"; use a smaller patchSize or larger images");
			long channels = img.numDimensions() > 2 ? img.dimension(2) : 1;
			if (channels > NetworkSpec.MAX_CHANNELS) throw new IllegalArgumentException(s.name() + " has " + channels +
				" channels; GANomaly models take 1 to " + NetworkSpec.MAX_CHANNELS + " (choose some with the channels option)");
			NormalizedPlane plane = PlaneNormalizer.apply(settings.normalization(), img, s.name());
			if (!planes.isEmpty() && plane.channels() != planes.get(0).channels())
				throw new IllegalArgumentException(s.name() + " has " + plane.channels() + " channel(s), but " +
					data.samples().get(0).name() + " has " + planes.get(0).channels() + "; all training images need the same channels");
			planes.add(plane);
			listener.status("Normalised " + planes.size() + "/" + data.size() + " training images");
		}
		return planes;
	}

	private static void deleteExcept(Path folder, Path keep) {
		try (var list = Files.list(folder)) {
			list.filter(p -> !p.equals(keep)).forEach(p -> {
				if (Files.isDirectory(p)) TemporaryFolders.deleteTree(p);
				else try {
					Files.deleteIfExists(p);
				}
				catch (IOException ignored) {
					// temporary file
				}
			});
		}
		catch (IOException ignored) {
			// temporary folder
		}
	}
}
