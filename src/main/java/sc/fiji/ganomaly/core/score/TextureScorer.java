package sc.fiji.ganomaly.core.score;

import java.util.List;

import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.plane.TileSource;
import sc.fiji.ganomaly.core.plane.TiledPlane;
import sc.fiji.ganomaly.core.texture.TextureModel;

/**
 * The texture score's maps: local statistics of the plane, tile by tile, without the network, on
 * at most the model's threads (0: every core).
 */
final class TextureScorer implements Scorer {

	private final TextureModel texture;
	private final int threads;

	TextureScorer(TextureModel texture, int threads) {
		this.texture = texture;
		this.threads = threads;
	}

	@Override
	public RawMap map(int width, int height, TileSource source, ProgressListener listener) {
		AnomalyMap map = texture.map(width, height, source, listener, threads);
		return map == null ? null : new RawMap(map, map.max(), 0);
	}

	@Override
	public List<RawMap> maps(List<TiledPlane> planes, ProgressListener listener) {
		List<AnomalyMap> maps = texture.maps(planes, listener, threads);
		return maps == null ? null : maps.stream().map(m -> new RawMap(m, m.max(), 0)).toList();
	}
}
