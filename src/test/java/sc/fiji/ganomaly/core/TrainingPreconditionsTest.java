package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Random;

import net.imglib2.img.array.ArrayImgs;

import org.junit.Test;

import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.train.Trainer;

/**
 * What calibration will need after the epochs is checked before the first: a network training on
 * data too small for its thresholds fails at once, without asking for the engine, in one line; a
 * single plane that is wide rather than high is cut into left and right folds for the texture score.
 */
public class TrainingPreconditionsTest {

	@Test
	public void aNetworkTrainingOnDataTooSmallForItsThresholdsFailsBeforeItStarts() {
		TrainingData one = new TrainingData().add("one crop", SyntheticImages.normal(32, new Random(1)));
		// one patch of 32: too small for the texture score's two folds and, held out whole, one block
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(SyntheticImages
			.tinyNetwork().patchSize(32).score(ScoreKind.LATENT), TextureOnlyModelTest.NO_ENGINE, null).train(one));
		assertTrue(e.getMessage(), e.getMessage().startsWith("input: the texture score's calibration needs two normal " +
			"planes, or one at least 64 pixels high or wide"));
		assertFalse(e.getMessage(), e.getMessage().contains("\n"));
		// 40 x 64: two texture folds, but its held-out band of 32 rows holds one block of 32
		float[] v = new float[40 * 64];
		Random random = new Random(3);
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (150 + 50 * Math.sin(i * 0.6) + 5 * random.nextGaussian());
		TrainingData narrow = new TrainingData().add("narrow", ArrayImgs.floats(v, 40, 64));
		e = assertThrows(IllegalArgumentException.class, () -> new Trainer(SyntheticImages.tinyNetwork().patchSize(32)
			.score(ScoreKind.LATENT), TextureOnlyModelTest.NO_ENGINE, null).train(narrow));
		assertTrue(e.getMessage(), e.getMessage().startsWith("input: the held-out normal data holds 1 block(s) of 32x32 " +
			"pixels; the network's thresholds need at least 2"));
	}

	/**
	 * Blank training images are refused in one line: their model's threshold rested on a spread of
	 * zero and scored every other image around 10^12.
	 */
	@Test
	public void blankImagesAreRefused() {
		float[] blank = new float[128 * 128];
		java.util.Arrays.fill(blank, 500);
		TrainingData data = new TrainingData().add("a", ArrayImgs.floats(blank.clone(), 128, 128)).add("b", ArrayImgs
			.floats(blank.clone(), 128, 128));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(SyntheticImages
			.tinyNetwork().score(ScoreKind.TEXTURE), TextureOnlyModelTest.NO_ENGINE, null).train(data));
		assertTrue(e.getMessage(), e.getMessage().equals("input: every training image is of one value (blank); there " +
			"is nothing normal to learn from them: give images of the normal specimen"));
		// one plane with a structure among blank ones trains
		float[] spot = blank.clone();
		for (int y = 40; y < 60; y++)
			for (int x = 40; x < 60; x++)
				spot[y * 128 + x] = 900;
		data.add("c", ArrayImgs.floats(spot, 128, 128));
		try (GanomalyModel m = GanomalyModel.of(new Trainer(SyntheticImages.tinyNetwork().score(ScoreKind.TEXTURE),
			TextureOnlyModelTest.NO_ENGINE, null).train(data)))
		{
			// its thresholds rest on a real spread: a spot moved elsewhere is normal, noise is not, and neither is
			// scored at the scale of a zero spread
			float[] moved = blank.clone(), noisy = blank.clone();
			Random random = new Random(4);
			for (int y = 70; y < 90; y++)
				for (int x = 60; x < 80; x++) {
					moved[y * 128 + x] = 900;
					noisy[y * 128 + x] = (float) (500 + 200 * random.nextGaussian());
				}
			float normal = m.score(ArrayImgs.floats(moved, 128, 128), 8, "moved").score(), anomalous = m.score(ArrayImgs
				.floats(noisy, 128, 128), 8, "noisy").score();
			assertTrue("moved spot " + normal, normal < 1);
			assertTrue("noise " + anomalous, anomalous > 1 && anomalous < 1e6);
		}
	}

	@Test
	public void oneWidePlaneTrainsTheTextureScore() {
		Random random = new Random(2);
		float[] v = new float[2000 * 24];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (150 + 50 * Math.sin(i % 2000 * 0.6) + 5 * random.nextGaussian());
		TrainingData wide = new TrainingData().add("wide", ArrayImgs.floats(v, 2000, 24));
		try (GanomalyModel m = GanomalyModel.of(new Trainer(SyntheticImages.tinyNetwork().score(ScoreKind.TEXTURE),
			TextureOnlyModelTest.NO_ENGINE, null).train(wide)))
		{
			// scored as trained: the plane itself is normal, the same plane with a noisy stretch is not
			float[] damaged = v.clone();
			for (int y = 0; y < 24; y++)
				for (int x = 900; x < 940; x++)
					damaged[y * 2000 + x] += (float) (80 * random.nextGaussian());
			float normal = m.score(ArrayImgs.floats(v, 2000, 24), 8, "wide").score(), anomalous = m.score(ArrayImgs
				.floats(damaged, 2000, 24), 8, "damaged").score();
			assertTrue("the training plane " + normal, normal < 1);
			assertTrue("a noisy stretch " + anomalous, anomalous > 1);
		}
	}
}
