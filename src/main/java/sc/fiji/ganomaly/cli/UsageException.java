package sc.fiji.ganomaly.cli;

/** Bad command-line usage: the message is shown as is, with exit code 2. */
public final class UsageException extends RuntimeException {

	public UsageException(String message) {
		super(message);
	}
}
