package sc.fiji.ganomaly.engine;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where GANomaly's warnings for the user go (device and precision fallbacks, unused settings): one
 * line each, to standard error unless a front end set a sink (Fiji sets its LogService). Only JDK
 * types, so the engine's own class loader shares this class with the host.
 */
public final class EngineMessages {

	private static final Consumer<String> STDERR = System.err::println;
	private static volatile Consumer<String> sink = STDERR;

	private EngineMessages() {}

	/** Sends every later warning to {@code target}; null sends them to standard error again. */
	public static void setSink(Consumer<String> target) {
		sink = target == null ? STDERR : target;
	}

	/** Restores standard error if {@code target} is still the sink (a closing front end leaves others' sinks alone). */
	public static void clearSink(Consumer<String> target) {
		if (sink == target) sink = STDERR;
	}

	/** Reports one warning line, e.g. "GANomaly: GPU requested, but ...; running on the CPU". */
	public static void warn(String message) {
		Objects.requireNonNull(message);
		try {
			sink.accept(message);
		}
		catch (RuntimeException e) {
			System.err.println(message);
		}
	}
}
