package sc.fiji.ganomaly.core.train;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;

import sc.fiji.ganomaly.core.texture.BorderProfile;
import sc.fiji.ganomaly.core.texture.Intensities;
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
 * ({@link MapCalibration}) on normal maps the score was not fitted to (for the texture score, with
 * the kept model's own maps of its training planes as a floor of the threshold; for the combined
 * score, on the held-out regions with the texture part by cross-fitted texture models); for a model
 * without a network, the texture score alone.
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
	 * The texture score of normal planes: its model fitted to every plane, the cross-fitted folds, and
	 * its calibration on the folds' maps, at least that of the kept model's own maps.
	 *
	 * @param blocks the normal blocks the calibration rests on
	 */
	private record Texture(TextureModel model, TextureFolds folds, MapCalibration calibration, int blocks) {}

	/**
	 * Measures every score's map scale and image threshold: the network's scores on the held-out
	 * regions, scored as users score planes (sliding window at stride patch/4), after fitting the
	 * density score's Gaussian to latent codes of training patches; the texture score as
	 * {@link #calibrateTexture} does.
	 *
	 * @param manifest the trained model's manifest, without scoring
	 */
	Result calibrate(LazyNetwork network, Manifest manifest, HeldOut data, List<NormalizedPlane> planes) {
		listener.status("calibrating scores on held-out normal data");
		NetworkSpec spec = manifest.spec();
		int p = spec.patchSize(), stride = Math.max(1, p / 4);
		DensityModel density = fitDensity(network, data, spec);
		long referenceArea = medianArea(planes);
		// after the epochs a cancel has been answered: the best epoch is kept and calibrated whatever comes;
		// progress counts the texture statistics as one part and each network score's maps as one
		ProgressListener work = ProgressListener.uncancelable(listener);
		int parts = 1 + (int) java.util.Arrays.stream(ScoreKind.values()).filter(ScoreKind::needsNetwork).count(), part = 0;
		Texture texture = texture(planes, p, referenceArea, ProgressListener.part(work, part++, parts));
		Map<ScoreKind, MapCalibration> calibrations = new EnumMap<>(ScoreKind.class);
		calibrations.put(ScoreKind.TEXTURE, texture.calibration());
		int networkBlocks = 0;
		// in the enum's order: the combined score after the texture and density scores it is made of
		for (ScoreKind kind : ScoreKind.values()) {
			if (!kind.needsNetwork()) continue;
			Scoring raw = new Scoring(kind, rawCalibrations(kind, calibrations, p), density, SIGMA_PER_PATCH * p,
				DENSITY_WEIGHT, texture.model());
			Scorer shared = Scorers.of(manifest.withScoring(raw), network, stride, Scorers.BATCH, Scorers.TILE);
			long scored = 0;
			// a pixel reaches the windows that cover it and the residual's smoothing (and, combined, the texture's windows)
			int reach = p + (int) Math.ceil(3 * SIGMA_PER_PATCH * p);
			NormalBlocks blocks = new NormalBlocks(p, pixelStep(data.validation().stream().mapToLong(r -> (long) r.width() *
				r.height()).sum()), kind == ScoreKind.COMBINED ? Math.max(reach, texture.model().reach()) : reach);
			ProgressListener maps = ProgressListener.part(work, part++, parts);
			List<Region> regions = data.validation();
			for (int i = 0; i < regions.size() && scored < MAX_CALIBRATION_PIXELS; i++) {
				Region r = regions.get(i);
				// the combined maps' texture part by a texture model that none of the region's pixels fitted
				Scorer scorer = kind != ScoreKind.COMBINED ? shared : Scorers.of(manifest.withScoring(withTexture(raw,
					texture.folds().modelFor(r))), network, stride, Scorers.BATCH, Scorers.TILE);
				// a held-out band's texture statistics read the plane around it, as a user's map of the plane does
				NormalizedPlane plane = r.plane();
				AnomalyMap map = kind == ScoreKind.COMBINED ? scorer.map(plane.width(), plane.height(), TileSource.of(plane),
					ProgressListener.NONE).map().crop(r.x0(), r.y0(), r.width(), r.height()) : scorer.map(r.width(), r
						.height(), TileSource.of(r), ProgressListener.NONE).map();
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
		Texture texture = texture(planes, p, referenceArea, listener);
		String warning = fewBlocksWarning(texture.blocks(), true, p, referenceArea);
		Scoring scoring = new Scoring(ScoreKind.TEXTURE, Map.of(ScoreKind.TEXTURE, texture.calibration()), null,
			SIGMA_PER_PATCH * p, DENSITY_WEIGHT, texture.model());
		return new Result(scoring, new TrainingSummary.CalibrationBlocks(0, texture.blocks(), warning));
	}

	/**
	 * The texture model of {@code planes}, its folds and calibration; {@code work} hears progress (a
	 * share for the fits, then one for each map) and may cancel.
	 *
	 * @throws CancellationException when {@code work} cancels
	 */
	private Texture texture(List<NormalizedPlane> planes, int p, long referenceArea, ProgressListener work) {
		listener.status("fitting the texture statistics of " + planes.size() + " normal plane(s)");
		List<Region> whole = planes.stream().map(Region::of).toList();
		Intensities intensities = Intensities.median(planes);
		TextureFolds folds = TextureFolds.of(planes, p, TEXTURE_FOLDS, intensities, settings.seed() + 11, settings
			.threads());
		// the fits count as much as the maps of every plane
		int maps = folds.size() + planes.size(), steps = 2 * maps;
		work.progress(0, steps);
		TextureModel fitted = folds.fitAll(whole, settings.seed() + 7, work::isCanceled);
		if (fitted == null) throw stopped();
		work.progress(maps, steps);
		listener.status("calibrating the texture score on cross-fitted maps");
		// the kept model's own maps of its training planes show how normal maps run near the border
		List<AnomalyMap> own = ownTextureMaps(fitted, planes, ProgressListener.part(work, 1, 2), maps);
		BorderProfile border = BorderProfile.measure(own);
		TextureModel model = fitted.withBorder(border);
		folds.correctBorders(border);
		if (border != null) for (AnomalyMap m : own)
			border.apply(m.values(), m.width(), m.height());
		NormalBlocks blocks = textureMaps(folds, planes, p, ProgressListener.part(work, 1, 2), own.size(), maps);
		// spots unlike the rest are found where no model saw them, and left out of the kept model's maps too
		MapCalibration calibration = blocks.measure(settings.falsePositiveRate(), referenceArea, List.of()).atLeast(
			ownCalibration(model, own, planes, p, referenceArea, blocks.spots()));
		return new Texture(model, folds, calibration, blocks.size());
	}

	private static CancellationException stopped() {
		return new CancellationException("training was stopped before the texture statistics were calibrated: no model " +
			"was written");
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
		String warning = "warning: the image threshold rests on " + blocks + (byTexture ? " normal blocks (of every " +
			"training plane) of " : " held-out normal blocks of ") + p + "x" + p +
			" pixels; at least " + MapCalibration.MIN_BLOCKS + " are needed for a stable threshold (about " + more +
			" more normal plane" + (more == 1 ? " like these" : "s like these") + (byTexture ? "" : ", or a larger validation fraction") + ")";
		listener.status(warning);
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

	/**
	 * Raw texture maps of normal data none of whose pixels were fitted, for the texture score's
	 * calibration: each fold is scored by the texture model fitted to the other folds, reading its
	 * pixels with the whole plane as context. The texture model is cheap to fit, so its threshold
	 * rests on every normal pixel rather than on the network's held-out bands. {@code work} hears
	 * fold f's maps done as {@code done} + f + 1 of {@code maps} and may cancel them.
	 */
	private NormalBlocks textureMaps(TextureFolds folds, List<NormalizedPlane> planes, int p, ProgressListener work,
		int done, int maps)
	{
		NormalBlocks blocks = new NormalBlocks(p, pixelStep(planes.stream().mapToLong(q -> (long) q.width() * q.height())
			.sum()), folds.model(0).reach());
		long scored = 0;
		for (int f = 0; f < folds.size() && scored < MAX_CALIBRATION_PIXELS; f++) {
			TextureModel model = folds.model(f);
			for (Region r : folds.regions(f)) {
				if (scored >= MAX_CALIBRATION_PIXELS) break;
				NormalizedPlane plane = r.plane();
				AnomalyMap full = model.map(plane.width(), plane.height(), TileSource.of(plane), ProgressListener
					.cancellation(work), settings.threads());
				if (full == null) throw stopped();
				AnomalyMap map = full.crop(r.x0(), r.y0(), r.width(), r.height());
				scored += (long) map.width() * map.height();
				blocks.add(map, plane, r.x0(), r.y0());
			}
			work.progress(done + f + 1, maps);
		}
		return blocks;
	}

	/**
	 * The model's own raw maps of its training planes, in order, up to {@link #MAX_CALIBRATION_PIXELS}
	 * (the plane that passes it included). {@code work} hears each map as one more of {@code maps} and
	 * may cancel them.
	 */
	private List<AnomalyMap> ownTextureMaps(TextureModel texture, List<NormalizedPlane> planes, ProgressListener work,
		int maps)
	{
		List<AnomalyMap> own = new ArrayList<>();
		long scored = 0;
		for (NormalizedPlane plane : planes) {
			if (scored >= MAX_CALIBRATION_PIXELS) break;
			AnomalyMap map = texture.map(plane.width(), plane.height(), TileSource.of(plane), ProgressListener.cancellation(
				work), settings.threads());
			if (map == null) throw stopped();
			scored += (long) map.width() * map.height();
			own.add(map);
			work.progress(own.size(), maps);
		}
		return own;
	}

	/**
	 * The calibration of the model's own texture maps of the training planes ({@code own}, of the
	 * first of {@code planes}). The tail of a fitted mixture's scores differs from fit to fit (the
	 * plane maxima's 99th percentile by as much as the spread between the 95th and the 99th), so the
	 * cross-fitted folds' threshold need not hold for the model kept; its own maps of the planes it was
	 * fitted to (a sample of their pixels) show its tail, a little lower than on new planes. The texture
	 * threshold is the higher of the two (docs/benchmarks.md, "The texture score's stated
	 * false-positive rate"). Blocks overlapping {@code leaveOut} (spots of the cross-fitted maps unlike
	 * the rest) are left out.
	 */
	private MapCalibration ownCalibration(TextureModel texture, List<AnomalyMap> own, List<NormalizedPlane> planes,
		int p, long referenceArea, List<NormalBlocks.Spot> leaveOut)
	{
		NormalBlocks blocks = new NormalBlocks(p, pixelStep(planes.stream().mapToLong(q -> (long) q.width() * q.height())
			.sum()), texture.reach());
		for (int i = 0; i < own.size(); i++)
			blocks.add(own.get(i), planes.get(i), 0, 0);
		return blocks.measure(settings.falsePositiveRate(), referenceArea, leaveOut);
	}

	/** Every how many map pixels the median's sample takes, for about a megapixel of {@code pixels}. */
	private static int pixelStep(long pixels) {
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

	private static long medianArea(List<NormalizedPlane> planes) {
		long[] areas = planes.stream().mapToLong(p -> (long) p.width() * p.height()).sorted().toArray();
		return areas[areas.length / 2];
	}
}
