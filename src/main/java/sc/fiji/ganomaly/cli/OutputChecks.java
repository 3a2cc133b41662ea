package sc.fiji.ganomaly.cli;

import java.nio.file.Path;
import sc.fiji.ganomaly.core.ModelFiles;
import sc.fiji.ganomaly.ij.ScoreBatch;


/** Checks output locations before long work starts, so that no work is lost to a typo (command line and Spark). */
public final class OutputChecks {

	private OutputChecks() {}

	/** The model file's folder must exist and take a new file, and the file must not be a folder. */
	static void modelTarget(Path model, java.util.List<Path> inputs) {
		ModelFiles.checkTarget(model, "--model", inputs);
	}

	/**
	 * The output folder is created if needed; it must not be a file. A folder that cannot be made is
	 * the input's problem, not the usage's: one line, without the pointer to --help.
	 */
	public static void outputFolder(Path dir) {
		ScoreBatch.outputFolder(dir, "--output");
	}
}
