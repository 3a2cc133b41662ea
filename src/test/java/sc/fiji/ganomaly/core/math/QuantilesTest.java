package sc.fiji.ganomaly.core.math;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.Test;

/** Quantiles found by selection or by counting are those of the sorted values, bit for bit. */
public class QuantilesTest {

	private static final double[] QS = { 0, 0.001, 0.01, 0.25, 0.5, 0.7, 0.99, 0.999, 1 };

	private static void assertAsSorted(String what, float[] values) {
		float[] sorted = values.clone();
		Arrays.sort(sorted);
		float[] selected = Quantiles.quantiles(values.clone(), QS);
		for (int k = 0; k < QS.length; k++)
			assertEquals(what + " q " + QS[k], Quantiles.quantile(sorted, QS[k]), selected[k], 0);
	}

	/** Random values, few distinct values (ties), sorted, reversed and equal values, of many sizes. */
	@Test
	public void selectionGivesTheQuantilesOfTheSortedValues() {
		Random random = new Random(1);
		for (int n : new int[] { 1, 2, 3, 5, 17, 100, 1001, 65536 }) {
			float[] gaussian = new float[n], ties = new float[n], ramp = new float[n], reversed = new float[n];
			for (int i = 0; i < n; i++) {
				gaussian[i] = (float) random.nextGaussian();
				ties[i] = random.nextInt(4) * 1000;
				ramp[i] = i;
				reversed[i] = n - i;
			}
			assertAsSorted("gaussian " + n, gaussian);
			assertAsSorted("ties " + n, ties);
			assertAsSorted("ramp " + n, ramp);
			assertAsSorted("reversed " + n, reversed);
			assertAsSorted("equal " + n, new float[n]);
		}
		// intensities of 8- and 16-bit images (counted), of a span too wide to count, and integers with
		// one fraction, one −0 or one value beyond float's exact integers among them (selected)
		float[] sixteen = new float[100_000], signed = new float[100_000], wide = new float[1000];
		for (int i = 0; i < sixteen.length; i++) {
			sixteen[i] = random.nextInt(65536);
			signed[i] = random.nextInt(65536) - 32768;
		}
		for (int i = 0; i < wide.length; i++)
			wide[i] = random.nextInt(1 << 20);
		assertAsSorted("16-bit", sixteen);
		assertAsSorted("signed 16-bit", signed);
		assertAsSorted("wide", wide);
		for (float odd : new float[] { 0.5f, -0f, 1 << 25, 2147483648f }) {
			float[] mixed = sixteen.clone();
			mixed[12345] = odd;
			assertAsSorted("16-bit and " + odd, mixed);
		}
		// both zeros, in the order Arrays.sort gives them (−0 first), bit for bit
		assertAsSorted("zeros", new float[] { 0f, -0f, 0f, -0f, 1f });
		for (int k = 0; k < QS.length; k++)
			assertEquals(Float.floatToIntBits(Quantiles.quantile(new float[] { -0f, 0f }, QS[k])), Float.floatToIntBits(
				Quantiles.quantiles(new float[] { 0f, -0f }, QS[k])[0]));
		assertTrue(Float.isNaN(Quantiles.quantiles(new float[0], 0.5)[0]));
	}

	/**
	 * A million values in orders that are hard for simple pivots (sorted, organ pipe, two values
	 * alternating) select in well under the time limit: a quadratic selection would take hours.
	 */
	@Test(timeout = 20_000)
	public void largeInputsInHardOrdersSelectQuickly() {
		int n = 1 << 20;
		float[] sorted = new float[n], pipe = new float[n], alternating = new float[n];
		for (int i = 0; i < n; i++) {
			sorted[i] = i;
			pipe[i] = Math.min(i, n - 1 - i);
			alternating[i] = i % 2;
		}
		assertAsSorted("sorted", sorted);
		assertAsSorted("organ pipe", pipe);
		assertAsSorted("alternating", alternating);
	}
}
