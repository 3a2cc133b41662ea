package sc.fiji.ganomaly.fiji;

import java.awt.GraphicsEnvironment;
import java.util.function.Consumer;

import org.scijava.log.LogService;

import ij.IJ;

/**
 * GANomaly's warnings in Fiji: to SciJava's {@link LogService} (Fiji's Console; standard error
 * headless) and, in the GUI, to ImageJ's Log window as well.
 */
final class FijiMessages implements Consumer<String> {

	private final LogService log;

	FijiMessages(LogService log) {
		this.log = log;
	}

	@Override
	public void accept(String message) {
		if (log != null) log.warn(message);
		else System.err.println(message);
		if (!GraphicsEnvironment.isHeadless() && IJ.getInstance() != null) IJ.log(message);
	}
}
