package sc.fiji.ganomaly.cli;

import java.io.PrintStream;
import sc.fiji.ganomaly.core.api.ProgressListener;


/**
 * Scoring progress on standard error: on a terminal one line rewritten in place, elsewhere (a log
 * file, a cluster's output) a line at most every {@value #INTERVAL_SECONDS} seconds and the last
 * one; warnings always.
 */
final class ScoringProgress implements ProgressListener {

	static final int INTERVAL_SECONDS = 10;

	private final PrintStream err;
	private final boolean terminal;
	private long lastPrint = System.nanoTime();
	private long done, total;
	private String pending;

	ScoringProgress(PrintStream err) {
		this(err, System.console() != null && err == System.err);
	}

	ScoringProgress(PrintStream err, boolean terminal) {
		this.err = err;
		this.terminal = terminal;
	}

	@Override
	public void progress(long done, long total) {
		this.done = done;
		this.total = total;
	}

	@Override
	public void warning(String text) {
		if (terminal && pending != null) err.print("\r\033[K");
		err.println(ConsoleText.line("warning: " + text));
	}

	@Override
	public void status(String text) {
		String message = ConsoleText.line(text);
		if (!message.startsWith("scored")) return;
		pending = message;
		long now = System.nanoTime();
		boolean last = done == total;
		if (terminal) {
			err.print("\r\033[K" + message + (last ? "\n" : ""));
			err.flush();
		}
		else if (last || now - lastPrint >= INTERVAL_SECONDS * 1_000_000_000L) {
			err.println(message);
			lastPrint = now;
		}
	}
}
