package sc.fiji.ganomaly.fiji;

import java.util.Locale;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

import org.scijava.prefs.PrefService;

import sc.fiji.ganomaly.engine.EngineLoader;

/**
 * The CPU-or-GPU choice of Plugins › GANomaly › GANomaly Options…: kept in SciJava's {@link PrefService} and
 * handed to the engine as the system property {@value EngineLoader#DEVICE_PROPERTY} before it loads.
 * A device set when Fiji was launched ({@code -Dganomaly.device=...} or {@code GANOMALY_DEVICE})
 * takes precedence over the saved choice.
 */
final class DeviceChoice {

	static final String CPU = "CPU", GPU = "GPU";
	private static final String PREF = "device";
	/** The device set at launch, read before this class sets the property; null if none. */
	private static final String LAUNCH = launchSetting();

	private DeviceChoice() {}

	/** The saved choice, {@value #CPU} if none (or prefs are absent). */
	static String saved(PrefService prefs) {
		String d = prefs == null ? null : prefs.get(DeviceChoice.class, PREF, CPU);
		return GPU.equalsIgnoreCase(d) ? GPU : CPU;
	}

	/**
	 * Saves {@code device} ({@value #CPU} or {@value #GPU}) on disk at once, not at Fiji's exit (a Fiji
	 * that crashes or is killed keeps the choice it reported saved), and applies it; see {@link #apply}.
	 */
	static void choose(PrefService prefs, String device) {
		String d = device == null ? "" : device.strip().toUpperCase(Locale.ROOT);
		if (!d.equals(CPU) && !d.equals(GPU)) throw new IllegalArgumentException("device: must be CPU or GPU, not '" +
			device + "'");
		if (prefs != null) {
			prefs.put(DeviceChoice.class, PREF, d);
			flush();
		}
		apply(prefs);
	}

	/** Writes Java's user preferences, where SciJava keeps them, to disk now. */
	private static void flush() {
		try {
			Preferences.userRoot().flush();
		}
		catch (BackingStoreException | SecurityException e) {
			// Java writes them at the exit instead, as it does every preference
		}
	}

	/** Hands the saved choice to the engine (for its next load) unless a device was set at launch. */
	static void apply(PrefService prefs) {
		if (LAUNCH == null) System.setProperty(EngineLoader.DEVICE_PROPERTY, saved(prefs).toLowerCase(Locale.ROOT));
	}

	/** "-Dganomaly.device=gpu" or "GANOMALY_DEVICE=gpu" if the launch set the device, else null. */
	static String launch() {
		return LAUNCH;
	}

	private static String launchSetting() {
		String p = System.getProperty(EngineLoader.DEVICE_PROPERTY);
		if (p != null && !p.isBlank()) return "-D" + EngineLoader.DEVICE_PROPERTY + "=" + p;
		String e = System.getenv(EngineLoader.DEVICE_ENV);
		return e != null && !e.isBlank() ? EngineLoader.DEVICE_ENV + "=" + e : null;
	}
}
