package sc.fiji.ganomaly.core.math;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.Test;

/** Scores of rectangles of rows: short rows are gathered into blocks, and score as each row alone does. */
public class MixtureScoresTest {

	/**
	 * Rows of 37 vectors (blocks of {@value MixtureScores#BLOCK} straddle rows) and rows longer than a
	 * block: the same scores, bit for bit, as scoring each row on its own, written where asked and
	 * nowhere else.
	 */
	@Test
	public void rowsGatheredIntoBlocksScoreAsEachRowAlone() {
		Random random = new Random(5);
		int d = 7;
		float[] sample = new float[3000 * d];
		for (int i = 0; i < sample.length; i++)
			sample[i] = (float) (random.nextGaussian() + (i / d % 3) * 3);
		GaussianMixture g = GaussianMixture.fit(sample, 3000, d, 3, 3, 5, 7);
		for (int width : new int[] { 37, MixtureScores.BLOCK + 45 }) {
			int height = 40, x0 = 3, y0 = 2, y1 = 33, stride = width + 11, offset = 5;
			float[][][] rows = new float[d][height][x0 + width + 2];
			for (float[][] plane : rows)
				for (float[] row : plane)
					for (int x = 0; x < row.length; x++)
						row[x] = (float) (random.nextGaussian() * (x % 4 == 0 ? 20 : 2));
			float[] gathered = new float[offset + (y1 - y0) * stride];
			Arrays.fill(gathered, Float.NaN);
			new MixtureScores(g).scores(rows, x0, width, y0, y1, gathered, offset, stride);
			float[] alone = new float[gathered.length];
			Arrays.fill(alone, Float.NaN);
			MixtureScores scores = new MixtureScores(g);
			float[][] row = new float[d][];
			for (int y = y0; y < y1; y++) {
				for (int j = 0; j < d; j++)
					row[j] = rows[j][y];
				scores.scores(row, x0, width, alone, offset + (y - y0) * stride);
			}
			assertArrayEquals("rows of " + width, alone, gathered, 0f);
			int written = 0;
			for (float v : gathered)
				if (!Float.isNaN(v)) written++;
			assertEquals("rows of " + width, (y1 - y0) * width, written);
			assertTrue(Float.isFinite(gathered[offset + stride + width - 1]));
		}
	}
}
