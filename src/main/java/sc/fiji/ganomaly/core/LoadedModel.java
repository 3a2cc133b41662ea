package sc.fiji.ganomaly.core;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import sc.fiji.ganomaly.core.model.TemporaryFolders;
import sc.fiji.ganomaly.core.score.LazyNetwork;

/**
 * What a loaded model holds outside the Java heap: its unpacked folder and its network (created or
 * not). A model and its views share one; the model that owns it closes it.
 */
final class LoadedModel {

	private final Path folder;
	private final LazyNetwork network;
	private final AtomicBoolean closed = new AtomicBoolean();
	/** The warnings given while this model scored, each once. */
	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	LoadedModel(Path folder, LazyNetwork network) {
		this.folder = folder;
		this.network = network;
	}

	/** The folder the model is unpacked in. */
	Path folder() {
		return folder;
	}

	/** The model's network, created on first use. */
	LazyNetwork network() {
		return network;
	}

	/** True the first time {@code warning} is asked about, false after: a model warns of a thing once. */
	boolean firstTime(String warning) {
		return warned.add(warning);
	}

	/** Frees the network (if it was created) and the unpacked folder; a second call does nothing. */
	void close() {
		if (closed.getAndSet(true)) return;
		try {
			network.close();
		}
		finally {
			TemporaryFolders.delete(folder);
		}
	}
}
