package sc.fiji.ganomaly.fiji;

import java.util.Locale;
import java.util.function.BooleanSupplier;

import org.scijava.app.StatusService;
import org.scijava.log.LogService;
import sc.fiji.ganomaly.core.api.EpochSummary;
import sc.fiji.ganomaly.core.api.ProgressListener;

import sc.fiji.ganomaly.engine.EngineMessages;

/** Progress in Fiji's status bar and log, warnings as {@link EngineMessages}, cancelled through the command. */
final class StatusProgress implements ProgressListener {

	private final StatusService status;
	private final LogService log;
	private final BooleanSupplier canceled;
	private final String task;
	private final TimeLeft timeLeft = new TimeLeft();
	private long lastText;

	StatusProgress(String task, StatusService status, LogService log, BooleanSupplier canceled) {
		this.task = task;
		this.status = status;
		this.log = log;
		this.canceled = canceled;
	}

	/** What the work does now (its last status), shown with the percentage. */
	private volatile String stage;

	@Override
	public void status(String message) {
		stage = message;
		if (status != null) status.showStatus(task + ": " + message);
	}

	@Override
	public void warning(String message) {
		if (status != null) status.showStatus(task + ": warning: " + message);
		EngineMessages.warn(task + ": " + message);
	}

	@Override
	public void progress(long done, long total) {
		if (status == null || total <= 0) return;
		long now = System.nanoTime();
		long left = timeLeft.seconds(done, total, now);
		// the bar in thousandths, so that counts beyond int still fit
		int permille = (int) Math.min(1000, done * 1000 / total);
		if (done < total && now - lastText < 500_000_000L) {
			status.showProgress(permille, 1000);
			return;
		}
		lastText = now;
		String eta = left < 0 ? "" : ", " + left + " s left";
		String doing = stage;
		status.showStatus(permille, 1000, String.format(Locale.ROOT, "%s: %s%d %%%s", task, doing == null ? "" : doing +
			", ", permille / 10, eta));
	}

	@Override
	public void epochFinished(EpochSummary s) {
		String line = String.format(Locale.ROOT, "%s: epoch %d/%d, loss G %.4f D %.4f, validation %.4f%s, %.0f images/s, %d s left",
			task, s.epoch(), s.epochs(), s.generatorLoss(), s.discriminatorLoss(), s.validationLoss(),
			s.improved() ? " (best)" : "", s.imagesPerSecond(), Math.round(s.secondsLeft()));
		if (s.epoch() < s.epochs()) stage = "training the network: epoch " + (s.epoch() + 1) + " of " + s.epochs();
		if (status != null) status.showStatus(line);
		FijiLog.info(log, line);
	}

	@Override
	public boolean isCanceled() {
		return canceled.getAsBoolean();
	}
}
