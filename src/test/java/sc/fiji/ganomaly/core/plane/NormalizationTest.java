package sc.fiji.ganomaly.core.plane;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.junit.Test;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import sc.fiji.ganomaly.core.api.Normalization;

public class NormalizationTest {

	@Test
	public void percentilesMapToMinusOneAndOne() {
		float[] v = new float[101];
		for (int i = 0; i <= 100; i++)
			v[i] = i;
		NormalizedPlane p = PlaneNormalizer.apply(Normalization.percentiles(0, 100), ArrayImgs.floats(v, 101, 1), "ramp");
		assertEquals(-1f, p.data()[0], 1e-6f);
		assertEquals(0f, p.data()[50], 1e-6f);
		assertEquals(1f, p.data()[100], 1e-6f);
	}

	@Test
	public void fixedRangeMapsIntensities() {
		NormalizedPlane p = PlaneNormalizer.apply(Normalization.fixedRange(0, 200), ArrayImgs.floats(new float[] { 0, 100, 300 }, 3, 1),
			"x");
		assertArrayEquals(new float[] { -1, 0, 2 }, p.data(), 1e-6f);
	}

	@Test
	public void channelsAreNormalisedSeparatelyAndInterleaved() {
		// channel 0: 0, 10; channel 1: 100, 300
		ArrayImg<FloatType, FloatArray> img = ArrayImgs.floats(new float[] { 0, 10, 100, 300 }, 2, 1, 2);
		NormalizedPlane p = PlaneNormalizer.apply(Normalization.percentiles(0, 100), img, "two channels");
		assertEquals(2, p.channels());
		assertArrayEquals(new float[] { -1, -1, 1, 1 }, p.data(), 1e-6f);
	}

	@Test
	public void constantImagesBecomeZero() {
		NormalizedPlane p = PlaneNormalizer.apply(Normalization.DEFAULT, ArrayImgs.floats(new float[] { 7, 7, 7, 7 }, 2, 2), "flat");
		assertArrayEquals(new float[4], p.data(), 0f);
	}

	@Test
	public void leavesTheInputUntouched() {
		float[] v = { 1, 2, 3, 4 };
		PlaneNormalizer.apply(Normalization.DEFAULT, ArrayImgs.floats(v, 2, 2), "x");
		assertArrayEquals(new float[] { 1, 2, 3, 4 }, v, 0f);
	}

	@Test
	public void refusesNaNNamingTheImageAndPixel() {
		try {
			PlaneNormalizer.apply(Normalization.DEFAULT, ArrayImgs.floats(new float[] { 1, Float.NaN, 3, 4 }, 2, 2), "cells.tif");
			fail();
		}
		catch (IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().startsWith("cells.tif: pixel (1, 0) is NaN"));
		}
	}

	@Test(expected = IllegalArgumentException.class)
	public void refusesInvertedPercentiles() {
		Normalization.percentiles(99, 1);
	}
}
