package sc.fiji.ganomaly.core.score;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.math.MapFilters;
import sc.fiji.ganomaly.core.plane.SlidingWindow;
import sc.fiji.ganomaly.core.plane.Tile;
import sc.fiji.ganomaly.core.plane.TileSource;
import sc.fiji.ganomaly.core.plane.TiledPlane;

/**
 * Scores planes with the network's sliding window, tile by tile: each plane is cut into bands of
 * window rows and each band into blocks of window columns, each block is normalised on its own (with
 * the plane's intensity mapping) and scored, and map rows are written out as soon as no later window
 * covers them. Working memory is bounded by the tile size, not by the plane (planes of one band
 * scored together: by their number); the windows, and so the map, are those of scoring the plane at
 * once, for any tile size, batch size and planes scored with it.
 */
final class NetworkScorer implements Scorer {

	private final LazyNetwork network;
	private final IntFunction<PatchValues> values;
	private final int patch, channels, stride, batchSize, tileSize;
	private final double smoothing;

	/**
	 * @param values    the score's values for a batch of the given capacity (creates the network)
	 * @param smoothing Gaussian smoothing of the raw map in pixels (0: none)
	 */
	NetworkScorer(LazyNetwork network, IntFunction<PatchValues> values, int stride, int batchSize, int tileSize,
		double smoothing)
	{
		if (batchSize <= 0) throw new IllegalArgumentException("batch must hold at least one patch, not " + batchSize);
		this.network = network;
		this.values = values;
		this.patch = network.spec().patchSize();
		this.channels = network.spec().channels();
		this.stride = stride;
		this.batchSize = batchSize;
		this.tileSize = Math.max(tileSize, patch);
		this.smoothing = smoothing;
	}

	@Override
	public RawMap map(int width, int height, TileSource source, ProgressListener listener) {
		List<RawMap> maps = maps(List.of(new TiledPlane(width, height, source)), listener);
		return maps == null ? null : maps.get(0);
	}

	/**
	 * The maps of several planes through one {@link NetworkCalls}, so that the windows of small
	 * planes share calls. A plane of several bands is flushed band by band as {@link #map} does; the
	 * planes of one band each (those no larger than a tile) are flushed once every window is scored,
	 * so their sums and maps are held until then: the caller bounds their number.
	 */
	@Override
	public List<RawMap> maps(List<TiledPlane> planes, ProgressListener listener) {
		int count = planes.size();
		Windows[] windows = new Windows[count];
		long total = 0;
		for (int k = 0; k < count; k++) {
			windows[k] = new Windows(planes.get(k));
			total += windows[k].count();
		}
		NetworkCalls calls = new NetworkCalls(network.spec().threads(), count, (int) Math.max(1, Math.min(batchSize,
			total)), values, patch * patch * channels);
		try {
			return maps(planes, listener, windows, calls, total);
		}
		catch (RuntimeException | Error e) {
			// a tile that cannot be read, or no memory: the calls in flight end before the caller may close the network
			calls.cancel();
			throw e;
		}
	}

	/** {@link #maps(List, ProgressListener)} of the {@code windows} of {@code planes} through {@code calls}. */
	private List<RawMap> maps(List<TiledPlane> planes, ProgressListener listener, Windows[] windows, NetworkCalls calls,
		long total)
	{
		int p = patch, count = planes.size();
		long done = 0;
		NetworkCalls.Batch batch = calls.take();
		for (int k = 0; k < count; k++) {
			Windows w = windows[k];
			TiledPlane plane = planes.get(k);
			calls.targets[k] = new MapAccumulator(w.map, w.bandRows());
			int[] xs = w.xs, ys = w.ys, bands = w.bands, blocks = w.blocks;
			for (int b = 0; b + 1 < bands.length; b++) {
				int firstRow = bands[b], endRow = bands[b + 1];
				for (int c = 0; c + 1 < blocks.length; c++) {
					int firstColumn = blocks[c], endColumn = blocks[c + 1];
					int x0 = xs[firstColumn], y0 = ys[firstRow];
					Tile tile = plane.tiles().tile(x0, y0, xs[endColumn - 1] + p - x0, ys[endRow - 1] + p - y0);
					for (int i = firstRow; i < endRow; i++)
						for (int j = firstColumn; j < endColumn; j++) {
							batch.add(k, tile, xs[j], ys[i]);
							if (batch.full()) {
								done += batch.size();
								calls.launch(batch);
								batch = calls.take();
								if (listener.isCanceled()) {
									calls.cancel();
									return null;
								}
							}
						}
				}
				if (w.oneBand()) continue;
				if (batch.size() > 0) {
					done += batch.size();
					calls.launch(batch);
					batch = calls.take();
				}
				calls.drain();
				calls.targets[k].flushUntil(b + 2 < bands.length ? ys[endRow] : plane.height());
				if (b + 2 == bands.length) calls.targets[k] = null; // its sums are written: only the map is held
				listener.progress(done, total);
			}
		}
		if (batch.size() > 0) {
			done += batch.size();
			calls.launch(batch);
		}
		calls.drain();
		List<RawMap> maps = new ArrayList<>(count);
		for (int k = 0; k < count; k++) {
			Windows w = windows[k];
			if (w.oneBand()) calls.targets[k].flushUntil(planes.get(k).height());
			if (smoothing > 0) MapFilters.gaussian(w.map.values(), w.map.width(), w.map.height(), smoothing);
			maps.add(new RawMap(w.map, calls.best[k], w.count()));
		}
		listener.progress(done, total);
		return maps;
	}

	/**
	 * The windows of one plane: their positions, cut into bands of rows and blocks of columns that
	 * each span at most a tile, and the plane's map.
	 */
	private final class Windows {

		final int[] xs, ys, bands, blocks;
		final AnomalyMap map;

		Windows(TiledPlane plane) {
			xs = SlidingWindow.positions(plane.width(), patch, stride);
			ys = SlidingWindow.positions(plane.height(), patch, stride);
			bands = groups(ys, patch);
			blocks = groups(xs, patch);
			map = new AnomalyMap(plane.width(), plane.height());
		}

		long count() {
			return (long) xs.length * ys.length;
		}

		boolean oneBand() {
			return bands.length == 2;
		}

		/** The most rows of the plane that a band's windows cover. */
		int bandRows() {
			int rows = 0;
			for (int b = 0; b + 1 < bands.length; b++)
				rows = Math.max(rows, ys[bands[b + 1] - 1] + patch - ys[bands[b]]);
			return rows;
		}
	}

	/**
	 * Splits sorted window positions into runs whose windows span at most the tile size: returns
	 * the first index of each run and, last, the number of positions.
	 */
	int[] groups(int[] positions, int patch) {
		int[] starts = new int[positions.length + 1];
		int n = 0;
		for (int i = 0; i < positions.length;) {
			starts[n++] = i;
			int j = i + 1;
			while (j < positions.length && positions[j] + patch - positions[i] <= tileSize)
				j++;
			i = j;
		}
		starts[n++] = positions.length;
		return java.util.Arrays.copyOf(starts, n);
	}
}
