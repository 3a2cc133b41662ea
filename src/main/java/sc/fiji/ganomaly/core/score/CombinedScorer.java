package sc.fiji.ganomaly.core.score;

import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.calibrate.MapCalibration;
import sc.fiji.ganomaly.core.plane.TileSource;

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
		RawMap t = texture.map(width, height, source, new Half(listener, 0));
		if (t == null) return null;
		RawMap d = density.map(width, height, source, new Half(listener, 1));
		if (d == null) return null;
		long area = (long) width * height;
		float[] sum = t.map().values(), v = d.map().values();
		textureCalibration.applyInPlace(sum, area);
		densityCalibration.applyInPlace(v, area);
		for (int i = 0; i < sum.length; i++)
			sum[i] += densityWeight * v[i];
		AnomalyMap map = t.map();
		return new RawMap(map, map.max(), d.patches());
	}

	/**
	 * One of the two maps' progress as half of the combined map's: the texture map's first, the
	 * density map's second, so that progress only grows.
	 */
	private record Half(ProgressListener listener, int half) implements ProgressListener {

		@Override
		public void status(String message) {
			listener.status(message);
		}

		@Override
		public void progress(long done, long total) {
			listener.progress(half * total + done, 2 * total);
		}

		@Override
		public boolean isCanceled() {
			return listener.isCanceled();
		}
	}
}
