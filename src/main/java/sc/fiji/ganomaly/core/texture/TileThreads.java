package sc.fiji.ganomaly.core.texture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.function.IntToDoubleFunction;

/**
 * Work on tiles spread over the cores: each tile's task is made on the calling thread (which reads
 * the input) and run on a shared pool of one daemon thread per core, at most that many at once,
 * and the results are handed back on the calling thread in tile order. So results never depend on
 * the number of threads, memory is bounded by the tiles in flight, and listeners are only called
 * from the calling thread.
 */
final class TileThreads {

	/** Threads of the pool: the cores the JVM may use. */
	static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

	private static final class Pool {

		static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(THREADS, r -> {
			Thread t = new Thread(r, "ganomaly-tiles");
			t.setDaemon(true);
			return t;
		});
	}

	/** What is done with the result of each tile, in tile order, on the calling thread. */
	interface Sink<T> {

		/** Takes the result of tile {@code index}; false stops (as a cancellation). */
		boolean accept(int index, T result);
	}

	private TileThreads() {}

	/**
	 * The threads a caller's {@code threads} asks for: 0 every core, else at most that many.
	 *
	 * @throws IllegalArgumentException if {@code threads} is negative
	 */
	static int resolve(int threads) {
		if (threads < 0) throw new IllegalArgumentException("threads must be 0 (every core) or more, not " + threads);
		return threads == 0 ? THREADS : Math.min(threads, THREADS);
	}

	/**
	 * Runs {@code tasks.apply(i)} (made in order on this thread; null stops) for tiles 0 to
	 * {@code count - 1}, {@code threads} at a time, handing each result to {@code sink} in order.
	 *
	 * @return false if a task was null or the sink stopped; true once every tile is done
	 */
	static <T> boolean run(int count, int threads, IntFunction<Callable<T>> tasks, Sink<T> sink) {
		ArrayDeque<Future<T>> flight = new ArrayDeque<>();
		int next = 0, done = 0;
		try {
			while (done < count) {
				while (next < count && flight.size() < threads) {
					Callable<T> task = tasks.apply(next);
					if (task == null) return false;
					flight.add(threads == 1 ? completed(task) : Pool.EXECUTOR.submit(task));
					next++;
				}
				if (!sink.accept(done, get(flight.remove()))) return false;
				done++;
			}
			return true;
		}
		finally {
			awaitAll(flight);
		}
	}

	/**
	 * The results of {@code tasks.apply(i)} for i from 0 to {@code count - 1}, in that order. With
	 * {@code threads} above 1 they all go to the pool (one thread per core), the costliest by
	 * {@code cost} first so that the threads finish together, and the caller waits (so it must not be
	 * a thread of the pool); the results are the same on any number of threads.
	 */
	static <T> List<T> all(int count, int threads, IntToDoubleFunction cost, IntFunction<Callable<T>> tasks) {
		List<T> results = new ArrayList<>(Collections.nCopies(count, null));
		if (threads <= 1 || count <= 1) {
			for (int i = 0; i < count; i++)
				results.set(i, get(completed(tasks.apply(i))));
			return results;
		}
		Integer[] order = new Integer[count];
		for (int i = 0; i < count; i++)
			order[i] = i;
		Arrays.sort(order, Comparator.comparingDouble((Integer i) -> cost.applyAsDouble(i)).reversed());
		List<Future<T>> started = new ArrayList<>(Collections.nCopies(count, null));
		try {
			for (int i : order)
				started.set(i, Pool.EXECUTOR.submit(tasks.apply(i)));
			for (int i = 0; i < count; i++)
				results.set(i, get(started.get(i)));
			return results;
		}
		finally {
			awaitAll(started);
		}
	}

	/**
	 * Waits for every task started (null: never started), so that no work outlives the call that
	 * started it; their failures after the work was stopped are not handed on.
	 */
	private static void awaitAll(Iterable<? extends Future<?>> started) {
		for (Future<?> f : started)
			if (f != null) try {
				f.get();
			}
			catch (Exception ignored) {
				// failed after the work was stopped: nothing is handed on
			}
	}

	private static <T> Future<T> completed(Callable<T> task) {
		java.util.concurrent.FutureTask<T> f = new java.util.concurrent.FutureTask<>(task);
		f.run();
		return f;
	}

	private static <T> T get(Future<T> f) {
		try {
			return f.get();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while scoring tiles", e);
		}
		catch (ExecutionException e) {
			if (e.getCause() instanceof RuntimeException r) throw r;
			if (e.getCause() instanceof Error r) throw r;
			throw new IllegalStateException(e.getCause());
		}
	}
}
