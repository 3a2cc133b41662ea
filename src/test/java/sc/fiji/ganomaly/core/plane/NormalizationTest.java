package sc.fiji.ganomaly.core.plane;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Random;

import org.junit.Test;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import sc.fiji.ganomaly.core.api.Normalization;
import sc.fiji.ganomaly.core.math.Quantiles;

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

	/** Values apart by less than float's reciprocal can scale (subnormal ones) normalise as a constant, not to NaN. */
	@Test
	public void aRangeBelowFloatsNormalNumbersIsAConstant() {
		float[] v = new float[64];
		for (int i = 0; i < v.length; i++)
			v[i] = i % 3 * Float.MIN_VALUE;
		NormalizedPlane p = PlaneNormalizer.apply(Normalization.percentiles(0, 100), ArrayImgs.floats(v, 8, 8), "tiny");
		assertArrayEquals(new float[64], p.data(), 0f);
		NormalizedPlane fixed = PlaneNormalizer.apply(Normalization.fixedRange(0, 1e-39), ArrayImgs.floats(v, 8, 8),
			"tiny");
		assertArrayEquals(new float[64], fixed.data(), 0f);
	}

	/**
	 * Values spanning more than float's range (noise of ±3e38) are not one value: the lowest maps to -1,
	 * the others spread up to the limit (a span beyond float was taken for a constant, all 0).
	 */
	@Test
	public void aRangeBeyondFloatsIsNotAConstant() {
		float[] v = new float[64];
		Random random = new Random(4);
		for (int i = 0; i < v.length; i++)
			v[i] = (random.nextFloat() * 2 - 1) * 3e38f;
		NormalizedPlane p = PlaneNormalizer.apply(Normalization.percentiles(0, 100), ArrayImgs.floats(v, 8, 8), "huge");
		assertTrue("not a constant", !p.isConstant());
		float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
		for (float x : p.data()) {
			assertTrue(x + "", Float.isFinite(x) && Math.abs(x) <= NormalizedPlane.LIMIT);
			min = Math.min(min, x);
			max = Math.max(max, x);
		}
		assertEquals(-1f, min, 1e-6f);
		assertTrue(max + "", max > 0);
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

	/**
	 * A tile holds each pixel's value mapped by its channel's percentiles, for planes of arrays, of
	 * views that are not arrays (channels stacked, an origin moved) and of several types, tiles
	 * anywhere in the plane.
	 */
	@Test
	public void tilesHoldEachPixelNormalised() {
		record Block(int x0, int y0, int width, int height) {}
		Random random = new Random(3);
		int w = 37, h = 29;
		short[] shorts = new short[w * h];
		byte[] a = new byte[w * h], b = new byte[w * h];
		float[] floats = new float[w * h * 3];
		for (int i = 0; i < w * h; i++) {
			shorts[i] = (short) random.nextInt(65536);
			a[i] = (byte) random.nextInt(256);
			b[i] = (byte) random.nextInt(256);
		}
		for (int i = 0; i < floats.length; i++)
			floats[i] = (float) random.nextGaussian();
		List<RandomAccessibleInterval<? extends RealType<?>>> planes = List.of(ArrayImgs.unsignedShorts(shorts, w, h),
			Views.translate(ArrayImgs.unsignedShorts(shorts, w, h), 5, -3), Views.stack(ArrayImgs.unsignedBytes(a, w, h),
				ArrayImgs.unsignedBytes(b, w, h)), ArrayImgs.floats(floats, w, h, 3));
		List<Block> blocks = List.of(new Block(0, 0, w, h), new Block(3, 4, 10, 7), new Block(w - 6, h - 5, 6, 5),
			new Block(11, 0, 1, h));
		Normalization n = Normalization.DEFAULT;
		for (RandomAccessibleInterval<? extends RealType<?>> plane : planes) {
			int channels = plane.numDimensions() == 3 ? (int) plane.dimension(2) : 1;
			// each channel's values in row-major order, and the mapping of its percentiles
			float[][] values = new float[channels][w * h];
			RandomAccess<? extends RealType<?>> at = Views.zeroMin(plane).randomAccess();
			for (int c = 0; c < channels; c++)
				for (int y = 0; y < h; y++)
					for (int x = 0; x < w; x++) {
						at.setPosition(x, 0);
						at.setPosition(y, 1);
						if (channels > 1) at.setPosition(c, 2);
						values[c][y * w + x] = at.get().getRealFloat();
					}
			float[] low = new float[channels], scale = new float[channels];
			for (int c = 0; c < channels; c++) {
				float[] range = Quantiles.quantiles(values[c].clone(), n.low() / 100, n.high() / 100);
				low[c] = range[0];
				scale[c] = range[1] > range[0] ? 2f / (range[1] - range[0]) : 0f;
			}
			PlaneNormalizer normalizer = PlaneNormalizer.measure(n, plane, "plane");
			for (Block t : blocks) {
				float[] tile = normalizer.tile(t.x0(), t.y0(), t.width(), t.height()).data();
				for (int y = 0; y < t.height(); y++)
					for (int x = 0; x < t.width(); x++)
						for (int c = 0; c < channels; c++)
							assertEquals(plane + " " + t + " pixel " + x + ", " + y, (values[c][(t.y0() + y) * w + t.x0() + x] -
								low[c]) * scale[c] - 1f, tile[(y * t.width() + x) * channels + c], 0f);
			}
		}
	}

	/**
	 * The percentiles of a plane of more than {@link PlaneNormalizer#PERCENTILE_SAMPLES} pixels come
	 * from every k-th pixel in row-major order (here every second, over rows of odd width).
	 */
	@Test
	public void percentilesOfLargePlanesComeFromEveryKthPixel() {
		int w = 2101, h = 1001;
		Random random = new Random(7);
		short[] pixels = new short[w * h];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (short) (random.nextInt(1000) + (i % 2 == 0 ? 0 : 30000)); // odd pixels much brighter
		long step = (long) w * h / PlaneNormalizer.PERCENTILE_SAMPLES;
		assertEquals(2, step);
		float[] sample = new float[(w * h + 1) / 2];
		for (int k = 0; k < sample.length; k++)
			sample[k] = pixels[2 * k] & 0xffff;
		Normalization n = Normalization.DEFAULT;
		float[] range = Quantiles.quantiles(sample, n.low() / 100, n.high() / 100);
		float scale = 2f / (range[1] - range[0]);
		NormalizedPlane tile = PlaneNormalizer.measure(n, ArrayImgs.unsignedShorts(pixels, w, h), "large").tile(1000,
			500, 3, 2);
		for (int y = 0; y < 2; y++)
			for (int x = 0; x < 3; x++)
				assertEquals("pixel " + x + ", " + y, ((pixels[(500 + y) * w + 1000 + x] & 0xffff) - range[0]) * scale - 1f,
					tile.data()[y * 3 + x], 0f);
	}

	/**
	 * A few bright spots on a background of one value (under 0.2 % of the pixels: both percentiles are
	 * the background's) are mapped by the plane's extremes: the background to −1, the spots to +1 and
	 * back to their intensity; dark specks likewise to −1.
	 */
	@Test
	public void spotsOnABackgroundOfOneValueStandOut() {
		short[] bright = new short[512 * 512], dark = new short[512 * 512];
		java.util.Arrays.fill(bright, (short) 100);
		java.util.Arrays.fill(dark, (short) 100);
		for (int y = 200; y < 215; y++)
			for (int x = 300; x < 315; x++) {
				bright[y * 512 + x] = 4000;
				dark[y * 512 + x] = 3;
			}
		NormalizedPlane b = PlaneNormalizer.apply(Normalization.DEFAULT, ArrayImgs.unsignedShorts(bright, 512, 512), "spots");
		assertEquals(-1f, b.data()[0], 1e-6);
		assertEquals(1f, b.data()[207 * 512 + 307], 1e-6);
		assertEquals(4000, b.raw(b.data()[207 * 512 + 307], 0), 1e-3);
		NormalizedPlane d = PlaneNormalizer.apply(Normalization.DEFAULT, ArrayImgs.unsignedShorts(dark, 512, 512), "specks");
		assertEquals(1f, d.data()[0], 1e-6);
		assertEquals(-1f, d.data()[207 * 512 + 307], 1e-6);
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
		// a plane read in several bands of rows, two channels: the first value in channel, row and column order
		int w = 600, h = 500;
		float[] two = new float[w * h * 2];
		two[(1 * h + 470) * w + 7] = Float.POSITIVE_INFINITY;
		two[(1 * h + 480) * w + 2] = Float.NaN;
		try {
			PlaneNormalizer.measure(Normalization.fixedRange(0, 1), ArrayImgs.floats(two, w, h, 2), "two.tif");
			fail();
		}
		catch (IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().startsWith("two.tif: pixel (7, 470) is Infinity"));
		}
	}

	@Test(expected = IllegalArgumentException.class)
	public void refusesInvertedPercentiles() {
		Normalization.percentiles(99, 1);
	}
}
