package sc.fiji.ganomaly.core.math;

import java.util.Arrays;

/**
 * −2 log p(x) of a {@link GaussianMixture} for many vectors at once, for one thread: each
 * component's precision as a triangular factor, q = |U (x − mean)|² with UᵀU the precision, in
 * floats, pixels innermost so that the loops vectorise. Agrees with
 * {@link GaussianMixture#score} to a few float roundings of the quadratic form.
 */
public final class MixtureScores {

	/** Pixels scored at once. */
	public static final int BLOCK = 512;

	/**
	 * Below this, exp of a component's log-density relative to the largest is less than 10⁻¹⁷ and
	 * leaves the sum of the exponentials (at least 1) unchanged.
	 */
	private static final double NEGLIGIBLE = -40;

	/** What every scorer of one mixture shares, made once: it is never written after. */
	private final Factors factors;
	// work arrays of this scorer's thread
	private final float[][] x, diff;
	private final float[] row = new float[BLOCK], next = new float[BLOCK], q = new float[BLOCK], result = new float[BLOCK];
	// where the pieces of rows gathered in a block go in the output: start and length of each
	private final int[] segmentOut = new int[BLOCK], segmentLength = new int[BLOCK];
	private final double[][] log;
	private final double[] maxima = new double[BLOCK], sums = new double[BLOCK], logSums = new double[BLOCK],
			work = new double[BLOCK];

	/** @throws IllegalArgumentException if a component's precision is not positive definite */
	public MixtureScores(GaussianMixture mixture) {
		this(Factors.of(mixture));
	}

	private MixtureScores(Factors factors) {
		this.factors = factors;
		int d = factors.mixture().dim();
		x = new float[d][BLOCK];
		// three rows of zeros beyond the last: the padded columns
		diff = new float[d + 3][BLOCK];
		log = new double[factors.mixture().components()][BLOCK];
	}

	/**
	 * A scorer of the same mixture, the same scores, for use on another thread than this one's,
	 * without factoring again.
	 */
	public MixtureScores forAnotherThread() {
		return new MixtureScores(factors);
	}

	/**
	 * The mixture's components as the blocks score them.
	 *
	 * @param pairs      per component and pair of U's rows (a, a + 1), their columns from a on, four
	 *                   at a time, padded with zeros to a multiple of four: {@code [c][a / 2][8 g + t]}
	 *                   row a's and {@code [c][a / 2][8 g + t + 4]} row a + 1's column a + 4 g + t
	 * @param floatMeans the components' means as floats, {@code [c * d + j]}
	 * @param logWeights the log of each component's weight
	 */
	private record Factors(GaussianMixture mixture, float[][][] pairs, float[] floatMeans, double[] logWeights) {

		static Factors of(GaussianMixture mixture) {
			int d = mixture.dim(), k = mixture.components();
			double[] precisions = mixture.precisions(), means = mixture.means(), weights = mixture.weights();
			float[][][] pairs = new float[k][(d + 1) / 2][];
			double[] logWeights = new double[k];
			float[] floatMeans = new float[k * d], factor = new float[d * d];
			for (int c = 0; c < k; c++) {
				logWeights[c] = Math.log(weights[c]);
				double[] l = Matrices.cholesky(Arrays.copyOfRange(precisions, c * d * d, (c + 1) * d * d), d,
					"a texture component's inverse");
				// U = Lᵀ for the precision L Lᵀ: row a holds L[b][a] for b ≥ a
				for (int a = 0; a < d; a++)
					for (int b = a; b < d; b++)
						factor[a * d + b] = (float) l[b * d + a];
				for (int j = 0; j < d; j++)
					floatMeans[c * d + j] = (float) means[c * d + j];
				for (int a = 0; a < d; a += 2) {
					float[] pair = pairs[c][a / 2] = new float[8 * ((d - a + 3) / 4)];
					for (int j = a; j < d; j++) {
						int g = (j - a) / 4, t = (j - a) % 4;
						pair[8 * g + t] = factor[a * d + j];
						if (a + 1 < d) pair[8 * g + t + 4] = factor[(a + 1) * d + j];
					}
				}
			}
			return new Factors(mixture, pairs, floatMeans, logWeights);
		}
	}

	/**
	 * −2 log p(x) (without the constant d log 2π) of {@code n} vectors given as planes,
	 * {@code planes[j][offset + i]} the value j of vector i, into {@code out[outOffset + i]}.
	 */
	public void scores(float[][] planes, int offset, int n, float[] out, int outOffset) {
		float[][][] rows = new float[planes.length][][];
		for (int j = 0; j < planes.length; j++)
			rows[j] = new float[][] { planes[j] };
		scores(rows, offset, n, 0, 1, out, outOffset, 0);
	}

	/**
	 * −2 log p(x) (without the constant d log 2π) of the vectors of a rectangle of planes of rows,
	 * {@code rows[j][y][x0 + i]} the value j of the vector at column i of row y, for y from {@code y0}
	 * to {@code y1 - 1} and i below {@code width}, into {@code out[outOffset + (y - y0) * outStride + i]}.
	 * Short rows are scored together, a block of {@value #BLOCK} vectors at a time; the scores are
	 * those of one vector at a time.
	 */
	public void scores(float[][][] rows, int x0, int width, int y0, int y1, float[] out, int outOffset,
		int outStride)
	{
		int d = factors.mixture().dim();
		int filled = 0, segments = 0;
		for (int y = y0; y < y1; y++)
			for (int i = 0; i < width;) {
				int take = Math.min(width - i, BLOCK - filled);
				for (int j = 0; j < d; j++)
					System.arraycopy(rows[j][y], x0 + i, x[j], filled, take);
				segmentOut[segments] = outOffset + (y - y0) * outStride + i;
				segmentLength[segments++] = take;
				filled += take;
				i += take;
				if (filled == BLOCK) {
					scoreBlock(filled, out, segments);
					filled = segments = 0;
				}
			}
		if (filled > 0) scoreBlock(filled, out, segments);
	}

