package sc.fiji.ganomaly.core.api;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * A folder taken by one run until it is closed: an operating-system lock on a file in it, so that a
 * second run into the folder, in this program or another (a second Fiji, the command line), is
 * refused instead of overwriting the first one's files. A crashed run's lock goes with its process.
 * <p>
 * Two details of file locks are handled here: on Linux and macOS, closing any descriptor of a file
 * releases every lock this process holds on it, so a lock file this JVM holds is never opened again
 * (a second run of this JVM is refused before); and a run that gives its folder back may delete the
 * lock file it holds, so a lock is kept only if its path names the same file before and after it.
 */
public final class FolderLock implements AutoCloseable {

	/** The lock files this JVM holds, as real paths. */
	private static final Set<Path> HELD = new HashSet<>();
	private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

	private final Path file;
	private final FileChannel channel;

	private FolderLock(Path file, FileChannel channel) {
		this.file = file;
		this.channel = channel;
	}

	/**
	 * Takes {@code folder} (made if missing) through the lock file {@code name} in it.
	 *
	 * @throws IllegalArgumentException with {@code busy} as its message if another run holds it
	 * @throws IOException              if the folder or its lock file cannot be made
	 */
	public static FolderLock take(Path folder, String name, String busy) throws IOException {
		synchronized (HELD) {
			for (int attempt = 0; attempt < 3; attempt++) {
				Files.createDirectories(folder);
				Path file = folder.toRealPath().resolve(name);
				if (HELD.contains(file)) throw new IllegalArgumentException(busy);
				try {
					Files.createFile(file); // this JVM holds no lock on it: closing this descriptor drops nothing
				}
				catch (FileAlreadyExistsException e) {
					// another run's, held or not
				}
				Object before = key(file);
				FileChannel channel;
				try {
					channel = FileChannel.open(file, StandardOpenOption.WRITE);
				}
				catch (NoSuchFileException e) {
					continue; // deleted by the run that held it
				}
				FileLock lock;
				try {
					lock = channel.tryLock();
				}
				catch (OverlappingFileLockException e) {
					lock = null; // not this JVM's run (HELD says so): another thread's channel of the same file
				}
				catch (IOException | RuntimeException e) {
					channel.close();
					throw e;
				}
				// a lock on a file its holder deleted after this run opened it holds nothing: try the path's new file.
				// Holders delete the file before they release it; Windows gives no file identity, but Java opens files
				// there with FILE_SHARE_DELETE, so the path is looked at again once the lock is held.
				if (lock != null && (WINDOWS ? Files.exists(file) : before != null && before.equals(key(file)))) {
					HELD.add(file);
					return new FolderLock(file, channel);
				}
				channel.close();
				if (lock == null) throw new IllegalArgumentException(busy);
			}
			throw new IllegalArgumentException(busy);
		}
	}

	/**
	 * The identity of the file {@code file} names now, null if none: a stat that opens nothing (closing
	 * a descriptor would drop this process's locks on the file). Windows gives none.
	 */
	private static Object key(Path file) throws IOException {
		try {
			return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
		}
		catch (NoSuchFileException e) {
			return null;
		}
	}

	/** The lock file. */
	public Path file() {
		return file;
	}

	/** Gives the folder back. */
	@Override
	public void close() {
		synchronized (HELD) {
			if (!HELD.remove(file)) return; // closed before
			try {
				channel.close(); // releases the lock
			}
			catch (IOException e) {
				// the lock goes with the channel all the same
			}
		}
	}
}
