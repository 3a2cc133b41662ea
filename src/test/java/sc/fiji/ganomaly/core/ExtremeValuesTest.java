package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Random;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.Test;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.ij.ScoreFiles;

/**
 * Finite values that overflow float arithmetic (±3e38, 1e30) score finite, never NaN; far above the
 * threshold for the texture score, which compares intensities with the training planes'.
 */
public class ExtremeValuesTest {

	@Test
	public void planesOfExtremeValuesScoreFiniteAndAboveTheThreshold() {
		TrainingData data = SyntheticImages.normalData(3, 64, new Random(3));
		for (ScoreKind score : new ScoreKind[] { ScoreKind.TEXTURE, ScoreKind.LATENT })
			try (GanomalyModel model = Ganomaly.train(data, SyntheticImages.tinyNetwork().epochs(1).score(score), null)) {
				for (float extreme : new float[] { 3e38f, 1e30f, -1e30f }) {
					Img<FloatType> plane = SyntheticImages.normal(64, new Random(4));
					int i = 0;
					for (FloatType v : plane) // ±3e38 and 1e30 throughout; -1e30: a few pixels beyond the percentiles
						v.setReal(extreme < 0 ? i++ % 1000 == 0 ? extreme : v.getRealFloat() : i++ % 3 == 0 ? -extreme
							: extreme * Math.min(1f, Math.abs(v.getRealFloat())));
					PlaneScore s = model.score(plane, 8, "extreme");
					// the network's scores see each plane in its own percentiles; the texture score in the training's
					assertTrue(score + ", " + extreme + ": " + s.score(), Float.isFinite(s.score()) && (score != ScoreKind.TEXTURE ||
						s.score() > model.threshold()));
				}
			}
	}

	@Test
	public void aScoreThatIsNotANumberIsFlagged() {
		assertEquals("a.tif,1,NaN,true", ScoreFiles.csvRow("a.tif", 1, Float.NaN, 1.0));
		assertEquals("a.tif,1,0.500000,false", ScoreFiles.csvRow("a.tif", 1, 0.5f, 1.0));
	}
}
