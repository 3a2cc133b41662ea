package sc.fiji.ganomaly.core.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;

/** A rename that Windows refuses while a scanner holds the file is tried again; a lasting refusal is not hidden. */
public class RenamesTest {

	private static final Path FROM = Path.of(".x.tmp"), TO = Path.of("x.tif");

	@Test
	public void aRefusalThatPassesIsTriedAgain() throws IOException {
		AtomicInteger attempts = new AtomicInteger();
		Renames.replace(FROM, TO, 2000, (from, to) -> {
			if (attempts.incrementAndGet() < 3) throw new FileSystemException(from.toString(), to.toString(),
				"The process cannot access the file because it is being used by another process");
		});
		assertEquals(3, attempts.get());
	}

	@Test
	public void aLastingRefusalEndsWithItsOwnException() {
		AtomicInteger attempts = new AtomicInteger();
		long start = System.nanoTime();
		assertThrows(AccessDeniedException.class, () -> Renames.replace(FROM, TO, 300, (from, to) -> {
			attempts.incrementAndGet();
			throw new AccessDeniedException(to.toString());
		}));
		double ms = (System.nanoTime() - start) / 1e6;
		assertTrue(attempts.get() + " attempts in " + ms + " ms", attempts.get() > 2 && ms < 1000);
		// other failures, and any without patience (not Windows), are not tried again
		attempts.set(0);
		assertThrows(FileSystemException.class, () -> Renames.replace(FROM, TO, 2000, (from, to) -> {
			attempts.incrementAndGet();
			throw new FileSystemException(from.toString(), to.toString(), "No space left on device");
		}));
		assertThrows(AccessDeniedException.class, () -> Renames.replace(FROM, TO, 0, (from, to) -> {
			attempts.incrementAndGet();
			throw new AccessDeniedException(to.toString());
		}));
		assertEquals(2, attempts.get());
	}
}
