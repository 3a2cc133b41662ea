package sc.fiji.ganomaly.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * At most {@code capacity} loaded models, by key, handed out as leases: loading one more evicts the
 * least recently leased, which is closed at once if no lease holds it, else when its last lease is
 * released. An evicted model is never handed out again (asking for its key loads it anew).
 *
 * @param <K> what identifies a model (file, threads, precision)
 * @param <M> the model
 */
final class ModelCache<K, M extends AutoCloseable> {

	private static final Logger LOG = Logger.getLogger(ModelCache.class.getName());

	private final int capacity;
	/** In access order: the least recently leased first. */
	private final LinkedHashMap<K, Entry<M>> entries = new LinkedHashMap<>(16, 0.75f, true);

	private static final class Entry<M> {

		final M model;
		int leases;
		boolean evicted;

		Entry(M model) {
			this.model = model;
		}
	}

	/** One task's use of a model; closing it releases the model (once; later calls do nothing). */
	final class Lease implements AutoCloseable {

		private final Entry<M> entry;
		private boolean released;

		private Lease(Entry<M> entry) {
			this.entry = entry;
		}

		/** The leased model, open until this lease is closed. */
		M model() {
			return entry.model;
		}

		@Override
		public void close() {
			synchronized (ModelCache.this) {
				if (released) return;
				released = true;
				entry.leases--;
				if (entry.evicted && entry.leases == 0) closeQuietly(entry.model);
			}
		}
	}

	/** A cache of at most {@code capacity} (1 or more) models. */
	ModelCache(int capacity) {
		if (capacity < 1) throw new IllegalArgumentException("a model cache holds at least 1 model, not " + capacity);
		this.capacity = capacity;
	}

	/** Leases the model of {@code key}, loading it with {@code load} (under this cache's lock) if not cached. */
	synchronized Lease lease(K key, Supplier<M> load) {
		Entry<M> entry = entries.get(key);
		if (entry == null) {
			entry = new Entry<>(load.get());
			entries.put(key, entry);
			Iterator<Entry<M>> eldest = entries.values().iterator();
			while (entries.size() > capacity) {
				Entry<M> e = eldest.next();
				eldest.remove();
				e.evicted = true;
				if (e.leases == 0) closeQuietly(e.model);
			}
		}
		entry.leases++;
		return new Lease(entry);
	}

	/** How many models are cached (leased or not; evicted ones still leased are not counted). */
	synchronized int size() {
		return entries.size();
	}

	/** Closes every cached model, leased or not, and empties the cache (at JVM exit). */
	synchronized void closeAll() {
		List<Entry<M>> all = new ArrayList<>(entries.values());
		entries.clear();
		for (Entry<M> e : all) {
			e.evicted = true;
			closeQuietly(e.model);
		}
	}

	private static void closeQuietly(AutoCloseable model) {
		try {
			model.close();
		}
		catch (Exception e) {
			LOG.log(Level.WARNING, "GANomaly: could not close an evicted model: " + e.getMessage(), e);
		}
	}
}
