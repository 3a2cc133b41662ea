package sc.fiji.ganomaly.core.score;

import sc.fiji.ganomaly.core.api.AnomalyMap;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class MapAccumulatorTest {

	@Test
	public void averagesOverlappingPatches() {
		AnomalyMap map = new AnomalyMap(3, 1);
		MapAccumulator band = new MapAccumulator(map, 1);
		band.add(0, 0, 1, 1f);
		band.add(1, 0, 1, 2f);
		band.add(1, 0, 1, 4f);
		band.flushUntil(1);
		assertArrayEquals(new float[] { 1f, 3f, 0f }, map.values(), 0f);
		assertEquals(3f, map.max(), 0f);
	}

	@Test
	public void squarePatchCoversItsArea() {
		AnomalyMap map = new AnomalyMap(4, 4);
		MapAccumulator band = new MapAccumulator(map, 4);
		band.add(0, 0, 2, 2f);
		band.add(1, 1, 2, 4f);
		band.flushUntil(4);
		assertArrayEquals(new float[] { 2, 2, 0, 0, 2, 3, 4, 0, 0, 4, 4, 0, 0, 0, 0, 0 }, map.values(), 0f);
	}

	@Test
	public void aBandMovesDownAndKeepsUnfinishedRows() {
		AnomalyMap map = new AnomalyMap(2, 5);
		MapAccumulator band = new MapAccumulator(map, 3);
		band.add(0, 0, 2, 1f);
		band.add(0, 1, 2, 3f);
		band.flushUntil(1); // row 0 is final: only the first patch covers it
		assertEquals(1, band.top());
		band.add(0, 2, 2, 5f); // rows 2 and 3 now fit into the band of rows 1..3
		band.flushUntil(5);
		assertArrayEquals(new float[] { 1, 1, 2, 2, 4, 4, 5, 5, 0, 0 }, map.values(), 0f);
		assertThrows(IllegalArgumentException.class, () -> band.add(0, 0, 1, 1f));
	}
}
