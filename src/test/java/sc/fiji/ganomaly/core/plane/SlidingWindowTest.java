package sc.fiji.ganomaly.core.plane;

import static org.junit.Assert.assertArrayEquals;

import org.junit.Test;

public class SlidingWindowTest {

	@Test
	public void addsAWindowFlushWithTheEnd() {
		assertArrayEquals(new int[] { 0, 8, 16, 18 }, SlidingWindow.positions(50, 32, 8));
	}

	@Test
	public void exactFitNeedsNoExtraWindow() {
		assertArrayEquals(new int[] { 0, 8, 16 }, SlidingWindow.positions(48, 32, 8));
		assertArrayEquals(new int[] { 0 }, SlidingWindow.positions(32, 32, 8));
	}

	@Test(expected = IllegalArgumentException.class)
	public void refusesImagesSmallerThanThePatch() {
		SlidingWindow.positions(31, 32, 8);
	}

	@Test(expected = IllegalArgumentException.class)
	public void refusesZeroStride() {
		SlidingWindow.positions(64, 32, 0);
	}
}
