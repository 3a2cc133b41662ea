package sc.fiji.ganomaly.fiji;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import sc.fiji.ganomaly.core.GanomalyModel;

/**
 * Keeps the last model loaded, so that a macro scoring a thousand stacks with one model loads it
 * once. A changed file (time or size) is loaded again.
 */
final class ModelCache {

	private static Path path;
	private static FileTime modified;
	private static long size;
	private static GanomalyModel model;

	private ModelCache() {}

	/** The model of that file, loaded or reused. */
	static synchronized GanomalyModel get(Path file) {
		Path abs = file.toAbsolutePath().normalize();
		FileTime time;
		long bytes;
		try {
			time = Files.getLastModifiedTime(abs);
			bytes = Files.size(abs);
		}
		catch (IOException e) {
			throw new IllegalArgumentException("model: file " + file + " does not exist or cannot be read");
		}
		if (model != null && abs.equals(path) && time.equals(modified) && bytes == size) return model;
		GanomalyModel loaded = GanomalyModel.load(abs);
		if (model != null) model.close();
		model = loaded;
		path = abs;
		modified = time;
		size = bytes;
		return model;
	}
}
