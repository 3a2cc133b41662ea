package sc.fiji.ganomaly.core;

import java.nio.file.Path;
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
