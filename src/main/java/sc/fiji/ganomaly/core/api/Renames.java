package sc.fiji.ganomaly.core.api;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The last step of writing an output atomically: a finished temporary file renamed over its target.
 * On Windows a virus scanner or the search indexer often holds a file it just saw being written for
 * a moment, and the rename is refused ("access denied", "used by another process"): there it is tried
 * again for up to {@value #WINDOWS_PATIENCE_MS} ms before the refusal counts.
 */
public final class Renames {

	/** How long a refused rename is tried again on Windows. */
	static final long WINDOWS_PATIENCE_MS = 3000;
	private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

	private Renames() {}

	/** Renames {@code from} over {@code to}, atomically where the file system can. */
	public static void replace(Path from, Path to) throws IOException {
		replace(from, to, WINDOWS ? WINDOWS_PATIENCE_MS : 0, Renames::move);
	}

	/** One attempt at a rename. */
	interface Move {

		void move(Path from, Path to) throws IOException;
	}

	/** {@link #replace(Path, Path)} with {@code patienceMs} of attempts of {@code move} while it is refused for a while. */
	static void replace(Path from, Path to, long patienceMs, Move move) throws IOException {
		long deadline = System.nanoTime() + patienceMs * 1_000_000;
		for (long wait = 10;; wait = Math.min(wait * 2, 500)) {
			try {
				move.move(from, to);
				return;
			}
			catch (FileSystemException e) {
				if (!(e instanceof AccessDeniedException || passing(e)) || System.nanoTime() + wait * 1_000_000 > deadline)
					throw e;
			}
			try {
				Thread.sleep(wait);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new IOException("interrupted while renaming " + from + " to " + to, e);
			}
		}
	}

	/** Windows' "being used by another process" (a sharing violation), which passes. */
	private static boolean passing(FileSystemException e) {
		String reason = e.getReason();
		return reason != null && reason.contains("used by another process");
	}

	private static void move(Path from, Path to) throws IOException {
		try {
			Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (AtomicMoveNotSupportedException e) {
			Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
		}
	}
}
