package sc.fiji.ganomaly.core.train;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;

import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.calibrate.MapCalibration;
import sc.fiji.ganomaly.core.calibrate.NormalBlocks;
import sc.fiji.ganomaly.core.math.DensityModel;
import sc.fiji.ganomaly.core.model.Manifest;
import sc.fiji.ganomaly.core.model.Scoring;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.core.plane.TileSource;
import sc.fiji.ganomaly.core.score.LazyNetwork;
import sc.fiji.ganomaly.core.score.Scorer;
import sc.fiji.ganomaly.core.score.Scorers;
import sc.fiji.ganomaly.core.texture.TextureModel;
import sc.fiji.ganomaly.engine.NetworkSpec;

/**
 * Measures, after training, how every score's maps look on normal data: fits the density score's
 * Gaussian and the texture model, then each score's map scale and image threshold
 * ({@link MapCalibration}) on normal maps the score was not fitted to (for the texture score, as
 * {@link TextureCalibration} measures it; for the combined score, on the held-out regions with the
 * texture part by cross-fitted texture models); for a model without a network, the texture score
 * alone.
 */
final class Calibrator {

	/** Pixels of normal data scored for the calibration at most. */
	static final long MAX_CALIBRATION_PIXELS = 4L << 20;
	/** Training patches whose latent codes fit the density score's Gaussian. */
	static final int DENSITY_PATCHES = 4096;
	/** Folds of the texture score's cross-fitted calibration at most. */
	static final int TEXTURE_FOLDS = 5;
	/** The residual map's Gaussian smoothing in pixels per pixel of the patch side. */
	static final double SIGMA_PER_PATCH = 1 / 16.0;
	/**
	 * The density map's weight in the combined map: of the weights measured on Fashion-MNIST and MNIST
	 * one-class over ten classes and two seeds (docs/benchmarks.md, "The density weight"), the one
	 * that keeps every class nearest its best single score.
	 */
	static final double DENSITY_WEIGHT = 1.5;

	private final TrainingSettings settings;
	private final ProgressListener listener;

	Calibrator(TrainingSettings settings, ProgressListener listener) {
		this.settings = settings;
		this.listener = listener;
	}

	/** The scoring of a trained model and the normal blocks its thresholds rest on. */
	record Result(Scoring scoring, TrainingSummary.CalibrationBlocks blocks) {}

