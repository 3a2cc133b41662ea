package sc.fiji.ganomaly.core.api;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A folder taken by one run until it is closed: an operating-system lock on a file in it, so that a
 * second run into the folder, in this program or another (a second Fiji, the command line), is
 * refused instead of overwriting the first one's files. A crashed run's lock goes with its process.
 */
public final class FolderLock implements AutoCloseable {

	private final FileChannel channel;

	private FolderLock(FileChannel channel) {
		this.channel = channel;
	}

	/**
	 * Takes {@code folder} (made if missing) through the lock file {@code name} in it.
	 *
	 * @throws IllegalArgumentException with {@code busy} as its message if another run holds it
	 * @throws IOException              if the folder or its lock file cannot be made
	 */
	public static FolderLock take(Path folder, String name, String busy) throws IOException {
		Files.createDirectories(folder);
		FileChannel channel = FileChannel.open(folder.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
		try {
			if (channel.tryLock() != null) return new FolderLock(channel);
		}
		catch (OverlappingFileLockException e) {
			// another run of this JVM holds it
		}
		catch (IOException | RuntimeException e) {
			channel.close();
			throw e;
		}
		channel.close();
		throw new IllegalArgumentException(busy);
	}

	/** Gives the folder back. */
	@Override
	public void close() {
		try {
			channel.close(); // releases the lock
		}
		catch (IOException e) {
			// the lock goes with the channel all the same
		}
	}
}
