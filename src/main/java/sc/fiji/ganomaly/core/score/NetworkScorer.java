package sc.fiji.ganomaly.core.score;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.math.MapFilters;
import sc.fiji.ganomaly.core.plane.SlidingWindow;
import sc.fiji.ganomaly.core.plane.Tile;
import sc.fiji.ganomaly.core.plane.TileSource;
import sc.fiji.ganomaly.core.plane.TiledPlane;
import sc.fiji.ganomaly.engine.PatchBatch;

/**
 * Scores planes with the network's sliding window, tile by tile: each plane is cut into bands of
 * window rows and each band into blocks of window columns, each block is normalised on its own (with
 * the plane's intensity mapping) and scored, and map rows are written out as soon as no later window
 * covers them. Working memory is bounded by the tile size, not by the plane; the windows, and so the
 * map, are those of scoring the plane at once, for any tile size and batch size.
 */
final class NetworkScorer implements Scorer {

	/**
	 * Network calls of one plane in flight at once: two overlapping calls beat one by 0–7 % on an
	 * idle machine and by 20–28 % beside other work (docs/benchmarks.md, "Calls in flight").
	 */
	static final int IN_FLIGHT = 2;

	/** Threads running the calls in flight (daemons, ended after a minute idle). */
	private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(r -> {
		Thread t = new Thread(r, "ganomaly-scoring");
		t.setDaemon(true);
		return t;
	});

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
	 * The maps of several planes through one pipeline of network calls, so that the windows of small
	 * planes share calls. A plane of several bands is flushed band by band as {@link #map} does; the
	 * planes of one band each (those no larger than a tile) are flushed once every window is scored,
	 * so their tiles and maps are held until then: the caller bounds their number.
	 */
	@Override
	public List<RawMap> maps(List<TiledPlane> planes, ProgressListener listener) {
		int p = patch, count = planes.size();
		Windows[] windows = new Windows[count];
		long total = 0, done = 0;
		for (int k = 0; k < count; k++) {
			windows[k] = new Windows(planes.get(k));
			total += windows[k].count();
		}
		Pipeline pipeline = new Pipeline(count, (int) Math.max(1, Math.min(batchSize, total)));
		Batch batch = pipeline.take();
		for (int k = 0; k < count; k++) {
			Windows w = windows[k];
			TiledPlane plane = planes.get(k);
			pipeline.targets[k] = new MapAccumulator(w.map, w.bandRows());
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
								pipeline.launch(batch);
								batch = pipeline.take();
								if (listener.isCanceled()) {
									pipeline.cancel();
									return null;
								}
							}
						}
				}
				if (w.oneBand()) continue;
				if (batch.size() > 0) {
					done += batch.size();
					pipeline.launch(batch);
					batch = pipeline.take();
				}
				pipeline.drain();
				pipeline.targets[k].flushUntil(b + 2 < bands.length ? ys[endRow] : plane.height());
				listener.progress(done, total);
			}
		}
		if (batch.size() > 0) {
			done += batch.size();
			pipeline.launch(batch);
		}
		pipeline.drain();
		List<RawMap> maps = new ArrayList<>(count);
		for (int k = 0; k < count; k++) {
			Windows w = windows[k];
			if (w.oneBand()) pipeline.targets[k].flushUntil(planes.get(k).height());
			if (smoothing > 0) MapFilters.gaussian(w.map.values(), w.map.width(), w.map.height(), smoothing);
			maps.add(new RawMap(w.map, pipeline.best[k], w.count()));
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

	/**
	 * Network calls of one plane, up to {@link #IN_FLIGHT} at once on {@link #EXECUTOR} threads
	 * while the caller fills the next batch; results are added to the map in launch order, so the
	 * map is that of one call at a time to the bit. A model limited to one TensorFlow thread runs
	 * one call at a time, on the caller's thread.
	 */
	private final class Pipeline {

		private final ArrayDeque<Batch> free = new ArrayDeque<>();
		private final ArrayDeque<Flight> flying = new ArrayDeque<>();
		/** Per plane: where its windows' values are added, and the highest raw value of one window. */
		final MapAccumulator[] targets;
		final float[] best;
		private final int maxFlying;

		Pipeline(int planes, int capacity) {
			this.targets = new MapAccumulator[planes];
			this.best = new float[planes];
			java.util.Arrays.fill(best, Float.NEGATIVE_INFINITY);
			this.maxFlying = network.spec().threads() == 1 ? 1 : IN_FLIGHT;
			// one batch per call in flight, and one more to fill meanwhile when calls run on other threads
			for (int i = 0; i < (maxFlying == 1 ? 1 : maxFlying + 1); i++)
				free.add(new Batch(capacity));
		}

		/** An empty batch, waiting for the oldest call if none is free. */
		Batch take() {
			if (free.isEmpty()) finish(flying.poll());
			return free.poll();
		}

		/** Starts scoring a full (or a band's last) batch. */
		void launch(Batch batch) {
			if (maxFlying == 1) {
				batch.evaluate();
				done(batch);
				return;
			}
			if (flying.size() >= maxFlying) finish(flying.poll());
			flying.add(new Flight(batch, EXECUTOR.submit(batch::evaluate)));
		}

		/** Waits for every call, adding their results in order. */
		void drain() {
			while (!flying.isEmpty())
				finish(flying.poll());
		}

		/** Waits for every call and drops the results. */
		void cancel() {
			for (Flight f : flying)
				await(f, false);
			flying.clear();
		}

		private void finish(Flight f) {
			await(f, true);
			done(f.batch());
		}

		private void done(Batch batch) {
			batch.accumulate(targets, best);
			batch.clear();
			free.add(batch);
		}

		/** Waits for a call; a failed call (with {@code rethrow}) is rethrown once every other call has ended. */
		private void await(Flight f, boolean rethrow) {
			try {
				f.future().get();
			}
			catch (ExecutionException e) {
				if (!rethrow) return;
				cancel();
				Throwable cause = e.getCause();
				if (cause instanceof RuntimeException r) throw r;
				if (cause instanceof Error err) throw err;
				throw new IllegalStateException(cause);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				if (!rethrow) return;
				cancel();
				throw new IllegalStateException("interrupted while scoring", e);
			}
		}
	}

	/** A batch being scored. */
	private record Flight(Batch batch, Future<?> future) {}

	/**
	 * Windows waiting to be scored: where they lie in the plane and in which tile. Scoring copies
	 * them from their tiles straight into the engine's input memory, the one copy of the pixels.
	 */
	private final class Batch {

		private final int length;
		private final PatchValues patchValues;
		private final Tile[] tiles;
		private final int[] owner, px, py;
		private int n;

		Batch(int capacity) {
			this.length = patch * patch * channels;
			this.patchValues = values.apply(capacity);
			this.tiles = new Tile[capacity];
			this.owner = new int[capacity];
			this.px = new int[capacity];
			this.py = new int[capacity];
		}

		/** Adds the window at ({@code x}, {@code y}) of plane {@code plane}, whose pixels {@code tile} holds. */
		void add(int plane, Tile tile, int x, int y) {
			owner[n] = plane;
			tiles[n] = tile;
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
			java.util.Arrays.fill(tiles, 0, n, null);
			n = 0;
		}

		/** Copies the windows into a batch of the engine and runs the network on it. */
		void evaluate() {
			try (PatchBatch batch = patchValues.batch(n)) {
				for (int i = 0; i < n; i++)
					tiles[i].plane().copyPatch(px[i] - tiles[i].x0(), py[i] - tiles[i].y0(), patch, batch, (long) i * length);
				patchValues.evaluate(batch);
			}
		}

		/**
		 * Adds the raw values of the last evaluation to their planes' maps, raising each plane's
		 * highest raw window value in {@code best}.
		 */
		void accumulate(MapAccumulator[] targets, float[] best) {
			patchValues.accumulate(px, py, owner, targets, best);
		}
	}
}