	/**
	 * Measures every score's map scale and image threshold: the network's scores on the held-out
	 * regions, scored as users score planes (sliding window at stride patch/4), after fitting the
	 * density score's Gaussian to latent codes of training patches; the texture score as
	 * {@link #calibrateTexture} does.
	 *
	 * @param manifest the trained model's manifest, without scoring
	 */
	Result calibrate(LazyNetwork network, Manifest manifest, HeldOut data, List<NormalizedPlane> planes) {
		listener.phase("calibrating scores on held-out normal data");
		NetworkSpec spec = manifest.spec();
		int p = spec.patchSize(), stride = Math.max(1, p / 4);
		DensityModel density = fitDensity(network, data, spec);
		long referenceArea = medianArea(planes);
		// after the epochs a cancel has been answered: the best epoch is kept and calibrated whatever comes;
		// progress counts the texture statistics as one part and each network score's maps as one
		ProgressListener work = ProgressListener.uncancelable(listener);
		int parts = 1 + (int) java.util.Arrays.stream(ScoreKind.values()).filter(ScoreKind::needsNetwork).count(), part = 0;
		TextureCalibration.Texture texture = new TextureCalibration(settings, listener).texture(planes, p, referenceArea,
			ProgressListener.part(work, part++, parts));
		Map<ScoreKind, MapCalibration> calibrations = new EnumMap<>(ScoreKind.class);
		calibrations.put(ScoreKind.TEXTURE, texture.calibration());
		int networkBlocks = 0;
		// in the enum's order: the combined score after the texture and density scores it is made of
		for (ScoreKind kind : ScoreKind.values()) {
			if (!kind.needsNetwork()) continue;
			Scoring raw = new Scoring(kind, rawCalibrations(kind, calibrations, p), density, SIGMA_PER_PATCH * p,
				DENSITY_WEIGHT, texture.model());
			HeldOutMaps heldOut = kind == ScoreKind.COMBINED ? new WithFoldTexture(manifest, raw, network, texture.folds(),
				stride) : new OfTheRegion(Scorers.of(manifest.withScoring(raw), network, stride, Scorers.BATCH,
					Scorers.TILE));
			long scored = 0;
			// a pixel reaches the windows that cover it and the residual's smoothing (and, combined, the texture's windows)
			int reach = p + (int) Math.ceil(3 * SIGMA_PER_PATCH * p);
			NormalBlocks blocks = new NormalBlocks(p, pixelStep(data.validation().stream().mapToLong(r -> (long) r.width() *
				r.height()).sum()), heldOut.reach(reach));
			ProgressListener maps = ProgressListener.part(work, part++, parts);
			List<Region> regions = data.validation();
			for (int i = 0; i < regions.size() && scored < MAX_CALIBRATION_PIXELS; i++) {
				Region r = regions.get(i);
				AnomalyMap map = heldOut.map(r);
				scored += (long) map.width() * map.height();
				blocks.add(map, r.plane(), r.x0(), r.y0());
				maps.progress(i + 1, regions.size());
			}
			maps.progress(regions.size(), regions.size()); // regions beyond the pixels calibrated count as done
			calibrations.put(kind, blocks.measure(settings.falsePositiveRate(), referenceArea, List.of()));
			networkBlocks = blocks.size();
		}
		// the model's score is one of the network's (a texture model has none): its blocks are the held-out share's
		String warning = fewBlocksWarning(networkBlocks, false, p, referenceArea);
		return new Result(new Scoring(settings.score(), calibrations, density, SIGMA_PER_PATCH * p, DENSITY_WEIGHT,
			texture.model()), new TrainingSummary.CalibrationBlocks(networkBlocks, texture.blocks(), warning));
	}

	/** How a network score's maps of held-out regions are made for its calibration. */
	private interface HeldOutMaps {

		/** The map of a held-out region, as a user's map of the region's plane would show it there. */
		AnomalyMap map(Region r);

		/** How far a pixel's value reaches in the map, given the network's windows' reach {@code network}. */
		int reach(int network);
	}

	/** A score of the network alone: the region scored by itself. */
	private record OfTheRegion(Scorer scorer) implements HeldOutMaps {

		@Override
		public AnomalyMap map(Region r) {
			return scorer.map(r.width(), r.height(), TileSource.of(r), ProgressListener.NONE).map();
		}

		@Override
		public int reach(int network) {
			return network;
		}
	}

	/**
	 * The combined score: its texture part by a texture model that none of the region's pixels fitted
	 * (the region's fold's), reading the plane around the region as a user's map of the plane does.
	 */
	private record WithFoldTexture(Manifest manifest, Scoring raw, LazyNetwork network, TextureFolds folds, int stride)
		implements HeldOutMaps
	{

		@Override
		public AnomalyMap map(Region r) {
			Scorer scorer = Scorers.of(manifest.withScoring(withTexture(raw, folds.modelFor(r))), network, stride,
				Scorers.BATCH, Scorers.TILE);
			NormalizedPlane plane = r.plane();
			return scorer.map(plane.width(), plane.height(), TileSource.of(plane), ProgressListener.NONE).map().crop(r.x0(),
				r.y0(), r.width(), r.height());
		}

		@Override
		public int reach(int network) {
			return Math.max(network, raw.texture().reach());
		}
	}

