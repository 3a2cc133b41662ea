package sc.fiji.ganomaly.core.math;

import static org.junit.Assert.assertEquals;

import java.util.Random;

import org.junit.Test;

/**
 * {@link FastLog#logs} against {@link Math#log}: within 4 · 10⁻¹⁵ of it (relative, or absolute
 * where |log x| < 1) from the smallest normal double to the largest, its float the same, and Math's
 * value for the values outside that range, wherever they lie in the array.
 */
public class FastLogTest {

	@Test
	public void agreesWithMathLogOverEveryBinade() {
		Random random = new Random(1);
		double[] x = new double[4_000_000];
		int n = 0;
		for (double v = Double.MIN_NORMAL; v < Double.MAX_VALUE / 2 && n + 2 <= x.length; v *= 1.0003) {
			// a random step from each value too, so that significands of every kind are tried
			x[n++] = v;
			x[n++] = v * (1 + random.nextDouble() * 3e-4);
		}
		// around 1, where log is near 0
		while (n < x.length)
			x[n++] = 0.5 + random.nextDouble() * 1.5;
		double[] out = new double[n], work = new double[n];
		FastLog.logs(x, n, out, work);
		double worst = 0;
		long floatsDiffering = 0;
		for (int i = 0; i < n; i++) {
			double expected = Math.log(x[i]);
			worst = Math.max(worst, Math.abs(out[i] - expected) / Math.max(1, Math.abs(expected)));
			if ((float) out[i] != (float) expected) floatsDiffering++;
		}
		assertEquals("largest difference over " + n + " values", 0, worst, 4e-15);
		assertEquals("values whose float differs from Math.log's, of " + n, 0, floatsDiffering);
	}

	@Test
	public void valuesOutsideItsRangeAreMathLogs() {
		double[] x = { 2, 0, -0.0, 3, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
			Double.MIN_VALUE, Double.MIN_NORMAL / 3, 1, Double.MAX_VALUE, Double.MIN_NORMAL };
		double[] out = new double[x.length], work = new double[x.length];
		FastLog.logs(x, x.length, out, work);
		for (int i = 0; i < x.length; i++)
			assertEquals(Double.toString(x[i]), Math.log(x[i]), out[i], Math.abs(Math.log(x[i])) * 4e-16);
	}
}
