package sc.fiji.ganomaly.core.score;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import sc.fiji.ganomaly.core.plane.Tile;
import sc.fiji.ganomaly.engine.PatchBatch;
import sc.fiji.ganomaly.engine.ScoringNetwork;

/**
 * The network calls of a {@link NetworkScorer}: batches of windows, up to {@link #IN_FLIGHT} calls at
 * once on {@link #EXECUTOR} threads while the caller fills the next batch. Results are added to
 * their planes' maps in launch order, so every map is that of one call at a time to the bit. A
 * model limited to one TensorFlow thread runs one call at a time, on the caller's thread.
 */
final class NetworkCalls {

	/**
	 * Network calls in flight at once: two overlapping calls beat one by 0–7 % on an idle machine and
	 * by 20–28 % beside other work (docs/benchmarks.md, "Calls in flight").
	 */
	static final int IN_FLIGHT = 2;

	/** Threads running the calls in flight (daemons, ended after a minute idle). */
	private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(r -> {
		Thread t = new Thread(r, "ganomaly-scoring");
		t.setDaemon(true);
		return t;
	});


	private final ArrayDeque<Batch> free = new ArrayDeque<>();
	private final ArrayDeque<Flight> flying = new ArrayDeque<>();
	/** Per plane: where its windows' values are added, and the highest raw value of one window. */
	final MapAccumulator[] targets;
	final float[] best;
	private final int maxFlying;

	/**
	 * @param threads  the network's TensorFlow threads (1: one call at a time, on the caller's thread)
	 * @param planes   the planes whose maps the windows go to
	 * @param capacity windows per call
	 * @param values   the score's values for a batch of the given capacity
	 * @param length   floats of one window
	 */
	NetworkCalls(int threads, int planes, int capacity, IntFunction<PatchValues> values, int length) {
		this.targets = new MapAccumulator[planes];
		this.best = new float[planes];
		Arrays.fill(best, Float.NEGATIVE_INFINITY);
		this.maxFlying = threads == 1 ? 1 : IN_FLIGHT;
		// one batch per call in flight, and one more to fill meanwhile when calls run on other threads
		for (int i = 0; i < (maxFlying == 1 ? 1 : maxFlying + 1); i++)
			free.add(new Batch(values.apply(capacity), capacity, length));
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
		if (!rethrow) {
			waitQuietly(f.future());
			return;
		}
		try {
			waitFor(f.future());
		}
		catch (RuntimeException | Error e) {
			cancel();
			throw e;
		}
	}

	/** A batch being scored. */
	private record Flight(Batch batch, Future<?> future) {}

	/**
	 * The latent scores of the first {@code n} patches of {@code patches} (NHWC floats) into
	 * {@code scores}, in calls of at most {@code capacity} patches of about equal size, up to
	 * {@link #IN_FLIGHT} at once when the network has more than one thread (one at a time on the
	 * caller's thread otherwise): each patch's score is that of one call of all, to the bit.
	 */
	static void scorePatches(ScoringNetwork network, float[] patches, int n, float[] scores, int capacity) {
		int length = network.spec().patchLength(), calls = Math.max(1, (n + capacity - 1) / capacity);
		if (calls == 1 || network.spec().threads() == 1) {
			for (int first = 0, size = (n + calls - 1) / calls; first < n; first += size)
				scoreRange(network, patches, first, Math.min(size, n - first), length, scores);
			return;
		}
		ArrayDeque<Future<?>> flying = new ArrayDeque<>();
		try {
			for (int first = 0, size = (n + calls - 1) / calls; first < n; first += size) {
				if (flying.size() >= IN_FLIGHT) waitFor(flying.poll());
				int from = first, m = Math.min(size, n - first);
				flying.add(EXECUTOR.submit(() -> scoreRange(network, patches, from, m, length, scores)));
			}
			while (!flying.isEmpty())
				waitFor(flying.poll());
		}
		finally {
			// a failed call: the others end before the failure reaches the caller, who may close the network
			for (Future<?> f : flying)
				waitQuietly(f);
		}
	}

	/** Scores patches {@code first} to {@code first + m - 1} of {@code patches} into the same places of {@code scores}. */
	private static void scoreRange(ScoringNetwork network, float[] patches, int first, int m, int length,
		float[] scores)
	{
		float[] part = new float[m];
		try (PatchBatch batch = network.batch(m)) {
			batch.put(0, patches, first * length, m * length);
			network.score(batch, part, null);
		}
		System.arraycopy(part, 0, scores, first, m);
	}

	/** Waits for a call, rethrowing its failure as it was thrown. */
	private static void waitFor(Future<?> f) {
		try {
			f.get();
		}
		catch (ExecutionException e) {
			Throwable cause = e.getCause();
			if (cause instanceof RuntimeException r) throw r;
			if (cause instanceof Error err) throw err;
			throw new IllegalStateException(cause);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while scoring", e);
		}
	}

	/** Waits for a call, leaving its failure to whoever reports the first one. */
	private static void waitQuietly(Future<?> f) {
		try {
			f.get();
		}
		catch (ExecutionException e) {
			// another call's failure is being reported
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Windows waiting to be scored: where they lie in the plane and in which tile. Scoring copies
	 * them from their tiles straight into the engine's input memory, the one copy of the pixels.
	 */
	static final class Batch {

		private final int patch, length;
		private final PatchValues patchValues;
		private final Tile[] tiles;
		private final int[] owner, px, py;
		private int n;

		Batch(PatchValues patchValues, int capacity, int length) {
			this.patchValues = patchValues;
			this.patch = patchValues.patch;
			this.length = length;
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
			Arrays.fill(tiles, 0, n, null);
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
