package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/** The time left counts from the first report, and afresh for a count that starts again. */
public class TimeLeftTest {

	private static final long S = 1_000_000_000L;

	@Test
	public void countsFromTheFirstReport() {
		TimeLeft t = new TimeLeft();
		// the first report comes after a slow first plane (1 of 50 at 100 s): nothing is known yet
		assertEquals(-1, t.seconds(1, 50, 100 * S));
		// then 2 s a plane: 47 planes left after the third
		assertEquals(94, t.seconds(3, 50, 104 * S));
		assertEquals(-1, t.seconds(50, 50, 198 * S));
	}

	@Test
	public void aCountThatStartsAgainIsTimedAfresh() {
		TimeLeft t = new TimeLeft();
		assertEquals(-1, t.seconds(0, 10, 0));
		assertEquals(90, t.seconds(1, 10, 10 * S));
		// the next stage: 0 of 4 at 200 s, then one step a second
		assertEquals(-1, t.seconds(0, 4, 200 * S));
		assertEquals(3, t.seconds(1, 4, 201 * S));
		// another total without a 0 report
		assertEquals(-1, t.seconds(5, 100, 300 * S));
		assertEquals(90, t.seconds(10, 100, 305 * S));
	}
}
