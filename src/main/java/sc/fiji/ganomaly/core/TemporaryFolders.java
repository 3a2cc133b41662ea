package sc.fiji.ganomaly.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary folders of this JVM (unpacked models, training work): each is deleted by its
 * owner when done, and whatever is left is deleted when the JVM exits, so that neither Fiji nor
 * the command line leaves model copies behind.
 */
public final class TemporaryFolders {

	private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(TemporaryFolders::deleteAll, "ganomaly-temporary-folders"));
	}

	private TemporaryFolders() {}

	/** A new folder in the system's temporary folder, deleted at JVM exit at the latest. */
	public static Path create(String prefix) {
		try {
			Path folder = Files.createTempDirectory(prefix);
			LIVE.add(folder);
			return folder;
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot create a temporary folder: " + e.getMessage(), e);
		}
	}

	/** Deletes a folder made by {@link #create} (or any folder tree), quietly. */
	public static void delete(Path folder) {
		if (folder == null) return;
		ModelFile.deleteFolder(folder);
		LIVE.remove(folder);
	}

	/** The folders made here that still exist. */
	public static List<Path> live() {
		return LIVE.stream().filter(Files::exists).sorted().toList();
	}

	private static void deleteAll() {
		for (Path p : List.copyOf(LIVE))
			delete(p);
	}
}
