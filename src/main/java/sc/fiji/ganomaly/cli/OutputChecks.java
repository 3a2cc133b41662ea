package sc.fiji.ganomaly.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks output locations before long work starts, so that no training is lost to a typo. */
final class OutputChecks {

	private OutputChecks() {}

	/** The model file's folder must exist and be writable, and the file must not be a folder. */
	static void modelTarget(Path model) {
		Path parent = model.toAbsolutePath().getParent();
		if (Files.isDirectory(model)) throw new UsageException("--model: " + model + " is a folder, not a file");
		if (parent == null || !Files.isDirectory(parent))
			throw new UsageException("--model: folder " + parent + " does not exist");
		if (!Files.isWritable(parent)) throw new UsageException("--model: folder " + parent + " is not writable");
	}

	/** The output folder is created if needed; it must not be a file. */
	static void outputFolder(Path dir) {
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
