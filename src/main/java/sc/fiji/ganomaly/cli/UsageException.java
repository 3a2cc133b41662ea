package sc.fiji.ganomaly.cli;

/** Bad command-line usage: the message is shown as is, with exit code 2. */
final class UsageException extends RuntimeException {

	UsageException(String message) {
		super(message);
	}
}
