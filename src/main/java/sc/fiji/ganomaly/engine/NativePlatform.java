package sc.fiji.ganomaly.engine;

import java.util.List;
import java.util.Locale;

/**
 * A platform TensorFlow Java 1.1.0 ships natives for: the ImageJ updater's name for it (the folder
 * {@code lib/<updater>/} that the updater gives only computers of that platform) and TensorFlow's
 * Maven classifier of {@code tensorflow-core-native}.
 */
public record NativePlatform(String updater, String classifier, String label) {

	/** TensorFlow Java's version, as in the natives jars' names. */
	public static final String TENSORFLOW_JAVA = "1.1.0";

	/** Every platform TensorFlow Java 1.1.0 publishes CPU natives for. */
	public static final List<NativePlatform> ALL = List.of(
		new NativePlatform("linux64", "linux-x86_64", "Linux x86-64"),
		new NativePlatform("linux-arm64", "linux-arm64", "Linux arm64"),
		new NativePlatform("macos-arm64", "macosx-arm64", "macOS arm64 (Apple silicon)"),
		new NativePlatform("win64", "windows-x86_64", "Windows x86-64"));

	/** The platform of this JVM, or an {@link EngineException} naming what TensorFlow does not ship. */
	public static NativePlatform current() {
		return of(System.getProperty("os.name"), System.getProperty("os.arch"));
	}

	/**
	 * The platform for Java's {@code os.name} and {@code os.arch} values; an {@link EngineException}
	 * with one sentence naming the platform if TensorFlow Java 1.1.0 has no build for it.
	 */
	public static NativePlatform of(String osName, String osArch) {
		String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
		String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
		String family = os.startsWith("linux") ? "linux" : os.startsWith("mac") || os.startsWith("darwin") ? "macos" :
			os.startsWith("windows") ? "win" : null;
		String width = switch (arch) {
			case "amd64", "x86_64", "x86-64", "x64" -> "x86-64";
			case "aarch64", "arm64" -> "arm64";
			default -> null;
		};
		if (family != null && width != null) {
			String updater = family + (width.equals("x86-64") ? "64" : "-arm64");
			for (NativePlatform p : ALL)
				if (p.updater.equals(updater)) return p;
		}
		String name = (family == null ? osName : switch (family) {
			case "linux" -> "Linux";
			case "macos" -> "macOS";
			default -> "Windows";
		}) + " " + (width == null ? osArch : width);
		throw new EngineException("TensorFlow Java " + TENSORFLOW_JAVA + " has no build for " + name +
			", so GANomaly's engine cannot run on this computer; it runs on " + supported() + (name.equals("macOS x86-64")
				? " (a Mac with Apple silicon runs it in an arm64 Java or Fiji, not under Rosetta)" : "") + ". The texture " +
			"score needs no engine: train with it (score texture) and score with it");
	}

	/** The natives jar's file name, e.g. tensorflow-core-native-1.1.0-linux-x86_64.jar. */
	public String nativesJar() {
		return "tensorflow-core-native-" + TENSORFLOW_JAVA + "-" + classifier + ".jar";
	}

	private static String supported() {
		StringBuilder s = new StringBuilder();
		for (int i = 0; i < ALL.size(); i++)
			s.append(i == 0 ? "" : i == ALL.size() - 1 ? " and " : ", ").append(ALL.get(i).label);
		return s.toString();
	}

	/**
	 * What this computer's system lacks, if {@code failure} (or one of its causes) is the system's
	 * loader refusing TensorFlow's natives as built for a newer system; otherwise null. TensorFlow Java
	 * 1.1.0's natives need glibc 2.34 and the C++ library of GCC 11 on Linux, macOS 14 on a Mac.
	 */
	static String systemTooOld(Throwable failure) {
		java.util.Set<Throwable> seen = new java.util.HashSet<>();
		for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
			String m = String.valueOf(t.getMessage());
			if (m.contains("GLIBC_") || m.contains("GLIBCXX_") || m.contains("CXXABI_")) return "its natives need a newer " +
				"Linux (glibc 2.34 and the C++ library of GCC 11: Ubuntu 22.04, Debian 12, RHEL or Rocky 9, or later)";
			if (m.matches("(?s).*(built for|minimum).{0,40}(macOS|Mac OS X).*") || m.contains("newer than running OS"))
				return "its natives need macOS 14 (Sonoma) or later";
		}
		return null;
	}
}
