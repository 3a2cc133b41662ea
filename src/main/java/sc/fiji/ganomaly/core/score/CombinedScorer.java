package sc.fiji.ganomaly.core.score;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.calibrate.MapCalibration;
import sc.fiji.ganomaly.core.plane.TileSource;
import sc.fiji.ganomaly.core.plane.TiledPlane;

/**
 * The combined score's maps: the texture map plus the model's weight times the density map, each
 * first put on its own calibrated scale for the plane's size (0 = median normal pixel, 1 = its
 * threshold), so that neither score's units decide the mix.
 */
final class CombinedScorer implements Scorer {

	private final Scorer texture, density;
	private final MapCalibration textureCalibration, densityCalibration;
	private final float densityWeight;

	CombinedScorer(Scorer texture, MapCalibration textureCalibration, Scorer density,
		MapCalibration densityCalibration, double densityWeight)
	{
		this.densityWeight = (float) densityWeight;
		this.texture = texture;
		this.density = density;
		this.textureCalibration = textureCalibration;
		this.densityCalibration = densityCalibration;
	}

	@Override
	public RawMap map(int width, int height, TileSource source, ProgressListener listener) {
		List<RawMap> maps = maps(List.of(new TiledPlane(width, height, source)), listener);
		return maps == null ? null : maps.get(0);
	}

	@Override
	public List<RawMap> maps(List<TiledPlane> planes, ProgressListener listener) {
		List<RawMap> textures = texture.maps(planes, ProgressListener.part(listener, 0, 2));
		if (textures == null) return null;
		List<RawMap> densities = density.maps(planes, ProgressListener.part(listener, 1, 2));
		if (densities == null) return null;
		List<RawMap> maps = new ArrayList<>(planes.size());
		for (int k = 0; k < planes.size(); k++)
			maps.add(sum(textures.get(k), densities.get(k)));
		return maps;
	}

	/** The texture map plus the weighted density map, each on its calibrated scale, into the first. */
	private RawMap sum(RawMap t, RawMap d) {
		AnomalyMap map = t.map();
		long area = (long) map.width() * map.height();
		float[] sum = map.values(), v = d.map().values();
		textureCalibration.applyInPlace(sum, area);
		densityCalibration.applyInPlace(v, area);
		for (int i = 0; i < sum.length; i++)
			sum[i] += densityWeight * v[i];
		return new RawMap(map, map.max(), d.patches());
	}
}
