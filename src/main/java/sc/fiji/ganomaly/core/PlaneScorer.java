package sc.fiji.ganomaly.core;

/**
 * Scores one plane with a sliding window, tile by tile: the plane is cut into bands of window rows
 * and each band into blocks of window columns, each block is normalised on its own (with the
 * plane's intensity mapping) and scored, and map rows are written out as soon as no later window
 * covers them. Working memory is bounded by the tile size, not by the plane; the windows, and so
 * the map, are those of scoring the plane at once.
 */
final class PlaneScorer {

	/** Largest tile side in pixels normalised at once: 1024 x 1024 floats per channel, 4 MiB. */
	static final int DEFAULT_TILE = 1024;

	/** Hands out normalised tiles of the plane being scored. */
	interface TileSource {

		/** The tile at ({@code x0}, {@code y0}) of {@code width} x {@code height} pixels, or a larger one holding it. */
		Tile tile(int x0, int y0, int width, int height);
	}

	/** A normalised tile and where its first pixel lies in the plane. */
	record Tile(NormalizedPlane plane, int x0, int y0) {}

	private final GanomalyModel model;
	private final int tileSize;
	private final boolean raw;

	PlaneScorer(GanomalyModel model, int tileSize) {
		this(model, tileSize, false);
	}

	/** @param raw leave the map on the score's raw scale (for calibration) */
	PlaneScorer(GanomalyModel model, int tileSize, boolean raw) {
		this.model = model;
		this.tileSize = Math.max(tileSize, model.patchSize());
		this.raw = raw;
	}

	/**
	 * Scores a plane of {@code width} x {@code height} pixels.
	 *
	 * @return the score and map, or null if {@code listener} cancelled
	 */
	PlaneScore score(int width, int height, TileSource source, int stride, ProgressListener listener) {
		int p = model.patchSize();
		if (stride <= 0 || stride > p) throw new IllegalArgumentException("stride must lie between 1 and the patch size " +
			p + ", not " + stride);
		TextureModel texture = model.textureScoring();
		if (texture != null) {
			// no network: local statistics of the plane, tile by tile
			AnomalyMap map = texture.map(width, height, source, listener);
			return map == null ? null : model.finish(map, map.max(), 0, raw);
		}
		int[] xs = SlidingWindow.positions(width, p, stride), ys = SlidingWindow.positions(height, p, stride);
		int[] bands = groups(ys, p), blocks = groups(xs, p);
		long total = (long) xs.length * ys.length, done = 0;
		int bandRows = 0;
		for (int b = 0; b + 1 < bands.length; b++)
			bandRows = Math.max(bandRows, ys[bands[b + 1] - 1] + p - ys[bands[b]]);
		AnomalyMap map = new AnomalyMap(width, height);
		MapAccumulator accumulator = new MapAccumulator(map, bandRows);
		Batch batch = new Batch(p, (int) Math.min(model.scoringBatch(), total), model.channels());
		float best = Float.NEGATIVE_INFINITY;
		for (int b = 0; b + 1 < bands.length; b++) {
			int firstRow = bands[b], endRow = bands[b + 1];
			for (int k = 0; k + 1 < blocks.length; k++) {
				int firstColumn = blocks[k], endColumn = blocks[k + 1];
				int x0 = xs[firstColumn], y0 = ys[firstRow];
				Tile tile = source.tile(x0, y0, xs[endColumn - 1] + p - x0, ys[endRow - 1] + p - y0);
				for (int i = firstRow; i < endRow; i++)
					for (int j = firstColumn; j < endColumn; j++) {
						batch.add(tile, xs[j], ys[i]);
						if (batch.full()) {
							best = Math.max(best, batch.score(accumulator));
							done += batch.size();
							batch.clear();
							if (listener.isCanceled()) return null;
						}
					}
			}
			if (batch.size() > 0) {
				best = Math.max(best, batch.score(accumulator));
				done += batch.size();
				batch.clear();
			}
			accumulator.flushUntil(b + 2 < bands.length ? ys[endRow] : height);
			listener.progress(done, total);
		}
		return model.finish(map, best, total, raw);
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

	/** Patches waiting to be scored, with where they lie in the plane. */
	private final class Batch {

		private final int patch, length;
		private final float[] data;
		private final PatchValues values;
		private final int[] px, py;
		private int n;

		Batch(int patch, int capacity, int channels) {
			this.patch = patch;
			this.length = patch * patch * channels;
			this.data = new float[capacity * length];
			this.values = model.patchValues(capacity);
			this.px = new int[capacity];
			this.py = new int[capacity];
		}

		void add(Tile tile, int x, int y) {
			tile.plane().copyPatch(x - tile.x0(), y - tile.y0(), patch, 0, data, n * length);
			px[n] = x;
			py[n] = y;
			n++;
		}

		boolean full() {
			return n == px.length;
		}

		int size() {
			return n;
		}

		void clear() {
			n = 0;
		}

		/** Scores the patches into the map (raw values); returns the highest raw patch value. */
		float score(MapAccumulator accumulator) {
			return values.add(data, n, px, py, accumulator);
		}
	}
}
