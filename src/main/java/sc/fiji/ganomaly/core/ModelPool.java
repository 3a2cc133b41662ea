package sc.fiji.ganomaly.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.model.ModelFile;
import sc.fiji.ganomaly.core.api.ScoreKind;

/**
 * Loaded models shared by every caller of one JVM or SciJava context: a model file is loaded once
 * and handed out as {@link Lease}s. A model is closed only when it is out of the pool (evicted,
 * replaced by a changed file, or the pool closed) <em>and</em> no lease on it is open, so a running
 * call always finishes with the model it started with. The pool keeps at most a few models, by
 * count and by size, evicting the least recently used. A file is shared by the leases that ask for
 * the same TensorFlow threads and precision (Spark's executors ask for their own).
 * <p>
 * Thread-safe. Loading happens outside the pool's lock; threads asking for a model that is being
 * loaded wait for that one load.
 *
 * <pre>
 * try (ModelPool.Lease lease = pool.lease(Paths.get("cells.ganomaly.zip"))) {
 *     PlaneScore s = lease.model().score(plane, 8, "cells");
 * }
 * </pre>
 */
public final class ModelPool implements AutoCloseable {

	/** Models kept by default. */
	public static final int DEFAULT_MAX_MODELS = 4;
	/** Unpacked model bytes kept by default. */
	public static final long DEFAULT_MAX_BYTES = 2L << 30;

	private final int maxModels;
	private final long maxBytes;
	private final int threads;
	/** Access-ordered: the first entry is the least recently used. */
	private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
	private boolean closed;

	/** A pool with the default bounds and automatic TensorFlow threads. */
	public ModelPool() {
		this(DEFAULT_MAX_MODELS, DEFAULT_MAX_BYTES, 0);
	}

	/**
	 * @param maxModels models kept loaded (at least 1)
	 * @param maxBytes  unpacked bytes kept loaded; the newest model is kept even if larger
	 * @param threads   TensorFlow intra-op threads of the models leased without threads of their own, 0 for
	 *                  automatic
	 */
	public ModelPool(int maxModels, long maxBytes, int threads) {
		if (maxModels < 1) throw new IllegalArgumentException("maxModels must be at least 1, not " + maxModels);
		this.maxModels = maxModels;
		this.maxBytes = maxBytes;
		this.threads = threads;
	}

	/**
	 * A lease on the model of {@code file}, loaded now or shared with earlier callers. A file
	 * changed since it was loaded (time or size) is loaded again. Close the lease when done.
	 *
	 * @throws IllegalArgumentException naming the file and what is wrong with it
	 */
	public Lease lease(Path file) {
		return lease(file, null);
	}

	/**
	 * {@link #lease(Path)} for a caller that will score with {@code score} (null: the model's own): a
	 * model loaded now loads its network only if that score uses one ({@link GanomalyModel#load(Path,
	 * int, String, ScoreKind)}); a shared model creates it at its first network score.
	 *
	 * @throws IllegalArgumentException naming the file and what is wrong with it
	 */
	public Lease lease(Path file, ScoreKind score) {
		return lease(file, threads, null, score);
	}

	/**
	 * {@link #lease(Path, ScoreKind)} of the model loaded with {@code threads} TensorFlow threads (0:
	 * automatic) scoring in {@code precision} (null: the JVM's setting), shared only with leases that
	 * ask for the same.
	 *
	 * @throws IllegalArgumentException naming the file and what is wrong with it, or the precision
	 */
	public Lease lease(Path file, int threads, String precision, ScoreKind score) {
		Key key = Key.of(file, threads, precision);
		Entry entry;
		boolean load = false;
		synchronized (this) {
			if (closed) throw new IllegalStateException("the model pool is closed");
			entry = entries.get(key);
			if (entry == null) {
				entry = new Entry(key);
				entries.put(key, entry);
				load = true;
			}
			entry.leases++;
		}
		long loadNanos = -1;
		if (load) {
			try {
				long start = System.nanoTime();
				GanomalyModel model = GanomalyModel.load(key.path(), threads, precision, score);
				loadNanos = System.nanoTime() - start;
				entry.bytes = unpackedBytes(model);
				entry.loaded.complete(model);
			}
			catch (RuntimeException | Error e) {
				synchronized (this) {
					entries.remove(key, entry);
				}
				entry.loaded.completeExceptionally(e);
			}
		}
		GanomalyModel model;
		try {
			model = entry.loaded.join();
		}
		catch (CompletionException e) {
			synchronized (this) {
				entry.leases--;
			}
			if (e.getCause() instanceof RuntimeException r) throw r;
			if (e.getCause() instanceof Error err) throw err;
			throw e;
		}
		List<Entry> evicted;
		synchronized (this) {
			evicted = evictBeyondBounds(entry);
		}
		closeUnused(evicted);
		return new Lease(entry, model, loadNanos < 0 ? -1 : loadNanos / 1_000_000);
	}

