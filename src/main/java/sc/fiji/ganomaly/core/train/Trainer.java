package sc.fiji.ganomaly.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

import sc.fiji.ganomaly.core.api.FolderLock;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.Refusals;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.calibrate.PatchCalibration;
import sc.fiji.ganomaly.core.model.Manifest;
import sc.fiji.ganomaly.core.model.TrainingReport;
import sc.fiji.ganomaly.core.model.ModelFile;
import sc.fiji.ganomaly.core.model.TemporaryFolders;
import sc.fiji.ganomaly.core.plane.PixelTypes;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.PlaneNormalizer;
import sc.fiji.ganomaly.core.score.LazyNetwork;
import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.Precision;
import sc.fiji.ganomaly.engine.TrainableNetwork;

/**
 * A training from normal images to a model: normalises the images and, for a score that needs the
 * network, holds out part of them ({@link HeldOut}), runs the epochs ({@link TrainingLoop}), keeps
 * the best epoch, re-estimates the batch-norm statistics, calibrates the per-patch latent score,
 * exports the SavedModel, and measures every score's calibration ({@link Calibrator}). For a score
 * that needs none (the texture score) it fits and calibrates that score alone, in seconds, without
 * loading the engine: the model has no network.
 */
public final class Trainer {

	private static final String EMPTY = "training data is empty: give at least one normal image";

	private final TrainingSettings settings;
	private final Supplier<Engine> engine;
	private final ProgressListener listener;

	/**
	 * @param settings checked here (a copy is kept)
	 * @param engine   gives the engine once a network is trained (not for a score that needs none)
	 * @param listener hears progress and may cancel; null for none
	 * @throws IllegalArgumentException naming the first bad setting
	 */
	public Trainer(TrainingSettings settings, Supplier<Engine> engine, ProgressListener listener) {
		this.settings = settings.copy().validate();
		this.engine = engine;
		this.listener = listener == null ? ProgressListener.NONE : listener;
	}

	/** A trainer with an engine at hand. */
	public Trainer(TrainingSettings settings, Engine engine, ProgressListener listener) {
		this(settings, () -> engine, listener);
	}

