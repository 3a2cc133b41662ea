package sc.fiji.ganomaly.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Random;

import org.junit.Test;

import net.imglib2.img.array.ArrayImgs;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;

/**
 * Fiji with CSBDeep or StarDist installed: TensorFlow 1.15 (libtensorflow + its JNI natives) is on
 * the application class path, and TensorFlow Java 1.1.0 is only in the engine folder. Both must
 * work in one JVM. Run by its own surefire execution with that class path.
 */
public class CoexistenceTest {

	@Test
	public void hostTensorFlow115AndTheEngineBothWork() throws Exception {
		Class<?> tensor = Class.forName("org.tensorflow.Tensor");
		assertFalse("TensorFlow 1.15's Tensor is a class (1.1.0's is an interface)", tensor.isInterface());
		assertEquals("1.15.0", hostVersion());

		float[] pixels = new float[48 * 48];
		Random random = new Random(1);
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (float) (100 + 50 * Math.sin(i * 0.3) + random.nextGaussian());
		TrainingData data = new TrainingData().add("normal", ArrayImgs.floats(pixels, 48, 48));
		try (GanomalyModel model = Ganomaly.train(data, new TrainingSettings().patchSize(16).nz(8).ngf(8).ndf(8).epochs(2)
			.patchesPerEpoch(64).batchSize(16).threads(1).score(ScoreKind.LATENT), null))
		{
			PlaneScore s = model.score(ArrayImgs.floats(pixels, 48, 48), 8, "normal");
			assertTrue(Float.isFinite(s.score()));
			assertTrue(EngineLoader.tensorflow().description(), EngineLoader.tensorflow().description().startsWith("TensorFlow 2."));
		}
		assertEquals("TensorFlow 1.15 still answers after ours ran", "1.15.0", hostVersion());
		Object ops = Class.forName("org.tensorflow.TensorFlow").getMethod("registeredOpList").invoke(null);
		assertTrue(((byte[]) ops).length > 1000);
	}

	private static String hostVersion() throws Exception {
		return (String) Class.forName("org.tensorflow.TensorFlow").getMethod("version").invoke(null);
	}
}
