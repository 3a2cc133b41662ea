package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Test;

public class TrainerSplitTest {

	private static List<NormalizedPlane> planes(int count, int w, int h) {
		List<NormalizedPlane> planes = new ArrayList<>();
		for (int i = 0; i < count; i++)
			planes.add(new NormalizedPlane(w, h, 1, new float[w * h]));
		return planes;
	}

	@Test
	public void manyPlanesHoldOutWholePlanes() {
		Trainer.Split s = Trainer.split(planes(20, 32, 32), 32, 0.1, new Random(1));
		assertEquals(18, s.training().size());
		assertEquals(2, s.validation().size());
		for (Region r : s.validation())
			assertEquals(32 * 32, r.width() * r.height());
	}

	@Test
	public void fewPlanesHoldOutABottomBand() {
		Trainer.Split s = Trainer.split(planes(2, 100, 200), 32, 0.1, new Random(1));
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
		Trainer.Split s = Trainer.split(planes, 32, 0.1, new Random(1));
		assertEquals(3, s.training().size());
		assertEquals(2, s.validation().size());
		for (Region r : s.validation())
			org.junit.Assert.assertNotSame(shortOne, r.plane());
	}

	/** Only when no plane can be split do planes serve both (the calibration then warns). */
	@Test
	public void planesTooShortToSplitServeBoth() {
		Trainer.Split s = Trainer.split(planes(1, 64, 40), 32, 0.1, new Random(1));
		assertEquals(40, s.training().get(0).height());
		assertEquals(40, s.validation().get(0).height());
	}
}