	/**
	 * Trains on {@code data}. Cancelling through the listener ends the epochs early and keeps the best
	 * epoch so far; a training without a network (seconds: its fits and calibration are bounded in
	 * pixels) runs to its end.
	 *
	 * @throws IllegalArgumentException on bad data, naming what is wrong
	 */
	public TrainedModel train(TrainingData data) {
		List<NormalizedPlane> planes = normalize(data);
		// their maps would not vary, and a threshold on a spread of zero makes every other image anomalous
		if (planes.stream().allMatch(NormalizedPlane::isConstant)) throw new IllegalArgumentException("input: every " +
			"training image is of one value (blank); there is nothing normal to learn from them: give images of the " +
			"normal specimen");
		TrainingSettings run = withScore(settings, data);
		int channels = planes.get(0).channels();
		NetworkSpec spec = run.networkSpec(channels);
		if (!run.score().needsNetwork()) return withoutNetwork(run, spec, planes, data);
		// what calibration needs after the epochs, checked before them
		TextureFolds.check(planes, run.patchSize());
		HeldOut heldOut = HeldOut.split(planes, run.patchSize(), run.validationFraction(),
			new Random(run.seed()));
		float[] validation = heldOut.patches(spec, run.seed() + 2);
		int validationCount = validation.length / spec.patchLength(), p = run.patchSize();
		long blocks = heldOut.validation().stream().mapToLong(r -> (long) (r.width() / p) * (r.height() / p)).sum();
		if (validationCount < 2 || blocks < 2) throw new IllegalArgumentException("input: the held-out normal data holds " +
			blocks + " block(s) of " + p + "x" + p + " pixels; the network's thresholds need at least 2: give more or " +
			"larger normal images, a larger validation fraction or a smaller patch size");
		Engine engine = this.engine.get();

		Path work = TemporaryFolders.create("ganomaly-training");
		try (TrainableNetwork network = engine.create(spec)) {
			TrainingCheckpoint checkpoint = new TrainingCheckpoint(
				run.checkpointFolder() != null ? run.checkpointFolder() : work.resolve("checkpoint"));
			TrainingLoop loop = new TrainingLoop(run, listener);
			TrainingSummary summary;
			// the folder is this training's from its first state to the best epoch restored
			try (FolderLock held = checkpoint.lock()) {
				summary = loop.run(network, heldOut, validation, validationCount, checkpoint, Fingerprint.of(spec, run,
					planes).text());
				if (summary.canceled() && summary.bestEpoch() == 0) throw new CancellationException("training was " +
					"stopped before its first step: no model was written");
				if (checkpoint.hasBest(summary.bestEpoch())) network.restoreCheckpoint(checkpoint.best(summary
					.bestEpoch()));
			}
			loop.reestimateStatistics(network, heldOut);
			float[] scores = new float[validationCount];
			TrainingLoop.scoreAll(network, validation, validationCount, scores, null);
			PatchCalibration calibration = PatchCalibration.fromNormalScores(scores);
			network.exportSavedModel(work.resolve(ModelFile.SAVED_MODEL));
			String unconverged = TrainingOutcomes.networkWarning(summary.diverged(), summary.converged(), summary
				.bestEpoch(), run.score());
			if (unconverged != null) listener.warning(unconverged);
			Manifest trained = new Manifest(Manifest.FORMAT_VERSION, Manifest.PROGRAM, spec, run.normalization(),
				calibration, PatchCalibration.DEFAULT_THRESHOLD, TrainingReport.of(Map.of()));
			deleteExcept(work, work.resolve(ModelFile.SAVED_MODEL));
			// the network scoring as users will: loaded from the exported SavedModel
			LazyNetwork scoring = new LazyNetwork(this.engine, work.resolve(ModelFile.SAVED_MODEL), spec, Precision.FLOAT32,
				null);
			try {
				Calibrator.Result calibrated = new Calibrator(run, listener).calibrate(scoring, trained, heldOut, planes);
				Manifest done = new Manifest(trained.formatVersion(), trained.createdBy(), spec, trained.normalization(),
					calibration, PatchCalibration.DEFAULT_THRESHOLD, summary.report(validationCount, engine.description(),
						calibrated.blocks(), sources(data)), calibrated.scoring());
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
	 * The model of a score that needs no network: the texture statistics fitted and calibrated on every
	 * plane; no engine, no held-out share, no epochs.
	 */
	private TrainedModel withoutNetwork(TrainingSettings run, NetworkSpec spec, List<NormalizedPlane> planes,
		TrainingData data)
	{
		long start = System.nanoTime();
		if (run.resume()) listener.warning("resume: the " + run.score().id() + " score trains no network, so there " +
			"is nothing to resume; an earlier network training's checkpoint is kept (give the score it was trained " +
			"for, e.g. --score latent, to resume it)");
		Calibrator.Result calibrated = new Calibrator(run, listener).calibrateTexture(planes, spec.patchSize());
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("network", "none: the " + run.score().id() + " score needs none");
		figures.put("planes", planes.size());
		figures.put("seconds", (System.nanoTime() - start) / 1e9);
		figures.put("texture_calibration_blocks", calibrated.blocks().texture());
		TrainingReport training = new TrainingReport(sources(data), null, calibrated.blocks().warning(), figures);
		Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, Manifest.PROGRAM, spec, run.normalization(), null,
			PatchCalibration.DEFAULT_THRESHOLD, training, calibrated.scoring());
		return new TrainedModel(manifest, TemporaryFolders.create("ganomaly-training"), new LazyNetwork(engine, null,
			spec, Precision.FLOAT32, null));
	}

	/** The kinds of the training images' pixels, and the channels picked from them when a selection. */
	private static TrainingReport.Sources sources(TrainingData data) {
		return new TrainingReport.Sources(data.samples().stream().map(s -> PixelTypes.of(s.image())).distinct().sorted()
			.toList(), data.sourceChannels(), data.sourceChannels().isEmpty() ? 0 : data.sourceChannelCount());
	}

	/**
	 * The score a training of {@code data} with {@code settings} makes its model's: the one asked for,
	 * else the one {@link ScoreKind#forPlanes} picks for planes of the training planes' median area.
	 * Whether it {@linkplain ScoreKind#needsNetwork() needs the network} says whether a network is trained.
	 *
	 * @throws IllegalArgumentException if {@code data} is empty
	 */
	public static ScoreKind score(TrainingSettings settings, TrainingData data) {
		if (data.size() == 0) throw new IllegalArgumentException(EMPTY);
		if (settings.score() != null) return settings.score();
		long[] areas = data.samples().stream().mapToLong(s -> s.image().dimension(0) * (s.image().numDimensions() > 1
			? s.image().dimension(1) : 1)).sorted().toArray();
		return ScoreKind.forPlanes(areas[areas.length / 2], settings.patchSize());
	}

	/** {@code settings} with the score of {@link #score(TrainingSettings, TrainingData)} (said to the listener if picked). */
	private TrainingSettings withScore(TrainingSettings settings, TrainingData data) {
		if (settings.score() != null) return settings;
		ScoreKind score = score(settings, data);
		listener.phase("score: " + score.id() + (score == ScoreKind.COMBINED ? " (the training images are about one " +
			"patch: texture and the network's density together)" : " (the training images hold several patches: " +
			"local image statistics; no network is trained)"));
		return settings.copy().score(score);
	}

	private List<NormalizedPlane> normalize(TrainingData data) {
		if (data.size() == 0) throw new IllegalArgumentException(EMPTY);
		List<NormalizedPlane> planes = new ArrayList<>();
		int p = settings.patchSize();
		for (TrainingData.Sample s : data.samples()) {
			var img = s.image();
			if (img.numDimensions() < 2 || img.dimension(0) < p || img.dimension(1) < p)
				throw new IllegalArgumentException("input: " + s.name() + " is " + img.dimension(0) + "x" +
					(img.numDimensions() > 1 ? img.dimension(1) : 1) + " pixels, smaller than the patch of " + p + "x" + p +
					"; use a smaller patchSize or larger images");
			long channels = img.numDimensions() > 2 ? img.dimension(2) : 1;
			if (channels > NetworkSpec.MAX_CHANNELS) throw new IllegalArgumentException("input: " + s.name() + " has " + channels +
				" channels; GANomaly models take 1 to " + NetworkSpec.MAX_CHANNELS + " (choose some with the channels option)");
			NormalizedPlane plane;
			try {
				plane = PlaneNormalizer.apply(settings.normalization(), img, s.name());
			}
			catch (IllegalArgumentException e) { // a pixel the normalisation refuses: named as the other refusals of an input
				throw Refusals.of(TrainingData.KEY, e);
			}
			if (!planes.isEmpty() && plane.channels() != planes.get(0).channels())
				throw new IllegalArgumentException("input: " + s.name() + " has " + plane.channels() + " channel(s), but " +
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
