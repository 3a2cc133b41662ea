package sc.fiji.ganomaly.fiji;

import org.scijava.Cancelable;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;

/**
 * What both GANomaly commands share: a user's cancel request, polled by the running work, and a
 * failure reported as the command's cancel reason and in the log, never as a stack trace.
 */
abstract class CancelableCommand implements Command, Cancelable {

	@Parameter(required = false)
	protected LogService log;

	private volatile String cancelReason;
	private volatile boolean canceledByUser;

	/** True once the user asked to stop. */
	protected boolean canceledByUser() {
		return canceledByUser;
	}

	/** Ends the command with a one-line reason, also logged as an error. */
	protected void fail(String title, RuntimeException e) {
		String message = title + ": " + e.getMessage();
		cancelReason = message;
		if (log != null) log.error(message);
	}

	/** Ends the command quietly with a reason. */
	protected void stop(String reason) {
		cancelReason = reason;
	}

	@Override
	public boolean isCanceled() {
		return cancelReason != null;
	}

	@Override
	public void cancel(String reason) {
		canceledByUser = true;
		if (cancelReason == null) cancelReason = reason == null ? "cancelled" : reason;
	}

	@Override
	public String getCancelReason() {
		return cancelReason;
	}
}
