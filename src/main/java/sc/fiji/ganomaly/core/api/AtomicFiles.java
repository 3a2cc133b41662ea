package sc.fiji.ganomaly.core.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Output files that appear whole: written into a temporary file beside their target, forced to the
 * disk, then renamed over it ({@link Renames}), so that a target is either absent, its old file or
 * complete, even after a crash.
 */
public final class AtomicFiles {

	private AtomicFiles() {}

	/** Writes a file's content into a path it is given. */
	@FunctionalInterface
	public interface Writing {

		/** Writes the whole content into {@code file}. */
		void writeTo(Path file) throws IOException;
	}

	/**
	 * Writes {@code file} atomically: {@code writing} fills a temporary file beside it
	 * ({@link #temporaryFor}), which is forced to the disk and then renamed over {@code file}; on
	 * failure the temporary file is deleted. {@code file}'s folder is created if missing.
	 *
	 * @throws UncheckedIOException "could not write FILE: …"
	 */
	public static void write(Path file, Writing writing) {
		write(file, writing, true);
	}

	/**
	 * {@link #write(Path, Writing)}, with the temporary file forced to the disk before its rename only
	 * if {@code force}: without, a crash of the machine (not of the process) may leave {@code file}
	 * renamed but without its bytes, so its reader must be able to tell (a checksum).
	 */
	public static void write(Path file, Writing writing, boolean force) {
		Path tmp = temporaryFor(file);
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			writing.writeTo(tmp);
			if (force) try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
				channel.force(true);
			}
			Renames.replace(tmp, file);
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
		}
		finally {
			try {
				Files.deleteIfExists(tmp); // gone after the move
			}
			catch (IOException e) {
				// the temporary file's name says what it is; nothing more to do
			}
		}
	}

	/**
	 * A new temporary file name beside {@code target}: {@code .NAME.RANDOM.tmp} (not created, so the
	 * file gets the usual permissions when written), shortened as {@link HiddenNames#sibling} says.
	 */
	public static Path temporaryFor(Path target) {
		return HiddenNames.sibling(target, "." + UUID.randomUUID() + ".tmp");
	}
}
