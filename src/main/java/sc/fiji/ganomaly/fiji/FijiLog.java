package sc.fiji.ganomaly.fiji;

import java.awt.GraphicsEnvironment;

import org.scijava.log.LogService;

import ij.IJ;

/**
 * GANomaly's lines for a Fiji user: to SciJava's {@link LogService} (Fiji's Console; standard error
 * headless) and, in the GUI, to ImageJ's Log window as well, where ImageJ's own commands write what
 * they did. Headless, ImageJ's log would print the line a second time, to standard output.
 */
final class FijiLog {

	private FijiLog() {}

	/** Reports what a command did or chose (a model written, a selection used, a folder scored). */
	static void info(LogService log, String line) {
		if (log != null) log.info(line);
		toLogWindow(line);
	}

	/** Reports a warning (a fallback, a result that needs care). */
	static void warn(LogService log, String line) {
		if (log != null) log.warn(line);
		else System.err.println(line);
		toLogWindow(line);
	}

	/** Reports why a command failed. */
	static void error(LogService log, String line) {
		if (log != null) log.error(line);
		toLogWindow(line);
	}

	/** Writes {@code line} to ImageJ's Log window, in the GUI only. */
	static void toLogWindow(String line) {
		if (!GraphicsEnvironment.isHeadless() && IJ.getInstance() != null) IJ.log(line);
	}
}
