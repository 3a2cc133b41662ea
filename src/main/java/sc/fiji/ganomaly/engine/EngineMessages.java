package sc.fiji.ganomaly.engine;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where GANomaly's warnings for the user go (device and precision fallbacks, unused settings): one
 * line each, to standard error unless a front end set a sink (Fiji sets its LogService). Only JDK
 * types, so the engine's own class loader shares this class with the host.
 */
public final class EngineMessages {

	private static final Consumer<String> STDERR = System.err::println;
	/** The sinks set and not cleared, the latest last; empty: standard error. */
	private static final List<Consumer<String>> SINKS = new CopyOnWriteArrayList<>();

	private EngineMessages() {}

	/** Sends every later warning to {@code target} (null: none) until it is cleared; then to the sink set before it. */
	public static void setSink(Consumer<String> target) {
		if (target != null) SINKS.add(target);
	}

	/**
	 * Removes {@code target}: the latest sink still set (of another front end, such as a second SciJava
	 * context) or standard error gets the later warnings.
	 */
	public static void clearSink(Consumer<String> target) {
		SINKS.remove(target);
	}

	/**
	 * Text from a file (a name, a value, a message quoting one) for a one-line message: every control
	 * character (a line break, a terminal's escape sequence) shown as ?, at most {@code max} characters.
	 */
	public static String printable(String text, int max) {
		String clean = text.replaceAll("\\p{Cc}", "?"); // C0 and C1 controls (a lone CSI too)
		return clean.length() > max ? clean.substring(0, max) + "..." : clean;
	}

	/** Reports one warning line, e.g. "GANomaly: GPU requested, but ...; running on the CPU". */
	public static void warn(String message) {
		Objects.requireNonNull(message);
		Consumer<String> sink = STDERR;
		for (Consumer<String> set : SINKS) // the latest
			sink = set;
		try {
			sink.accept(message);
		}
		catch (RuntimeException e) {
			System.err.println(message);
		}
	}
}