	/**
	 * Scores the block of {@code n} vectors gathered in {@link #x} and hands the scores to the
	 * {@code segments} pieces of {@code out} they came from. Per component and pair of U's rows, one
	 * loop adds four columns at a time, the same loop for every group (the padded zeros change no sum
	 * of finite values).
	 */
	private void scoreBlock(int n, float[] out, int segments) {
		GaussianMixture mixture = factors.mixture();
		int k = mixture.components(), d = mixture.dim();
		double[] logDets = mixture.logDets(), logWeights = factors.logWeights();
		float[] floatMeans = factors.floatMeans();
		float[][][] pairs = factors.pairs();
		float[] row = this.row, next = this.next, q = this.q;
		float[][] diff = this.diff, x = this.x;
		for (int c = 0; c < k; c++) {
			for (int j = 0; j < d; j++)
				subtract(x[j], floatMeans[c * d + j], diff[j], n);
			Arrays.fill(q, 0, n, 0);
			// rows a and a + 1 of U (x − mean) at once, their squares added to q
			for (int a = 0; a < d; a += 2) {
				pairRows(pairs[c][a / 2], diff, a, row, next, n);
				addSquares(row, next, q, n);
			}
			logDensities(q, logWeights[c], logDets[c], log[c], n);
		}
		// per vector, the largest log-density and the sum of the others' exponentials relative to it,
		// the components in order
		Arrays.fill(maxima, 0, n, Double.NEGATIVE_INFINITY);
		for (int c = 0; c < k; c++)
			largest(log[c], maxima, n);
		Arrays.fill(sums, 0, n, 0);
		for (int c = 0; c < k; c++)
			addExponentials(log[c], maxima, sums, n);
		FastLog.logs(sums, n, logSums, work);
		for (int i = 0; i < n; i++)
			result[i] = (float) (-2 * (maxima[i] + logSums[i]));
		for (int s = 0, from = 0; s < segments; from += segmentLength[s++])
			System.arraycopy(result, from, out, segmentOut[s], segmentLength[s]);
	}

	// The loops of a block, each a method of its own that a block calls many times with one pass over
	// the block's vectors: the JIT compiles each of them after a few blocks, once, instead of first
	// compiling a block's long nest of loops on stack, once per loop (docs/benchmarks.md).

	/** {@code to[i] = from[i] − m} for i below {@code n}. */
	private static void subtract(float[] from, float m, float[] to, int n) {
		for (int i = 0; i < n; i++)
			to[i] = from[i] - m;
	}

	/** {@code q[i] += row[i]² + next[i]²} for i below {@code n}. */
	private static void addSquares(float[] row, float[] next, float[] q, int n) {
		for (int i = 0; i < n; i++)
			q[i] += row[i] * row[i] + next[i] * next[i];
	}

	/** A component's log-density (without the constant) from the quadratic forms {@code q}. */
	private static void logDensities(float[] q, double logWeight, double logDet, double[] into, int n) {
		for (int i = 0; i < n; i++)
			into[i] = logWeight - 0.5 * (q[i] + logDet);
	}

	/** {@code maxima[i] = max(maxima[i], log[i])} for i below {@code n}. */
	private static void largest(double[] log, double[] maxima, int n) {
		for (int i = 0; i < n; i++)
			maxima[i] = Math.max(maxima[i], log[i]);
	}

	/** Adds exp(log − maximum) to {@code sums}: 1 for the largest, nothing below e^{@value #NEGLIGIBLE}. */
	private static void addExponentials(double[] log, double[] maxima, double[] sums, int n) {
		for (int i = 0; i < n; i++) {
			double e = log[i] - maxima[i];
			if (e == 0) sums[i] += 1;
			else if (e > NEGLIGIBLE) sums[i] += Math.exp(e);
		}
	}

	/**
	 * Rows a and a + 1 of U (x − mean) of {@code n} vectors into {@code row} and {@code next}, four
	 * columns at a time: each value of x − mean read once for both, each row's sum in the order of
	 * its columns.
	 */
	private static void pairRows(float[] pair, float[][] diff, int a, float[] row, float[] next, int n) {
		Arrays.fill(row, 0, n, 0);
		Arrays.fill(next, 0, n, 0);
		for (int g = 0, j = a; g < pair.length; g += 8, j += 4)
			fourColumns(pair, g, diff[j], diff[j + 1], diff[j + 2], diff[j + 3], row, next, n);
	}

	/**
	 * The products of four columns of a pair of rows, {@code pair[g..g+3]} and {@code pair[g+4..g+7]},
	 * with the values {@code s0..s3} of those columns, added to {@code row} and {@code next} in the
	 * order of the columns.
	 */
	private static void fourColumns(float[] pair, int g, float[] s0, float[] s1, float[] s2, float[] s3, float[] row,
		float[] next, int n)
	{
		float p0 = pair[g], p1 = pair[g + 1], p2 = pair[g + 2], p3 = pair[g + 3];
		float q0 = pair[g + 4], q1 = pair[g + 5], q2 = pair[g + 6], q3 = pair[g + 7];
		for (int i = 0; i < n; i++) {
			float x0 = s0[i], x1 = s1[i], x2 = s2[i], x3 = s3[i];
			float t = row[i];
			t += p0 * x0;
			t += p1 * x1;
			t += p2 * x2;
			t += p3 * x3;
			row[i] = t;
			float v = next[i];
			v += q0 * x0;
			v += q1 * x1;
			v += q2 * x2;
			v += q3 * x3;
			next[i] = v;
		}
	}
}
