package sc.fiji.ganomaly.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import sc.fiji.ganomaly.core.ModelFiles;


/** Checks output locations before long work starts, so that no work is lost to a typo (command line and Spark). */
public final class OutputChecks {

	private OutputChecks() {}

	/** The model file's folder must exist and take a new file, and the file must not be a folder. */
	static void modelTarget(Path model) {
		ModelFiles.checkTarget(model, "--model");
	}

	/** The output folder is created if needed; it must not be a file. */
	public static void outputFolder(Path dir) {
		if (Files.exists(dir) && !Files.isDirectory(dir))
			throw new UsageException("--output: " + dir + " is a file, not a folder");
		try {
			Files.createDirectories(dir);
		}
		catch (IOException e) {
			throw new UsageException("--output: cannot create folder " + dir + " (" + e.getMessage() + ")");
		}
		if (!Files.isWritable(dir)) throw new UsageException("--output: folder " + dir + " is not writable");
	}
}
