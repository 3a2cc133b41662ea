package sc.fiji.ganomaly.core.calibrate;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class PatchCalibrationTest {

	@Test
	public void medianIsZeroAndP99IsOne() {
		float[] scores = new float[101];
		for (int i = 0; i <= 100; i++)
			scores[i] = i;
		PatchCalibration c = PatchCalibration.fromNormalScores(scores);
		assertEquals(50, c.median(), 1e-9);
		assertEquals(99, c.p99(), 1e-9);
		assertEquals(0f, c.apply(50), 1e-6f);
		assertEquals(1f, c.apply(99), 1e-6f);
		assertEquals(2f, c.apply(148), 1e-6f);
	}

	@Test
	public void identicalScoresStillGiveAScale() {
		PatchCalibration c = PatchCalibration.fromNormalScores(new float[] { 3, 3, 3 });
		assertEquals(0f, c.apply(3), 1e-6f);
	}
}
