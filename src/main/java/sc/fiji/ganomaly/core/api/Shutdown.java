package sc.fiji.ganomaly.core.api;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What this JVM does when it is told to exit (Ctrl-C, SIGTERM, {@code System.exit}) while work
 * runs: each piece of {@link Work} is asked to stop and awaited, then the cleanups run (the
 * temporary folders), so that a training stopped from the console still writes its best model from
 * folders that are still there. One JVM shutdown hook does both, in that order.
 */
public final class Shutdown {

	/** How long the exit waits for work that was asked to stop: a network's calibration takes minutes. */
	static final long PATIENCE_MINUTES = 30;

	private static final List<Work> WORK = new CopyOnWriteArrayList<>();
	private static final List<Runnable> CLEANUPS = new CopyOnWriteArrayList<>();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(Shutdown::exit, "ganomaly-shutdown"));
	}

	private Shutdown() {}

	/**
	 * Work that an exit lets finish: at the exit {@code stop} runs (on the exit's thread: it should
	 * only ask, as a cancel flag does), and the exit waits until the work is closed.
	 */
	public static Work begin(Runnable stop) {
		Work work = new Work(stop);
		WORK.add(work);
		return work;
	}

	/** Runs {@code cleanup} at the exit, after every piece of work has finished. */
	public static void afterWork(Runnable cleanup) {
		CLEANUPS.add(cleanup);
	}

	/** Forgets a cleanup given to {@link #afterWork} that was done before the exit. */
	public static void forget(Runnable cleanup) {
		CLEANUPS.remove(cleanup);
	}

	/** Whether this JVM has begun to exit (its shutdown hooks run): work that fails now was stopped by the exit. */
	public static boolean exiting() {
		Thread probe = new Thread(() -> {});
		try {
			Runtime.getRuntime().addShutdownHook(probe);
		}
		catch (IllegalStateException e) {
			return true;
		}
		try {
			Runtime.getRuntime().removeShutdownHook(probe);
		}
		catch (IllegalStateException e) { // the exit began in between
			return true;
		}
		return false;
	}

	/** Work in progress; closing it says that it has finished. */
	public static final class Work implements AutoCloseable {

		private final Runnable stop;
		private final CountDownLatch finished = new CountDownLatch(1);

		private Work(Runnable stop) {
			this.stop = stop;
		}

		@Override
		public void close() {
			WORK.remove(this);
			finished.countDown();
		}
	}

	private static void exit() {
		List<Work> running = List.copyOf(WORK);
		for (Work w : running) {
			try {
				w.stop.run();
			}
			catch (RuntimeException e) {
				// the others are still asked and awaited
			}
		}
		for (Work w : running) {
			try {
				w.finished.await(PATIENCE_MINUTES, TimeUnit.MINUTES);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		for (Runnable cleanup : CLEANUPS) {
			try {
				cleanup.run();
			}
			catch (RuntimeException e) {
				// best effort, as each cleanup is
			}
		}
	}
}