	/** Models loaded now. */
	public synchronized int size() {
		return entries.size();
	}

	/** Unpacked bytes of the models loaded now. */
	public synchronized long bytes() {
		return entries.values().stream().mapToLong(e -> e.bytes).sum();
	}

	/**
	 * Closes every model not in use now; models in use are closed when their last lease is. Later
	 * {@link #lease} calls fail.
	 */
	@Override
	public void close() {
		List<Entry> all;
		synchronized (this) {
			closed = true;
			all = new ArrayList<>(entries.values());
			entries.clear();
			for (Entry e : all)
				e.evicted = true;
		}
		closeUnused(all);
	}

	/** Takes entries out of the pool, least recently used first, until it is within bounds. */
	private List<Entry> evictBeyondBounds(Entry keep) {
		List<Entry> evicted = new ArrayList<>();
		// a changed file replaces its older versions
		for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
			Entry e = it.next();
			if (e != keep && keep.key.replaces(e.key) && e.loaded.isDone()) {
				it.remove();
				e.evicted = true;
				evicted.add(e);
			}
		}
		for (Iterator<Entry> it = entries.values().iterator(); it.hasNext() &&
			(entries.size() > maxModels || bytes() > maxBytes);)
		{
			Entry e = it.next();
			if (e == keep || !e.loaded.isDone()) continue;
			it.remove();
			e.evicted = true;
			evicted.add(e);
		}
		return evicted;
	}

	private void closeUnused(List<Entry> evicted) {
		for (Entry e : evicted) {
			boolean close;
			synchronized (this) {
				close = e.leases == 0 && !e.closed && e.loaded.isDone() && !e.loaded.isCompletedExceptionally();
				if (close) e.closed = true;
			}
			if (close) e.loaded.join().close();
		}
	}

	private void release(Entry e) {
		boolean close;
		synchronized (this) {
			e.leases--;
			close = e.leases == 0 && e.evicted && !e.closed;
			if (close) e.closed = true;
		}
		if (close) e.loaded.join().close();
	}

	private static long unpackedBytes(GanomalyModel model) {
		try (Stream<Path> files = Files.walk(model.folder())) {
			return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum(); // 0 if unreadable
		}
		catch (IOException | UncheckedIOException e) {
			return 0;
		}
	}

	/** One use of a pooled model; closing it tells the pool that this use is over. */
	public final class Lease implements AutoCloseable {

		private final Entry entry;
		private final GanomalyModel model;
		private final long loadMillis;
		private boolean released;

		private Lease(Entry entry, GanomalyModel model, long loadMillis) {
			this.entry = entry;
			this.model = model;
			this.loadMillis = loadMillis;
		}

		/** Milliseconds the call that made this lease took to load its model; -1 if it shared a loaded one. */
		public long loadMillis() {
			return loadMillis;
		}

		/** The model; valid until this lease is closed. */
		public GanomalyModel model() {
			if (released) throw new IllegalStateException("this lease on " + entry.key.path() + " is closed");
			return model;
		}

		@Override
		public synchronized void close() {
			if (released) return;
			released = true;
			release(entry);
		}
	}

	/** A file as it was when loaded, and how it was loaded. */
	private record Key(Path path, FileTime modified, long size, int threads, String precision) {

		static Key of(Path file, int threads, String precision) {
			ModelFile.requireFile(file);
			Path abs = file.toAbsolutePath().normalize();
			try {
				return new Key(abs, Files.getLastModifiedTime(abs), Files.size(abs), threads, precision);
			}
			catch (IOException e) {
				throw new IllegalArgumentException("model: file " + file + " cannot be read (" + e.getMessage() + ")");
			}
		}

		/** True if {@code older} is an earlier version of this file (loaded in any way). */
		boolean replaces(Key older) {
			return path.equals(older.path) && (!modified.equals(older.modified) || size != older.size);
		}
	}

	private static final class Entry {

		final Key key;
		final CompletableFuture<GanomalyModel> loaded = new CompletableFuture<>();
		int leases;
		long bytes;
		boolean evicted, closed;

		Entry(Key key) {
			this.key = key;
		}
	}

	/** For tests and logs: the files loaded now, least recently used first. */
	public synchronized List<Path> files() {
		return entries.keySet().stream().map(Key::path).toList();
	}
}
