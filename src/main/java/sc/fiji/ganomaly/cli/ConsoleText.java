package sc.fiji.ganomaly.cli;

import sc.fiji.ganomaly.engine.EngineMessages;

/** Lines for the terminal whose text may come from files (their names, their contents). */
public final class ConsoleText {

	private ConsoleText() {}

	/**
	 * {@code message} with every control character shown as ?: a file named with a terminal's escape
	 * sequence, a carriage return or a line break cannot clear the screen or overwrite a warning.
	 */
	public static String line(String message) {
		return EngineMessages.printable(String.valueOf(message), Integer.MAX_VALUE);
	}
}