	/**
	 * Fits and calibrates the texture score alone, for a model without a network: its model fitted to
	 * every normal plane, its calibration measured on cross-fitted maps of every normal plane (the
	 * texture model is cheap to fit, so its threshold rests on every normal pixel rather than on a
	 * held-out share), at least that of the kept model's own maps. Reports progress in maps and stops
	 * when the listener cancels: there is nothing to keep before the end.
	 *
	 * @throws CancellationException when cancelled (no model)
	 */
	Result calibrateTexture(List<NormalizedPlane> planes, int p) {
		long referenceArea = medianArea(planes);
		TextureCalibration.Texture texture = new TextureCalibration(settings, listener).texture(planes, p, referenceArea,
			listener);
		String warning = fewBlocksWarning(texture.blocks(), true, p, referenceArea);
		Scoring scoring = new Scoring(ScoreKind.TEXTURE, Map.of(ScoreKind.TEXTURE, texture.calibration()), null,
			SIGMA_PER_PATCH * p, DENSITY_WEIGHT, texture.model());
		return new Result(scoring, new TrainingSummary.CalibrationBlocks(0, texture.blocks(), warning));
	}

	/**
	 * The warning for a default score whose threshold rests on fewer than {@link MapCalibration#MIN_BLOCKS}
	 * normal blocks (said to the listener), or null.
	 *
	 * @param byTexture the blocks are the texture score's (every normal plane), not the held-out share's
	 */
	private String fewBlocksWarning(int blocks, boolean byTexture, int p, long referenceArea) {
		if (blocks >= MapCalibration.MIN_BLOCKS) return null;
		long perPlane = Math.max(1, referenceArea / ((long) p * p));
		long more = (long) Math.ceil((MapCalibration.MIN_BLOCKS - blocks) / (double) perPlane / (byTexture ? 1
			: settings.validationFraction()));
		String warning = "the image threshold rests on " + blocks + (byTexture ? " normal blocks (of every " +
			"training plane) of " : " held-out normal blocks of ") + p + "x" + p +
			" pixels; at least " + MapCalibration.MIN_BLOCKS + " are needed for a stable threshold (about " + more +
			" more normal plane" + (more == 1 ? " like these" : "s like these") + (byTexture ? "" : ", or a larger validation fraction") + ")";
		listener.warning(warning);
		return warning;
	}

	/**
	 * The calibrations a score's raw maps are computed with: placeholders, except the texture and
	 * density calibrations the combined score's maps are made of (measured before it).
	 */
	private static Map<ScoreKind, MapCalibration> rawCalibrations(ScoreKind kind, Map<ScoreKind, MapCalibration> measured,
		int p)
	{
		Map<ScoreKind, MapCalibration> raw = new EnumMap<>(ScoreKind.class);
		if (kind == ScoreKind.COMBINED) raw.putAll(measured);
		raw.put(kind, MapCalibration.placeholder(p));
		return raw;
	}

	private static Scoring withTexture(Scoring s, TextureModel texture) {
		return new Scoring(s.score(), s.calibrations(), s.density(), s.residualSigma(), s.densityWeight(), texture);
	}

	/** Every how many map pixels the median's sample takes, for about a megapixel of {@code pixels}. */
	static int pixelStep(long pixels) {
		return (int) Math.max(1, pixels / (1L << 20));
	}

	/** The Gaussian of latent codes of training patches (no augmentation, seeded). */
	private DensityModel fitDensity(LazyNetwork network, HeldOut data, NetworkSpec spec) {
		int n = DENSITY_PATCHES, nz = spec.nz(), batchSize = Scorers.BATCH;
		PatchSampler sampler = new PatchSampler(data.training(), spec.patchSize(), false, new Random(settings.seed() + 5));
		float[] batch = new float[batchSize * spec.patchLength()], codes = new float[n * nz], out = new float[batchSize * nz];
		for (int first = 0; first < n; first += batchSize) {
			int m = Math.min(batchSize, n - first);
			sampler.fill(batch, m);
			network.get().latent(batch, m, out);
			System.arraycopy(out, 0, codes, first * nz, m * nz);
		}
		return DensityModel.fit(codes, n, nz);
	}

	static long medianArea(List<NormalizedPlane> planes) {
		long[] areas = planes.stream().mapToLong(p -> (long) p.width() * p.height()).sorted().toArray();
		return areas[areas.length / 2];
	}
}
