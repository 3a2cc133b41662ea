package sc.fiji.ganomaly.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.calibrate.MapCalibration;
import sc.fiji.ganomaly.core.calibrate.NormalBlocks;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.core.plane.TileSource;
import sc.fiji.ganomaly.core.texture.BorderProfile;
import sc.fiji.ganomaly.core.texture.Intensities;
import sc.fiji.ganomaly.core.texture.TextureModel;

/**
 * The texture score's part of {@link Calibrator}: its model fitted to every normal plane, its border
 * profile from the model's own maps of them, and its calibration on cross-fitted maps, at least that
 * of the model's own.
 */
final class TextureCalibration {

	private final TrainingSettings settings;
	private final ProgressListener listener;

	TextureCalibration(TrainingSettings settings, ProgressListener listener) {
		this.settings = settings;
		this.listener = listener;
	}

	/**
	 * The texture score of normal planes: its model fitted to every plane, the cross-fitted folds, and
	 * its calibration on the folds' maps, at least that of the kept model's own maps.
	 *
	 * @param blocks the normal blocks the calibration rests on
	 */
	record Texture(TextureModel model, TextureFolds folds, MapCalibration calibration, int blocks) {}

	/**
	 * The texture model of {@code planes}, its folds and calibration; {@code work} hears progress (a
	 * share for the fits, then one for each map) and may cancel.
	 *
	 * @throws CancellationException when {@code work} cancels
	 */
	Texture texture(List<NormalizedPlane> planes, int p, long referenceArea, ProgressListener work) {
		listener.status("fitting the texture statistics of " + planes.size() + " normal plane(s)");
		List<Region> whole = planes.stream().map(Region::of).toList();
		Intensities intensities = Intensities.median(planes);
		TextureFolds folds = TextureFolds.of(planes, p, Calibrator.TEXTURE_FOLDS, intensities, settings.seed() + 11, settings
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
		int step = Calibrator.pixelStep(planes.stream().mapToLong(q -> (long) q.width() * q.height()).sum());
		NormalBlocks blocks = textureMaps(folds, new NormalBlocks(p, step, model.reach()), ProgressListener.part(work, 1,
			2), own.size(), maps);
		// spots unlike the rest are found where no model saw them, and left out of the kept model's maps too
		MapCalibration calibration = blocks.measure(settings.falsePositiveRate(), referenceArea, List.of()).atLeast(
			ownCalibration(own, planes, new NormalBlocks(p, step, model.reach()), referenceArea, blocks.spots()));
		return new Texture(model, folds, calibration, blocks.size());
	}

	private static CancellationException stopped() {
		return new CancellationException("training was stopped before the texture statistics were calibrated: no model " +
			"was written");
	}

	/**
	 * Raw texture maps of normal data none of whose pixels were fitted, for the texture score's
	 * calibration: each fold is scored by the texture model fitted to the other folds, reading its
	 * pixels with the whole plane as context. The texture model is cheap to fit, so its threshold
	 * rests on every normal pixel rather than on the network's held-out bands. {@code work} hears
	 * fold f's maps done as {@code done} + f + 1 of {@code maps} and may cancel them; returns
	 * {@code blocks} with the maps added.
	 */
	private NormalBlocks textureMaps(TextureFolds folds, NormalBlocks blocks, ProgressListener work, int done, int maps) {
		long scored = 0;
		for (int f = 0; f < folds.size() && scored < Calibrator.MAX_CALIBRATION_PIXELS; f++) {
			TextureModel model = folds.model(f);
			for (Region r : folds.regions(f)) {
				if (scored >= Calibrator.MAX_CALIBRATION_PIXELS) break;
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
	 * The model's own raw maps of its training planes, in order, up to {@link Calibrator#MAX_CALIBRATION_PIXELS}
	 * (the plane that passes it included). {@code work} hears each map as one more of {@code maps} and
	 * may cancel them.
	 */
	private List<AnomalyMap> ownTextureMaps(TextureModel texture, List<NormalizedPlane> planes, ProgressListener work,
		int maps)
	{
		List<AnomalyMap> own = new ArrayList<>();
		long scored = 0;
		for (NormalizedPlane plane : planes) {
			if (scored >= Calibrator.MAX_CALIBRATION_PIXELS) break;
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
	 * the rest) are left out. {@code blocks} is empty.
	 */
	private MapCalibration ownCalibration(List<AnomalyMap> own, List<NormalizedPlane> planes, NormalBlocks blocks,
		long referenceArea, List<NormalBlocks.Spot> leaveOut)
	{
		for (int i = 0; i < own.size(); i++)
			blocks.add(own.get(i), planes.get(i), 0, 0);
		return blocks.measure(settings.falsePositiveRate(), referenceArea, leaveOut);
	}
}
