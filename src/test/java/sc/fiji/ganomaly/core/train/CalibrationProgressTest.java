package sc.fiji.ganomaly.core.train;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Test;

import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.SyntheticImages;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;

/**
 * A network training's calibration, minutes for many large planes, shows its progress from 0 to the
 * whole, and a Stop during it still ends with the best epoch calibrated.
 */
public class CalibrationProgressTest {

	@Test
	public void calibrationCountsUpToTheWholeAndRunsToItsEndAfterAStop() {
		List<long[]> calibrating = new ArrayList<>();
		ProgressListener listener = new ProgressListener() {

			boolean calibration;

			@Override
			public void status(String message) {
				if (message.startsWith("calibrating scores")) calibration = true;
			}

			@Override
			public void progress(long done, long total) {
				if (calibration) calibrating.add(new long[] { done, total });
			}

			@Override
			public boolean isCanceled() {
				return calibration; // Stop pressed once the calibration has begun
			}
		};
		// the Stop changes nothing of the model: every score's map and image score as without one
		var plane = SyntheticImages.normal(48, new Random(9));
		try (GanomalyModel stopped = Ganomaly.train(ResumeTest.data(), ResumeTest.settings(null).epochs(1), listener);
			GanomalyModel whole = Ganomaly.train(ResumeTest.data(), ResumeTest.settings(null).epochs(1),
				ProgressListener.NONE))
		{
			for (ScoreKind kind : ScoreKind.values()) {
				PlaneScore a = stopped.withScore(kind).score(plane, 4, "plane"), b = whole.withScore(kind).score(plane, 4,
					"plane");
				assertEquals(kind + " image score", b.score(), a.score(), 0);
				assertArrayEquals(kind + " map", b.map().values(), a.map().values(), 0);
			}
		}
		assertTrue("progress lines: " + calibrating.size(), calibrating.size() >= 10);
		long total = calibrating.get(0)[1];
		for (int i = 0; i < calibrating.size(); i++) {
			long[] p = calibrating.get(i);
			assertEquals("one whole", total, p[1]);
			assertTrue("never back: " + p[0], i == 0 || p[0] >= calibrating.get(i - 1)[0]);
		}
		assertEquals(0, calibrating.get(0)[0]);
		assertEquals(total, calibrating.get(calibrating.size() - 1)[0]);
	}
}
