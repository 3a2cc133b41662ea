package sc.fiji.ganomaly.cli;

import java.io.PrintStream;
import java.util.Locale;
import sc.fiji.ganomaly.core.api.EpochSummary;
import sc.fiji.ganomaly.core.api.ProgressListener;


/**
 * Progress on the console: one line per epoch and a percentage every tenth of the way on standard
 * output, warnings (not converged, too few held-out data) on standard error with the engine's;
 * {@link #stop()} cancels.
 */
final class ConsoleProgress implements ProgressListener {

	private final PrintStream out, err;
	private int lastTenth = -1;
	private volatile boolean stopped;

	ConsoleProgress(PrintStream out, PrintStream err) {
		this.out = out;
		this.err = err;
	}

	@Override
	public void progress(long done, long total) {
		int tenth = (int) (10 * done / Math.max(1, total));
		if (tenth != lastTenth && tenth < 10) {
			lastTenth = tenth;
			out.printf(Locale.ROOT, "  %d%%%n", 10 * tenth);
		}
	}

	@Override
	public void epochFinished(EpochSummary s) {
		out.printf(Locale.ROOT, "epoch %d/%d  loss G %.4f  D %.4f  validation %.4f%s  %.0f images/s  ETA %s%n",
			s.epoch(), s.epochs(), s.generatorLoss(), s.discriminatorLoss(), s.validationLoss(),
			s.improved() ? " (best)" : "", s.imagesPerSecond(), ProgressListener.duration(s.secondsLeft()));
	}

	/** Stops the work at its next safe point (from any thread: Ctrl-C's). */
	void stop() {
		stopped = true;
	}

	@Override
	public boolean isCanceled() {
		return stopped;
	}

	// status lines (one per image normalised, ...) would flood the console: only warnings and phases are shown

	@Override
	public void warning(String message) {
		err.println(ConsoleText.line("warning: " + message));
	}

	@Override
	public void phase(String message) {
		out.println(message);
		lastTenth = -1; // its percentages count from 0 again
	}
}
