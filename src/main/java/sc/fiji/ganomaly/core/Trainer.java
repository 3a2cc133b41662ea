package sc.fiji.ganomaly.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.TrainableNetwork;
import sc.fiji.ganomaly.engine.TrainingLosses;

/**
 * The training loop: random patches of the training part, one engine step per batch, the
 * validation loss on fixed held-out patches after each epoch, the best epoch kept, and finally
 * the score calibration measured on the held-out patches with the best weights.
 */
final class Trainer {

	/** At most this many held-out patches are scored after each epoch. */
	static final int MAX_VALIDATION_PATCHES = 4096;
	/** With this many planes or more, whole planes are held out; with fewer, a band of each plane. */
	static final int MIN_PLANES_TO_HOLD_OUT = 10;

	private final Settings settings;
	private final Engine engine;
	private final ProgressListener listener;

	Trainer(Settings settings, Engine engine, ProgressListener listener) {
		this.settings = settings.copy().validate();
		this.engine = engine;
		this.listener = listener == null ? ProgressListener.NONE : listener;
	}

	/** Held-out and training regions. */
	record Split(List<Region> training, List<Region> validation) {}

	GanomalyModel train(TrainingData data) {
		List<NormalizedPlane> planes = normalize(data);
		int channels = planes.get(0).channels();
		NetworkSpec spec = settings.networkSpec(channels);
		Split split = split(planes, settings.patchSize(), settings.validationFraction(), new Random(settings.seed()));
		float[] validation = validationPatches(split.validation(), spec);
		int validationCount = validation.length / spec.patchLength();

		Path work = TemporaryFolders.create("ganomaly-training");
		try (TrainableNetwork network = engine.create(spec)) {
			TrainingCheckpoint checkpoint = new TrainingCheckpoint(
				settings.checkpointFolder() != null ? settings.checkpointFolder() : work.resolve("checkpoint"));
			Map<String, Object> summary = loop(network, split, validation, validationCount, checkpoint,
				fingerprint(spec, planes.size()));
			if (checkpoint.hasBest()) network.restoreCheckpoint(checkpoint.best());
			reestimateStatistics(network, split);
			float[] scores = new float[validationCount];
			scoreAll(network, validation, validationCount, scores, null);
			ScoreCalibration calibration = ScoreCalibration.fromNormalScores(scores);
			network.exportSavedModel(work.resolve(ModelFile.SAVED_MODEL));
			summary.put("validation_patches", validationCount);
			summary.put("engine", engine.description());
			convergence(summary);
			Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, Manifest.PROGRAM, spec, settings.normalization(),
				calibration, ScoreCalibration.DEFAULT_THRESHOLD, summary);
			deleteExcept(work, work.resolve(ModelFile.SAVED_MODEL));
			GanomalyModel base = GanomalyModel.open(new ModelFile.Unpacked(manifest, work), engine);
			try {
				return calibrate(base, manifest, split, planes, spec);
			}
			catch (RuntimeException | Error e) {
				base.close();
				throw e;
			}
		}
		catch (RuntimeException | Error e) {
			TemporaryFolders.delete(work);
			throw e;
		}
	}

	/** Pixels of held-out data scored for the calibration at most. */
	static final long MAX_CALIBRATION_PIXELS = 4L << 20;
	/** Training patches whose latent codes fit the density score's Gaussian. */
	static final int DENSITY_PATCHES = 4096;

	/**
	 * Measures every score's map scale and image threshold on the held-out regions, scored as
	 * users score planes (sliding window at stride patch/4), after fitting the density score's
	 * Gaussian to latent codes of training patches. Returns the model that owns {@code base}'s files.
	 */
	private GanomalyModel calibrate(GanomalyModel base, Manifest manifest, Split split, List<NormalizedPlane> planes,
		NetworkSpec spec)
	{
		listener.status("calibrating scores on held-out normal data");
		int p = spec.patchSize(), stride = Math.max(1, p / 4);
		double sigma = p / 16.0;
		DensityModel density = fitDensity(base, split, spec);
		List<Region> whole = planes.stream().map(Region::of).toList();
		TextureModel.Intensities intensities = TextureModel.Intensities.median(planes);
		TextureModel texture = TextureModel.fit(whole, intensities, settings.seed() + 7);
		long referenceArea = medianArea(planes);
		Map<Score, MapCalibration> calibrations = new EnumMap<>(Score.class);
		Map<Score, Integer> blockCounts = new EnumMap<>(Score.class);
		for (Score kind : Score.values()) {
			FloatList pixels = new FloatList(), maxima = new FloatList();
			if (kind == Score.TEXTURE) textureMaps(planes, intensities, p, pixels, maxima);
			else {
				ImageScoring raw = new ImageScoring(kind, Map.of(kind, MapCalibration.placeholder(p)), density, sigma, texture);
				GanomalyModel view = base.withManifest(manifest.withScoring(raw), false);
				long scored = 0;
				int step = (int) Math.max(1, split.validation().stream().mapToLong(r -> (long) r.width() * r.height())
					.sum() / (1L << 20));
				for (Region r : split.validation()) {
					if (scored >= MAX_CALIBRATION_PIXELS) break;
					AnomalyMap map = view.scoreRaw(r, stride).map();
					scored += (long) map.width() * map.height();
					addBlocks(map, p, step, pixels, maxima);
				}
			}
			calibrations.put(kind, MapCalibration.measure(pixels.values, pixels.size, maxima.values, maxima.size, p,
				settings.falsePositiveRate(), referenceArea));
			blockCounts.put(kind, maxima.size);
		}
		int blocks = blockCounts.get(Score.LATENT);
		Map<String, Object> summary = new LinkedHashMap<>(manifest.training());
		summary.put("calibration_blocks", blocks);
		summary.put("texture_calibration_blocks", blockCounts.get(Score.TEXTURE));
		// the texture score is calibrated on every normal plane (cross-fitted), the others on the held-out share
		boolean byTexture = settings.score() == Score.TEXTURE;
		if (byTexture) blocks = blockCounts.get(Score.TEXTURE);
		if (blocks < MapCalibration.MIN_BLOCKS) {
			long perPlane = Math.max(1, referenceArea / ((long) p * p));
			long more = (long) Math.ceil((MapCalibration.MIN_BLOCKS - blocks) / (double) perPlane /
				(byTexture ? 1 : settings.validationFraction()));
			String warning = "warning: the image threshold rests on " + blocks + " held-out normal blocks of " + p + "x" + p +
				" pixels; at least " + MapCalibration.MIN_BLOCKS + " are needed for a stable threshold (about " + more +
				" more normal planes like these" + (byTexture ? "" : ", or a larger validation fraction") + ")";
			summary.put("calibration_warning", warning);
			listener.status(warning);
		}
		ImageScoring scoring = new ImageScoring(settings.score(), calibrations, density, sigma, texture);
		Manifest done = new Manifest(manifest.formatVersion(), manifest.createdBy(), manifest.spec(),
			manifest.normalization(), manifest.calibration(), ScoreCalibration.DEFAULT_THRESHOLD, summary, scoring);
		return base.withManifest(done, true);
	}

	/** Folds of the texture score's cross-fitted calibration at most. */
	static final int TEXTURE_FOLDS = 5;

	/**
	 * Raw texture maps of normal data none of whose pixels were fitted, for the texture score's
	 * calibration: the training planes fall into up to {@value #TEXTURE_FOLDS} folds (a single plane
	 * into its top and bottom halves), each fold is scored by a texture model fitted to the other
	 * folds, reading its pixels with the whole plane as context. The texture model is cheap to fit,
	 * so its threshold rests on every normal pixel rather than on the network's held-out bands.
	 */
	private void textureMaps(List<NormalizedPlane> planes, TextureModel.Intensities intensities, int p,
		FloatList pixels, FloatList maxima)
	{
		List<List<Region>> folds = new ArrayList<>();
		if (planes.size() == 1) {
			NormalizedPlane plane = planes.get(0);
			int half = plane.height() / 2;
			if (half < p) throw new IllegalArgumentException("the texture score's calibration needs two normal planes, " +
				"or one at least " + 2 * p + " pixels high");
			folds.add(List.of(new Region(plane, 0, 0, plane.width(), half)));
			folds.add(List.of(new Region(plane, 0, half, plane.width(), plane.height() - half)));
		}
		else {
			int k = Math.min(TEXTURE_FOLDS, planes.size());
			for (int f = 0; f < k; f++)
				folds.add(new ArrayList<>());
			for (int i = 0; i < planes.size(); i++)
				folds.get(i % k).add(Region.of(planes.get(i)));
		}
		long total = planes.stream().mapToLong(q -> (long) q.width() * q.height()).sum();
		int step = (int) Math.max(1, total / (1L << 20));
		long scored = 0;
		for (int f = 0; f < folds.size() && scored < MAX_CALIBRATION_PIXELS; f++) {
			List<Region> rest = new ArrayList<>();
			for (int g = 0; g < folds.size(); g++)
				if (g != f) rest.addAll(folds.get(g));
			TextureModel model = TextureModel.fit(rest, intensities, settings.seed() + 11 + f);
			for (Region r : folds.get(f)) {
				if (scored >= MAX_CALIBRATION_PIXELS) break;
				NormalizedPlane plane = r.plane();
				AnomalyMap full = model.map(plane.width(), plane.height(), (x0, y0, w, h) -> new PlaneScorer.Tile(plane, 0, 0),
					ProgressListener.NONE);
				AnomalyMap map = new AnomalyMap(r.width(), r.height());
				for (int y = 0; y < r.height(); y++)
					System.arraycopy(full.values(), (r.y0() + y) * full.width() + r.x0(), map.values(), y * r.width(), r.width());
				scored += (long) map.width() * map.height();
				addBlocks(map, p, step, pixels, maxima);
			}
		}
	}

	/** Adds every {@code step}-th map pixel and the maxima of the map's whole blocks of {@code p × p}. */
	private static void addBlocks(AnomalyMap map, int p, int step, FloatList pixels, FloatList maxima) {
		float[] v = map.values();
		for (int i = 0; i < v.length; i += step)
			pixels.add(v[i]);
		for (int by = 0; by + p <= map.height(); by += p)
			for (int bx = 0; bx + p <= map.width(); bx += p) {
				float m = Float.NEGATIVE_INFINITY;
				for (int y = by; y < by + p; y++)
					for (int x = bx; x < bx + p; x++)
						m = Math.max(m, v[y * map.width() + x]);
				maxima.add(m);
			}
	}

	/** The Gaussian of latent codes of training patches (no augmentation, seeded). */
	private DensityModel fitDensity(GanomalyModel model, Split split, NetworkSpec spec) {
		int n = DENSITY_PATCHES, nz = spec.nz(), batchSize = GanomalyModel.SCORING_BATCH;
		PatchSampler sampler = new PatchSampler(split.training(), spec.patchSize(), false, new Random(settings.seed() + 5));
		float[] batch = new float[batchSize * spec.patchLength()], codes = new float[n * nz], out = new float[batchSize * nz];
		for (int first = 0; first < n; first += batchSize) {
			int m = Math.min(batchSize, n - first);
			sampler.fill(batch, m);
			model.latent(batch, m, out);
			System.arraycopy(out, 0, codes, first * nz, m * nz);
		}
		return DensityModel.fit(codes, n, nz);
	}

	private static long medianArea(List<NormalizedPlane> planes) {
		long[] areas = planes.stream().mapToLong(p -> (long) p.width() * p.height()).sorted().toArray();
		return areas[areas.length / 2];
	}

	/**
	 * Marks trainings whose validation loss was still falling clearly at the end: the mean loss of
	 * the last third of the epochs more than 5 % below that of the middle third. (The loss of single
	 * epochs swings by several per cent, so single epochs are not compared.)
	 */
	private void convergence(Map<String, Object> summary) {
		@SuppressWarnings("unchecked")
		List<Double> losses = (List<Double>) summary.get("validation_losses");
		boolean converged = converged(losses);
		summary.put("converged", converged);
		if (!converged) listener.status("warning: training has not converged: the validation loss was still falling " +
			"in the last epochs; train longer (more epochs or patches per epoch)");
	}

	/** See {@link #convergence}; true with fewer than 3 epochs (nothing to compare). */
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

	/** What must not change between a training and its resumption. */
	private String fingerprint(NetworkSpec spec, int planes) {
		return spec.patchSize() + "/" + spec.channels() + "/" + spec.nz() + "/" + spec.ngf() + "/" + spec.ndf() + "/" +
			spec.extraLayers() + "/" + spec.wAdv() + "/" + spec.wCon() + "/" + spec.wEnc() + "/" + spec.learningRate() +
			"/seed " + spec.seed() + "/batch " + settings.batchSize() + "/patches " + settings.patchesPerEpoch() + "/" +
			settings.augment() + "/" + settings.normalization() + "/" + settings.validationFraction() + "/planes " + planes +
			// the scoring mode sets the validation loss; named only when not the default, so that
			// checkpoints written before it existed still resume
			(NetworkSpec.DEFAULT_SCORING.equals(spec.scoringNormalization()) ? "" : "/scoring " + spec.scoringNormalization());
	}

	private Map<String, Object> loop(TrainableNetwork network, Split split, float[] validation, int validationCount,
		TrainingCheckpoint checkpoint, String fingerprint)
	{
		NetworkSpec spec = network.spec();
		int batchSize = settings.batchSize(), epochs = settings.epochs();
		long perEpoch = settings.patchesPerEpoch() > 0 ? settings.patchesPerEpoch() : Settings.AUTO_PATCHES_PER_EPOCH;
		int steps = (int) Math.max(1, Math.round(perEpoch / (double) batchSize));
		float[] batch = new float[batchSize * spec.patchLength()];
		double bestLoss = Double.POSITIVE_INFINITY;
		int bestEpoch = 0, resets = 0, epochsRun = 0, first = 1;
		boolean canceled = false;
		long start = System.nanoTime();
		List<Double> validationLosses = new ArrayList<>();
		if (settings.resume()) {
			TrainingCheckpoint.State state = checkpoint.resume(network, fingerprint);
			first = state.epoch() + 1;
			epochsRun = state.epoch();
			bestLoss = state.bestLoss();
			bestEpoch = state.bestEpoch();
			resets = state.resets();
			validationLosses.addAll(state.validationLosses());
			listener.status("resuming after epoch " + state.epoch());
		}
		for (int epoch = first; epoch <= epochs && !canceled; epoch++) {
			long epochStart = System.nanoTime();
			// each epoch draws from its own seeded stream, so that a resumed run draws the same patches
			PatchSampler sampler = new PatchSampler(split.training(), settings.patchSize(), settings.augment(),
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
				if (!Float.isFinite(losses.generator())) throw new IllegalStateException("training diverged at epoch " +
					epoch + " (generator loss " + losses.generator() + "); try a lower learning rate");
				g += losses.generator();
				d += losses.discriminator();
				if (losses.discriminatorReset()) resets++;
				done++;
				listener.progress((long) (epoch - 1) * steps + step + 1, (long) epochs * steps);
			}
			if (done == 0) break;
			epochsRun = epoch;
			double seconds = (System.nanoTime() - epochStart) / 1e9;
			double loss = validationLoss(network, validation, validationCount);
			validationLosses.add(loss);
			boolean improved = loss < bestLoss;
			if (improved) {
				bestLoss = loss;
				bestEpoch = epoch;
				network.saveCheckpoint(checkpoint.best());
			}
			if (done == steps && settings.checkpointFolder() != null) checkpoint.save(network, new TrainingCheckpoint.State(epoch, bestLoss, bestEpoch, resets,
				new ArrayList<>(validationLosses), fingerprint));
			double elapsed = (System.nanoTime() - start) / 1e9;
			int epochsHere = epoch - first + 1;
			listener.epochFinished(new EpochSummary(epoch, epochs, g / done, d / done, loss, improved,
				done * batchSize / seconds, elapsed / epochsHere * (epochs - epoch), resets));
		}
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("epochs_planned", epochs);
		summary.put("epochs_run", epochsRun);
		summary.put("canceled", canceled);
		summary.put("best_epoch", bestEpoch);
		summary.put("best_validation_loss", bestLoss);
		summary.put("validation_losses", validationLosses);
		summary.put("steps_per_epoch", steps);
		summary.put("batch_size", batchSize);
		summary.put("discriminator_resets", resets);
		summary.put("augment", settings.augment());
		summary.put("statistics_batches", settings.statisticsBatches());
		summary.put("seconds", (System.nanoTime() - start) / 1e9);
		return summary;
	}

	/** Moves the generator's batch-norm statistics to those of the final weights on training patches. */
	private void reestimateStatistics(TrainableNetwork network, Split split) {
		if (settings.statisticsBatches() == 0) return;
		listener.status("re-estimating batch-norm statistics");
		PatchSampler sampler = new PatchSampler(split.training(), settings.patchSize(), false,
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

	private static void scoreAll(TrainableNetwork network, float[] patches, int count, float[] scores, float[] errors) {
		int length = network.spec().patchLength();
		float[] batch = new float[GanomalyModel.SCORING_BATCH * length];
		float[] s = new float[GanomalyModel.SCORING_BATCH], e = new float[GanomalyModel.SCORING_BATCH];
		for (int first = 0; first < count; first += GanomalyModel.SCORING_BATCH) {
			int n = Math.min(GanomalyModel.SCORING_BATCH, count - first);
			System.arraycopy(patches, first * length, batch, 0, n * length);
			network.score(batch, n, s, errors == null ? null : e);
			System.arraycopy(s, 0, scores, first, n);
			if (errors != null) System.arraycopy(e, 0, errors, first, n);
		}
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
			NormalizedPlane plane = settings.normalization().apply(img, s.name());
			if (!planes.isEmpty() && plane.channels() != planes.get(0).channels())
				throw new IllegalArgumentException(s.name() + " has " + plane.channels() + " channel(s), but " +
					data.samples().get(0).name() + " has " + planes.get(0).channels() + "; all training images need the same channels");
			planes.add(plane);
			listener.status("Normalised " + planes.size() + "/" + data.size() + " training images");
		}
		return planes;
	}

	/**
	 * Holds out whole planes when there are many; otherwise a bottom band of each plane tall
	 * enough for one patch (planes too short to split are used for both).
	 */
	static Split split(List<NormalizedPlane> planes, int patch, double fraction, Random random) {
		List<Region> training = new ArrayList<>(), validation = new ArrayList<>();
		if (planes.size() >= MIN_PLANES_TO_HOLD_OUT) {
			List<NormalizedPlane> shuffled = new ArrayList<>(planes);
			Collections.shuffle(shuffled, random);
			int held = Math.max(1, (int) Math.round(fraction * planes.size()));
			for (int i = 0; i < shuffled.size(); i++)
				(i < held ? validation : training).add(Region.of(shuffled.get(i)));
			return new Split(training, validation);
		}
		List<NormalizedPlane> unsplit = new ArrayList<>();
		for (NormalizedPlane plane : planes) {
			int band = Math.max(patch, (int) Math.round(fraction * plane.height()));
			if (plane.height() - band < patch) {
				unsplit.add(plane);
				continue;
			}
			training.add(new Region(plane, 0, 0, plane.width(), plane.height() - band));
			validation.add(new Region(plane, 0, plane.height() - band, plane.width(), band));
		}
		// planes too short to split are trained on only, so that held-out data is never trained on;
		// if no plane could be split, they serve for both (the calibration then warns of too few blocks)
		for (NormalizedPlane plane : unsplit) {
			training.add(Region.of(plane));
			if (unsplit.size() == planes.size()) validation.add(Region.of(plane));
		}
		return new Split(training, validation);
	}

	/** A fixed set of held-out patches: every region in turn, positions drawn with a fixed seed. */
	private float[] validationPatches(List<Region> regions, NetworkSpec spec) {
		int p = spec.patchSize();
		long positions = regions.stream().mapToLong(r -> r.positions(p)).sum();
		int count = (int) Math.min(MAX_VALIDATION_PATCHES, Math.max(Math.min(positions, 64), Math.max(regions.size(),
			Math.min(positions, 512))));
		float[] patches = new float[count * spec.patchLength()];
		Random random = new Random(settings.seed() + 2);
		for (int i = 0; i < count; i++) {
			Region r = regions.get(i % regions.size());
			int x = r.x0() + random.nextInt(r.width() - p + 1), y = r.y0() + random.nextInt(r.height() - p + 1);
			r.plane().copyPatch(x, y, p, 0, patches, i * spec.patchLength());
		}
		return patches;
	}

	private static void deleteExcept(Path folder, Path keep) {
		try (var list = Files.list(folder)) {
			list.filter(p -> !p.equals(keep)).forEach(p -> {
				if (Files.isDirectory(p)) ModelFile.deleteFolder(p);
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
