package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertTrue;

import java.util.Random;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import org.junit.Test;

import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.train.Trainer;

/**
 * Normal training data with a plane unlike the rest in one spot (a hot pixel) or as a whole (a
 * blank frame) still gives a model that flags an anomaly as the clean data's model does: the
 * calibration leaves such spots out (NormalBlocks) instead of raising every threshold above them.
 */
public class OutlierPlanesTest {

	@Test
	public void aHotPixelOrABlankFrameAmongTheNormalPlanesLeavesAnomaliesFlagged() {
		Random random = new Random(4);
		TrainingData clean = SyntheticImages.normalData(8, 64, random);
		Img<FloatType> anomalous = SyntheticImages.anomalous(64, random, 30, 34, 4);
		Img<FloatType> hotPlane = SyntheticImages.normal(64, random);
		data(hotPlane)[20 * 64 + 40] = 65535;
		TrainingData hot = copy(clean).add("hot pixel", hotPlane);
		TrainingData blank = copy(clean).add("blank", ArrayImgs.floats(64, 64));
		float cleanScore = score(clean, anomalous), hotScore = score(hot, anomalous), blankScore = score(blank, anomalous);
		assertTrue("clean data: " + cleanScore, cleanScore > 1);
		assertTrue("a hot pixel among the normal planes: " + hotScore + " (clean: " + cleanScore + ")", hotScore > 1);
		assertTrue("a blank frame among the normal planes: " + blankScore + " (clean: " + cleanScore + ")", blankScore > 1);
	}

	private static float score(TrainingData data, Img<FloatType> image) {
		try (GanomalyModel model = GanomalyModel.of(new Trainer(SyntheticImages.tinyNetwork().seed(5),
			TextureOnlyModelTest.NO_ENGINE, null).train(data)))
		{
			return model.score(image, 4, "anomalous").score();
		}
	}

	private static TrainingData copy(TrainingData data) {
		TrainingData out = new TrainingData();
		for (TrainingData.Sample s : data.samples())
			out.add(s.name(), s.image());
		return out;
	}

	@SuppressWarnings("unchecked")
	private static float[] data(Img<FloatType> img) {
		return ((ArrayImg<FloatType, FloatArray>) img).update(null).getCurrentStorageArray();
	}
}
