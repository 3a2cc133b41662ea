package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class AnomalyMapTest {

	@Test
	public void averagesOverlappingPatches() {
		AnomalyMap map = new AnomalyMap(3, 1);
		map.add(0, 0, 1, 1f);
		map.add(1, 0, 1, 2f);
		map.add(1, 0, 1, 4f);
		assertArrayEquals(new float[] { 1f, 3f, 0f }, map.values(), 0f);
		assertEquals(3f, map.max(), 0f);
	}

	@Test
	public void squarePatchCoversItsArea() {
		AnomalyMap map = new AnomalyMap(4, 4);
		map.add(0, 0, 2, 2f);
		map.add(1, 1, 2, 4f);
		float[] v = map.values();
		assertArrayEquals(new float[] { 2, 2, 0, 0, 2, 3, 4, 0, 0, 4, 4, 0, 0, 0, 0, 0 }, v, 0f);
	}
}
