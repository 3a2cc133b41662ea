package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.util.Random;

import org.junit.Test;

import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingSettings;

/**
 * {@link GanomalyModel#scorePatches} splits many patches into calls of at most 256, two at once on
 * two threads: every patch gets the score it gets alone, in its own place.
 */
public class ScorePatchesTest {

	@Test
	public void manyPatchesScoreAsEachAlone() {
		Random random = new Random(7);
		TrainingSettings settings = new TrainingSettings().patchSize(16).nz(8).ngf(8).ndf(8).batchSize(32).epochs(1)
			.patchesPerEpoch(256).seed(5).threads(2).score(ScoreKind.LATENT);
		try (GanomalyModel model = Ganomaly.train(SyntheticImages.normalData(6, 48, random), settings,
			ProgressListener.NONE))
		{
			// 601 patches: three calls of 201, 201 and 199, the first two side by side
			int n = 601, length = 16 * 16;
			float[] patches = new float[n * length];
			for (int i = 0; i < patches.length; i++)
				patches[i] = (float) Math.max(-1, Math.min(1, random.nextGaussian() * 0.4));
			float[] all = new float[n];
			model.scorePatches(patches, n, all);
			float[] alone = new float[n], one = new float[1], patch = new float[length];
			for (int i = 0; i < n; i++) {
				System.arraycopy(patches, i * length, patch, 0, length);
				model.scorePatches(patch, 1, one);
				alone[i] = one[0];
			}
			assertArrayEquals(alone, all, 0f);
			// the patches differ, so a patch scored in another's place would show
			assertEquals(n, java.util.Arrays.stream(box(all)).distinct().count());
		}
	}

	private static Float[] box(float[] v) {
		Float[] out = new Float[v.length];
		for (int i = 0; i < v.length; i++)
			out[i] = v[i];
		return out;
	}
}
