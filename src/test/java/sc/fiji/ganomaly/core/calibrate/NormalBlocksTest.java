package sc.fiji.ganomaly.core.calibrate;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.Test;

import sc.fiji.ganomaly.core.api.AnomalyMap;

/**
 * Blocks unlike all other normal data are left out of a calibration with their neighbours, and
 * hardly any block of a heavy tail without them.
 */
public class NormalBlocksTest {

	static final int BLOCK = 4;

	/** A map of {@code columns × rows} blocks whose pixels are exp(1.5 N(0, 1)) (a log-normal tail). */
	private static AnomalyMap map(int columns, int rows, Random random) {
		AnomalyMap m = new AnomalyMap(columns * BLOCK, rows * BLOCK);
		for (int i = 0; i < m.values().length; i++)
			m.values()[i] = (float) Math.exp(1.5 * random.nextGaussian());
		return m;
	}

	@Test
	public void withoutOutliersEveryBlockCountsAsMapCalibrationWouldCountIt() {
		Random random = new Random(1);
		NormalBlocks blocks = new NormalBlocks(BLOCK, 1, BLOCK);
		Object plane = new Object();
		float[] pixels = new float[0], maxima = new float[0];
		for (int m = 0; m < 5; m++) {
			AnomalyMap map = map(8, 6, random);
			blocks.add(map, plane, 0, m * 100);
			pixels = concat(pixels, map.values());
			maxima = concat(maxima, blockMaxima(map));
		}
		assertArrayEquals(maxima, blocks.kept(List.of()), 0f);
		assertEquals(MapCalibration.measure(pixels, pixels.length, maxima, maxima.length, BLOCK, 0.01, 256)
			.rawThreshold(256), blocks.measure(0.01, 256, List.of()).rawThreshold(256), 0.0);
	}

	@Test
	public void aSpotFarBeyondTheRestIsLeftOutWithItsNeighboursAndWhereverItOverlaps() {
		Random random = new Random(2);
		Object hot = new Object(), other = new Object();
		NormalBlocks blocks = new NormalBlocks(BLOCK, 1, BLOCK), without = new NormalBlocks(BLOCK, 1, BLOCK);
		AnomalyMap spot = map(8, 8, random);
		for (int m = 0; m < 6; m++) {
			AnomalyMap map = map(8, 8, random);
			blocks.add(map, other, 0, m * 32);
			without.add(map, other, 0, m * 32);
		}
		// a hot pixel at block (3, 2) of a map whose corner is at (8, 40) of its plane, its smoothing
		// reaching the blocks around at a tenth of its height
		for (int y = 0; y < 3 * BLOCK; y++)
			for (int x = 0; x < 3 * BLOCK; x++)
				spot.values()[(BLOCK + y) * 8 * BLOCK + 2 * BLOCK + x] = 500;
		spot.values()[(2 * BLOCK + 1) * 8 * BLOCK + 3 * BLOCK + 2] = 5000;
		blocks.add(spot, hot, 8, 40);
		AnomalyMap withoutSpot = new AnomalyMap(8 * BLOCK, 8 * BLOCK);
		float[] kept = blocks.kept(List.of());
		assertEquals(7 * 64 - 9, kept.length);
		List<NormalBlocks.Spot> spots = blocks.spots();
		assertEquals(9, spots.size());
		assertEquals(new NormalBlocks.Spot(hot, 8 + 3 * BLOCK, 40 + 2 * BLOCK, 8 + 4 * BLOCK, 40 + 3 * BLOCK), spots.get(4));
		float max = 0;
		for (float v : kept)
			max = Math.max(max, v);
		assertTrue("largest kept " + max, max < 500);

		// maps of the same plane elsewhere: the blocks overlapping a spot are left out, other planes' not
		NormalBlocks own = new NormalBlocks(BLOCK, 1, BLOCK);
		AnomalyMap whole = map(12, 20, random);
		own.add(whole, hot, 0, 0);
		own.add(withoutSpot, other, 0, 0);
		// the spots cover x 8+2·4 … 8+5·4 and y 40+4 … 40+16: blocks 4…6 across and 11…13 down
		assertEquals(12 * 20 + 64 - 9, own.kept(spots).length);
	}

	@Test
	public void heavyTailedMaximaAreHardlyEverLeftOut() {
		Random random = new Random(11);
		int dropped = 0, measured = 0;
		for (int n : new int[] { 30, 200, 2000 })
			for (int round = 0; round < 300; round++) {
				float[] sorted = new float[n];
				for (int i = 0; i < n; i++)
					sorted[i] = (float) Math.exp(1.5 * random.nextGaussian());
				Arrays.sort(sorted);
				float cut = NormalBlocks.outlierCut(sorted);
				if (!Float.isNaN(cut)) for (float v : sorted)
					if (v >= cut) dropped++;
				measured += n;
			}
		assertTrue("heavy-tailed maxima left out: " + dropped + " of " + measured, dropped < 0.0001 * measured);
	}

	private static float[] blockMaxima(AnomalyMap map) {
		int columns = map.width() / BLOCK, rows = map.height() / BLOCK;
		float[] out = new float[columns * rows];
		Arrays.fill(out, Float.NEGATIVE_INFINITY);
		for (int y = 0; y < rows * BLOCK; y++)
			for (int x = 0; x < columns * BLOCK; x++)
				out[y / BLOCK * columns + x / BLOCK] = Math.max(out[y / BLOCK * columns + x / BLOCK], map.values()[y * map
					.width() + x]);
		return out;
	}

	private static float[] concat(float[] a, float[] b) {
		float[] out = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}
}
