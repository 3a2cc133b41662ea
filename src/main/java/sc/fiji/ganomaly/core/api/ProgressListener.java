package sc.fiji.ganomaly.core.api;

/**
 * Hears about long work and may cancel it. The core calls it from the working thread; console,
 * status bar and loss-curve window are adapters of this one interface.
 */
public interface ProgressListener {

	/** A time span as h:mm:ss (rounded to the second), for progress messages. */
	static String duration(double seconds) {
		long s = Math.round(seconds);
		return String.format(java.util.Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
	}

	/** Ignores everything and never cancels. */
	ProgressListener NONE = new ProgressListener() {};

	/** Tells every one of {@code listeners} (nulls are none); cancels as soon as any one of them does. */
	static ProgressListener all(ProgressListener... given) {
		ProgressListener[] listeners = java.util.Arrays.stream(given).filter(java.util.Objects::nonNull).toArray(
			ProgressListener[]::new);
		return new ProgressListener() {

			@Override
			public void status(String message) {
				for (ProgressListener l : listeners)
					l.status(message);
			}

			@Override
			public void warning(String message) {
				for (ProgressListener l : listeners)
					l.warning(message);
			}

			@Override
			public void phase(String message) {
				for (ProgressListener l : listeners)
					l.phase(message);
			}

			@Override
			public void progress(long done, long total) {
				for (ProgressListener l : listeners)
					l.progress(done, total);
			}

			@Override
			public void epochFinished(EpochSummary summary) {
				for (ProgressListener l : listeners)
					l.epochFinished(summary);
			}

			@Override
			public boolean isCanceled() {
				for (ProgressListener l : listeners)
					if (l.isCanceled()) return true;
				return false;
			}
		};
	}

	/**
	 * The listener of part {@code index} (from 0) of work cut into {@code parts} equal parts, done one
	 * after the other, each counting in totals of its own: its {@code done} of {@code total} is
	 * {@code index + done / total} parts of the whole (in millionths of a part), so that progress only
	 * grows and ends at the whole's total; status and cancellation are the whole's.
	 */
	static ProgressListener part(ProgressListener whole, long index, long parts) {
		long unit = 1_000_000;
		return relay(whole, (done, total) -> whole.progress(index * unit + (total <= 0 ? 0 : (long) (unit * (Math.min(done,
			total) / (double) total))), parts * unit), whole::isCanceled);
	}

	/** A listener whose status goes to {@code whole}, its progress to {@code progress}, cancelling when {@code canceled} says. */
	private static ProgressListener relay(ProgressListener whole, java.util.function.BiConsumer<Long, Long> progress,
		java.util.function.BooleanSupplier canceled)
	{
		return new ProgressListener() {

			@Override
			public void status(String message) {
				whole.status(message);
			}

			@Override
			public void warning(String message) {
				whole.warning(message);
			}

			@Override
			public void phase(String message) {
				whole.phase(message);
			}

			@Override
			public void progress(long done, long total) {
				progress.accept(done, total);
			}

			@Override
			public boolean isCanceled() {
				return canceled.getAsBoolean();
			}
		};
	}

	/** A listener that hears nothing and cancels when {@code whole} does (its progress counted elsewhere). */
	static ProgressListener cancellation(ProgressListener whole) {
		return new ProgressListener() {

			@Override
			public boolean isCanceled() {
				return whole.isCanceled();
			}
		};
	}

	/** A listener that hears what {@code whole} hears and never cancels: work that must end once begun. */
	static ProgressListener uncancelable(ProgressListener whole) {
		return relay(whole, whole::progress, () -> false);
	}

	/** A short line of what happens now. */
	default void status(String message) {}

	/**
	 * Something the user should read and may act on, in one line without a "warning: " prefix (each
	 * front end marks warnings its own way); by default a status line that starts with one.
	 */
	default void warning(String message) {
		status("warning: " + message);
	}

	/**
	 * A phase of the work begins, such as the calibration after the epochs; the progress that follows
	 * counts from 0. By default a status line.
	 */
	default void phase(String message) {
		status(message);
	}

	/** {@code done} of {@code total} units are finished. */
	default void progress(long done, long total) {}

	/** A training epoch has ended. */
	default void epochFinished(EpochSummary summary) {}

	/** Polled between batches: true stops the work as soon as it is safe. */
	default boolean isCanceled() {
		return false;
	}
}
