package sc.fiji.ganomaly.cli;

import java.io.PrintStream;
import sc.fiji.ganomaly.core.api.ProgressListener;


/**
 * A scoring batch's progress on standard error: on a terminal one line rewritten in place, ended
 * when every plane is scored or by {@link #end()}; elsewhere (a log file, a cluster's output) a line
 * at most every {@value #INTERVAL_SECONDS} seconds and the last plane's; warnings always, on lines of
 * their own. The lines are the batch's statuses: files whose headers are read (a long wait before
 * the first plane of a large batch), then planes scored with their speed and the time left.
 */
final class ScoringProgress implements ProgressListener {

	static final int INTERVAL_SECONDS = 10;

	private final PrintStream err;
	private final boolean terminal;
	private final long interval;
	private long lastPrint = System.nanoTime();
	private long done, total;
	/** A terminal's line is printed and not ended. */
	private boolean open;

	ScoringProgress(PrintStream err) {
		this(err, System.console() != null && err == System.err);
	}

	ScoringProgress(PrintStream err, boolean terminal) {
		this(err, terminal, INTERVAL_SECONDS * 1_000_000_000L);
	}

	/** @param interval nanoseconds between two lines that are not a terminal's */
	ScoringProgress(PrintStream err, boolean terminal, long interval) {
		this.err = err;
		this.terminal = terminal;
		this.interval = interval;
	}

	@Override
	public void progress(long done, long total) {
		this.done = done;
		this.total = total;
	}

	@Override
	public void warning(String text) {
		if (open) err.print("\r\033[K");
		open = false;
		err.println(ConsoleText.line("warning: " + text));
	}

	@Override
	public void status(String text) {
		String message = ConsoleText.line(text);
		long now = System.nanoTime();
		boolean last = total > 0 && done == total; // before the first plane: files whose headers are read
		if (terminal) {
			err.print("\r\033[K" + message + (last ? "\n" : ""));
			err.flush();
			open = !last;
		}
		else if (last || now - lastPrint >= interval) {
			err.println(message);
			lastPrint = now;
		}
	}

	/** Ends a terminal's line left open (a batch that ended before its last plane), so that what follows starts a line. */
	void end() {
		if (open) err.println();
		open = false;
	}
}
