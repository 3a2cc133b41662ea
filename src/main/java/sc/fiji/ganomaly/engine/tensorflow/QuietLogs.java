package sc.fiji.ganomaly.engine.tensorflow;

import java.util.logging.Logger;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * Keeps TensorFlow's native log lines (oneDNN, CPU features, SavedModel loading, MLIR) off the
 * console of Fiji and the terminal. TensorFlow reads {@code TF_CPP_MIN_LOG_LEVEL} from the process
 * environment, which Java cannot change, so it is set through the C library before TensorFlow
 * logs anything; the few lines TensorFlow writes through absl's logger once per process, whatever
 * that level, are written while its standard error points to {@code /dev/null}. A level the user
 * set is kept; {@code TF_CPP_MIN_LOG_LEVEL=0} or {@code GANOMALY_DEBUG} keeps every line; off Linux
 * and macOS nothing changes.
 */
final class QuietLogs {

	private static final Logger LOG = Logger.getLogger(QuietLogs.class.getName());
	private static final int O_WRONLY = 1, STDERR = 2;

	private QuietLogs() {}

	/** True unless debugging is asked for or TensorFlow's level is set to show its informational lines. */
	static boolean wanted() {
		String level = System.getenv("TF_CPP_MIN_LOG_LEVEL");
		return System.getenv("GANOMALY_DEBUG") == null && !Boolean.getBoolean("ganomaly.debug") &&
			(level == null || !level.trim().equals("0")) && (Platform.isLinux() || Platform.isMac());
	}

	/**
	 * Sets TensorFlow's log level to warnings and errors (unless the user set one), then runs
	 * {@code startup} (TensorFlow's first graph run, which logs once per process through absl,
	 * whatever that level) with standard error muted.
	 */
	static void apply(Runnable startup) {
		if (!wanted()) {
			startup.run();
			return;
		}
		NativeLibrary c;
		try {
			c = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
			if (System.getenv("TF_CPP_MIN_LOG_LEVEL") == null)
				c.getFunction("setenv").invokeInt(new Object[] { "TF_CPP_MIN_LOG_LEVEL", "2", 0 });
		}
		catch (LinkageError | RuntimeException e) {
			LOG.fine(() -> "cannot quieten TensorFlow's logs: " + e);
			startup.run();
			return;
		}
		Function dup = c.getFunction("dup"), dup2 = c.getFunction("dup2"), close = c.getFunction("close");
		int saved = dup.invokeInt(new Object[] { STDERR });
		int devNull = c.getFunction("open").invokeInt(new Object[] { "/dev/null", O_WRONLY });
		if (saved < 0 || devNull < 0) {
			startup.run();
			return;
		}
		System.err.flush();
		dup2.invokeInt(new Object[] { devNull, STDERR });
		try {
			startup.run();
		}
		finally {
			dup2.invokeInt(new Object[] { saved, STDERR });
			close.invokeInt(new Object[] { saved });
			close.invokeInt(new Object[] { devNull });
		}
	}
}
