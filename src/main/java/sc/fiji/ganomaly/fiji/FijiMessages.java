package sc.fiji.ganomaly.fiji;

import java.util.function.Consumer;

import org.scijava.log.LogService;

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
		FijiLog.warn(log, message);
	}
}
