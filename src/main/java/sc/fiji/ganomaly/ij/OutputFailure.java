package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The output folder of a batch could not be written: the run ends (no input is to blame). */
final class OutputFailure extends UncheckedIOException {

	OutputFailure(Path file, IOException cause) {
		super("could not write " + file + ": " + cause.getMessage(), cause);
	}
}
