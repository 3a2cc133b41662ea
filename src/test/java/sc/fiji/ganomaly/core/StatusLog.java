package sc.fiji.ganomaly.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import sc.fiji.ganomaly.core.api.ProgressListener;

/** A listener that keeps every status message, for tests of what training says. */
public final class StatusLog implements ProgressListener {

	/** The messages in the order they came. */
	public final List<String> messages = new CopyOnWriteArrayList<>();

	@Override
	public void status(String message) {
		messages.add(message);
	}
}
