package sc.fiji.ganomaly.fiji;

/**
 * The time a piece of work has left, from its progress reports: the rate since its first report,
 * so that what ran before it (loading a model, the first plane's warm-up) is not counted as
 * progress, and the status bar and a progress window that hear the same reports say the same.
 */
final class TimeLeft {

	private long startedAt = -1, startedDone = -1, startedTotal = -1;

	/**
	 * Seconds left after {@code done} of {@code total} at {@code nanos} (System.nanoTime), or -1 while
	 * unknown. A count that starts again (0 done, fewer done than at its first report, another total:
	 * the next stage of a training) is timed afresh.
	 */
	long seconds(long done, long total, long nanos) {
		if (startedDone < 0 || done == 0 || done < startedDone || total != startedTotal) {
			startedAt = nanos;
			startedDone = done;
			startedTotal = total;
		}
		if (done >= total || done == startedDone) return -1;
		return Math.round((nanos - startedAt) / 1e9 * (total - done) / (done - startedDone));
	}
}
