package sc.fiji.ganomaly.core.score;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.plane.TileSource;
import sc.fiji.ganomaly.core.plane.TiledPlane;

/**
 * Computes the raw anomaly map of one plane with one kind of score: the network's sliding window
 * ({@link NetworkScorer}) or the texture statistics ({@link TextureScorer}). {@link Scorers#of} gives
 * a model's scorer; {@link ScoreScale} puts its maps on the model's calibrated scale.
 */
public interface Scorer {

	/**
	 * The raw map of a {@code width × height} plane read tile by tile from {@code source}, or null if
	 * {@code listener} cancelled.
	 */
	RawMap map(int width, int height, TileSource source, ProgressListener listener);

	/**
	 * The raw maps of several planes, in order, the same as {@link #map} gives for each, or null if
	 * {@code listener} cancelled; scorers that can do the planes' work together (windows of several
	 * planes in one network call, small planes side by side on the cores) do. Every plane's map is
	 * held until the last is done: the caller bounds their number.
	 */
	default List<RawMap> maps(List<TiledPlane> planes, ProgressListener listener) {
		List<RawMap> maps = new ArrayList<>(planes.size());
		for (int k = 0; k < planes.size(); k++) {
			TiledPlane plane = planes.get(k);
			RawMap map = map(plane.width(), plane.height(), plane.tiles(), ProgressListener.part(listener, k, planes
				.size()));
			if (map == null) return null;
			maps.add(map);
		}
		return maps;
	}
}
