package sc.fiji.ganomaly.core.score;

import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.model.Manifest;
import sc.fiji.ganomaly.core.model.Scoring;

/** Puts raw maps on a model's calibrated scale, where 1 is the threshold. */
public final class ScoreScale {

	private ScoreScale() {}

	/**
	 * The plane's score from its raw map, calibrated in place: models with image scoring put the map
	 * on the plane's scale (1 = threshold for a plane of its size) and score the map's maximum; models
	 * without calibrate per patch and score the highest patch.
	 */
	public static PlaneScore calibrate(RawMap raw, Manifest manifest) {
		Scoring s = manifest.scoring();
		float[] v = raw.map().values();
		if (s == null) {
			manifest.calibration().applyInPlace(v, v.length);
			return new PlaneScore(manifest.calibration().apply(raw.bestPatch()), raw.map().max(), raw.map(), raw.patches());
		}
		s.calibration().applyInPlace(v, (long) raw.map().width() * raw.map().height());
		float max = raw.map().max();
		return new PlaneScore(max, max, raw.map(), raw.patches());
	}
}
