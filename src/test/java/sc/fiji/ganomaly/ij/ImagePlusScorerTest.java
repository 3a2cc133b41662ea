package sc.fiji.ganomaly.ij;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.SyntheticImages;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;

/**
 * An image is locked while it is scored, so that ImageJ's filters and conversions refuse it, and an
 * image changed meanwhile all the same ends the scoring with one line instead of a map of two images.
 */
public class ImagePlusScorerTest {

	private static GanomalyModel model;

	@BeforeClass
	public static void train() {
		model = Ganomaly.train(SyntheticImages.normalData(4, 64, new Random(2)), SyntheticImages.tinyNetwork().seed(2)
			.score(ScoreKind.TEXTURE), ProgressListener.NONE);
	}

	@AfterClass
	public static void close() {
		if (model != null) model.close();
	}

	/** Three planes of 512²: scored one plane at a time (GanomalyModel.planesAtOnce). */
	private static ImagePlus stack() {
		Random random = new Random(4);
		ImageStack stack = new ImageStack(512, 512);
		for (int i = 0; i < 3; i++) {
			float[] pixels = new float[512 * 512];
			for (int k = 0; k < pixels.length; k++)
				pixels[k] = (float) random.nextGaussian();
			stack.addSlice(new FloatProcessor(512, 512, pixels));
		}
		return new ImagePlus("cells", stack);
	}

	@Test
	public void anImageIsLockedWhileItIsScored() {
		ImagePlus imp = stack();
		AtomicBoolean lockedMeanwhile = new AtomicBoolean(true);
		ImagePlusScorer.Result r = ImagePlusScorer.score(model, imp, 0, new ProgressListener() {

			@Override
			public void progress(long done, long total) {
				if (!imp.isLocked()) lockedMeanwhile.set(false);
			}
		});
		assertEquals(3, r.scores().size());
		assertTrue(lockedMeanwhile.get());
		assertFalse("unlocked at the end", imp.isLocked());
	}

	/** An image sequence's planes are named by their files in the table and on the map. */
	@Test
	public void planesKeepTheirLabels() {
		ImagePlus imp = stack();
		imp.getStack().setSliceLabel("field_07.tif", 2);
		imp.getStack().setSliceLabel("field_09.tif\nacquired 12:03", 3);
		ImagePlusScorer.Result r = ImagePlusScorer.score(model, imp, 0, ProgressListener.NONE);
		ij.measure.ResultsTable t = ScoreTables.of(r.withThreshold(1));
		assertEquals(3, t.size());
		assertEquals(null, t.getLabel(0));
		assertEquals("field_07.tif", t.getLabel(1));
		assertEquals("field_09.tif", t.getLabel(2));
		assertEquals(r.scores().get(2).score(), t.getValue("score", 2), 0);
		assertEquals(null, r.anomalyMap().getStack().getSliceLabel(1));
		assertEquals("field_07.tif", r.anomalyMap().getStack().getSliceLabel(2));
		assertEquals("field_09.tif", r.anomalyMap().getStack().getSliceLabel(3));
	}

	/** Scoring only reads: an image another scoring holds is scored too, and keeps that one's lock. */
	@Test
	public void anImageLockedElsewhereIsScoredAndStaysLocked() throws Exception {
		ImagePlus imp = stack();
		Thread other = new Thread(imp::lockSilently);
		other.start();
		other.join();
		assertEquals(3, ImagePlusScorer.score(model, imp, 0, ProgressListener.NONE).scores().size());
		assertTrue("the other command's lock stays", imp.isLocked());
	}

	@Test
	public void anImageChangedWhileItIsScoredEndsTheScoring() {
		ImagePlus imp = stack();
		AtomicBoolean changed = new AtomicBoolean();
		try {
			ImagePlusScorer.score(model, imp, 0, new ProgressListener() {

				@Override
				public void progress(long done, long total) {
					// as a script that ignores the lock might: the stack made 8-bit while plane 1 is scored
					if (changed.getAndSet(true)) return;
					ImageStack bytes = new ImageStack(512, 512);
					for (int i = 0; i < 3; i++)
						bytes.addSlice(new ByteProcessor(512, 512));
					imp.setStack(bytes);
				}
			});
			fail("scored planes of two images as one");
		}
		catch (IllegalStateException e) {
			assertEquals("image: cells was closed or changed while it was scored (512x512 pixels, 1 channel(s), " +
				"3 plane(s), 32-bit when scoring began, now 512x512 pixels, 1 channel(s), 3 plane(s), 8-bit); no map " +
				"was made: score it again", e.getMessage());
		}
		assertFalse(imp.isLocked());
	}
}
