package sc.fiji.ganomaly.core.train;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Test;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Region;

public class TrainerSplitTest {

	private static List<NormalizedPlane> planes(int count, int w, int h) {
		List<NormalizedPlane> planes = new ArrayList<>();
		for (int i = 0; i < count; i++)
			planes.add(new NormalizedPlane(w, h, 1, new float[w * h]));
		return planes;
	}

	@Test
	public void manyPlanesHoldOutWholePlanes() {
		HeldOut s = HeldOut.split(planes(20, 32, 32), 32, 0.1, new Random(1));
		assertEquals(18, s.training().size());
		assertEquals(2, s.validation().size());
		for (Region r : s.validation())
			assertEquals(32 * 32, r.width() * r.height());
	}

	@Test
	public void fewPlanesHoldOutABottomBand() {
		HeldOut s = HeldOut.split(planes(2, 100, 200), 32, 0.1, new Random(1));
		Region train = s.training().get(0), val = s.validation().get(0);
		assertEquals(0, train.y0());
		assertEquals(200 - 32, train.height()); // 10 % of 200 is 20, less than a patch: one patch tall
		assertEquals(200 - 32, val.y0());
		assertEquals(32, val.height());
	}

	/** Held-out data is never trained on: a short plane beside splittable ones is trained on only. */
	@Test
	public void shortPlanesBesideSplittableOnesAreNotHeldOut() {
		List<NormalizedPlane> planes = planes(2, 100, 200);
		NormalizedPlane shortOne = new NormalizedPlane(64, 40, 1, new float[64 * 40]);
		planes.add(shortOne);
		HeldOut s = HeldOut.split(planes, 32, 0.1, new Random(1));
		assertEquals(3, s.training().size());
		assertEquals(2, s.validation().size());
		for (Region r : s.validation())
			org.junit.Assert.assertNotSame(shortOne, r.plane());
	}

	/** Only when no plane can be split do planes serve both (the calibration then warns). */
	@Test
	public void planesTooShortToSplitServeBoth() {
		HeldOut s = HeldOut.split(planes(1, 64, 40), 32, 0.1, new Random(1));
		assertEquals(40, s.training().get(0).height());
		assertEquals(40, s.validation().get(0).height());
	}

	/** Validation losses of the detection suite's default trainings (docs/benchmarks.md). */
	@Test
	public void convergenceComparesTheLastThirdWithTheMiddleThird() {
		// nuclei: still falling by 19 %
		org.junit.Assert.assertFalse(TrainingSummary.converged(List.of(12.6442, 5.1275, 4.0155, 3.4784, 2.9002, 2.6279, 2.4599,
			2.3509, 2.2157, 2.0535, 2.0005, 1.9951, 1.8817, 1.8331, 1.7963)));
		// moon: swings around a plateau (best epoch 14 of 15, but the last third is 4 % lower only)
		org.junit.Assert.assertTrue(TrainingSummary.converged(List.of(9.5449, 5.1818, 4.1041, 4.4399, 3.9938, 3.9319, 3.7241,
			3.7974, 3.5784, 3.6433, 3.7019, 3.8990, 3.6716, 3.2802, 3.4139)));
		org.junit.Assert.assertTrue(TrainingSummary.converged(List.of(3.0, 2.0)));
	}
}
