package sc.fiji.ganomaly.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Arithmetic precision of scoring. {@value #FLOAT32} is the default and what models are
 * trained and calibrated in. {@value #BFLOAT16} is opt-in: convolutions run in bfloat16 through
 * oneDNN (TensorFlow's {@code auto_mixed_precision_onednn_bfloat16} rewrite), about three times
 * faster on CPUs with AVX512_BF16 or AMX; scores differ from float32 within the tolerance measured
 * in docs/benchmarks.md. On other CPUs oneDNN would emulate bfloat16 (slower than float32), so it
 * is refused there. Plain JDK, so the host can ask before loading the engine.
 * <p>
 * Chosen per model load ({@code GanomalyModel.load(file, threads, precision)}, {@code score --precision})
 * or for the whole JVM with {@code -D}{@value #PROPERTY}{@code =bfloat16} or {@value #ENV}{@code =bfloat16};
 * the JVM-wide setting falls back to float32 with one warning where the CPU lacks support.
 */
public final class Precision {

	public static final String FLOAT32 = "float32";
	public static final String BFLOAT16 = "bfloat16";
	public static final String PROPERTY = "ganomaly.precision";
	public static final String ENV = "GANOMALY_PRECISION";

	private static String cpuFlags;

	private Precision() {}

	/** Throws unless {@code name} is a precision. */
	public static String check(String name) {
		if (!FLOAT32.equals(name) && !BFLOAT16.equals(name)) throw new IllegalArgumentException(
			"precision must be " + FLOAT32 + " or " + BFLOAT16 + ", not " + name);
		return name;
	}

	/**
	 * A precision setting as written by a user (an environment variable, a property) in the name
	 * {@link #check} takes: blanks around and case ignored, {@code bf16} for bfloat16; null if blank.
	 */
	public static String setting(String value) {
		if (value == null || value.isBlank()) return null;
		String name = value.strip().toLowerCase(Locale.ROOT);
		return name.equals("bf16") ? BFLOAT16 : name;
	}

	/**
	 * Why this CPU cannot score in {@code precision} (what a refusal says; a fallback adds that it scores in
	 * float32), or null if it can (float32 always can).
	 */
	public static String unsupportedReason(String precision) {
		return unsupportedReason(check(precision), cpuFlags());
	}

	/** As {@link #unsupportedReason(String)} for a CPU with the given /proc/cpuinfo flags (null: unknown). */
	static String unsupportedReason(String precision, String flags) {
		if (FLOAT32.equals(precision)) return null;
		if (flags == null) return "bfloat16 scoring needs a CPU with AVX512_BF16 or AMX, and this system does not " +
			"say whether it has one (/proc/cpuinfo is Linux only)";
		Set<String> set = Set.of(flags.toLowerCase(Locale.ROOT).trim().split("\\s+"));
		if (set.contains("avx512_bf16") || set.contains("amx_bf16")) return null;
		return "bfloat16 scoring needs a CPU with AVX512_BF16 or AMX (this one has neither, and emulated bfloat16 " +
			"is slower than float32)";
	}

	/**
	 * The precision asked for explicitly, or (null) the JVM-wide setting: {@value #PROPERTY} or
	 * {@value #ENV}, float32 if neither is set; an unsupported JVM-wide bfloat16 sends one warning to {@link EngineMessages} and gives
	 * float32.
	 *
	 * @throws IllegalArgumentException if an explicit {@code requested} is not a precision or the CPU lacks it
	 */
	public static String resolve(String requested) {
		if (requested != null) {
			String reason = unsupportedReason(check(requested));
			if (reason != null) throw new IllegalArgumentException(reason);
			return requested;
		}
		String setting = setting(System.getProperty(PROPERTY, System.getenv(ENV)));
		if (setting == null) return FLOAT32;
		if (!FLOAT32.equals(setting) && !BFLOAT16.equals(setting)) {
			EngineMessages.warn("GANomaly: " + PROPERTY + " must be " + FLOAT32 + " or " + BFLOAT16 + ", not '" + setting +
				"'; scoring in float32");
			return FLOAT32;
		}
		String reason = unsupportedReason(setting);
		if (reason != null) {
			warnOnce(reason + "; scoring in float32");
			return FLOAT32;
		}
		return setting;
	}

	private static boolean warned;

	private static synchronized void warnOnce(String reason) {
		if (warned) return;
		warned = true;
		EngineMessages.warn("GANomaly: " + reason);
	}

	/** The flags line of /proc/cpuinfo, or null if there is none. */
	private static synchronized String cpuFlags() {
		if (cpuFlags == null) {
			cpuFlags = "";
			try {
				for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
					if (line.startsWith("flags")) {
						cpuFlags = line.substring(line.indexOf(':') + 1);
						break;
					}
			}
			catch (IOException | RuntimeException e) {
				// not Linux
			}
		}
		return cpuFlags.isEmpty() ? null : cpuFlags;
	}
}
