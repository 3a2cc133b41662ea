package sc.fiji.ganomaly.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import net.imglib2.img.array.ArrayImgs;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.SyntheticImages;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;

/**
 * The command line's warm-up maps its plane of noise without failing, for models of one and three
 * channels and patches larger than its plane, and only for scores that map texture statistics and
 * inputs large enough to gain from it.
 */
public class JitWarmUpTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void theWarmUpMapsItsPlaneForEveryChannelCountAndPatchSize() throws Exception {
		Path large = tmp.newFile("large.tif").toPath(), small = tmp.newFile("small.tif").toPath();
		Files.write(large, new byte[(int) JitWarmUp.WORTH_BYTES]);
		Files.write(small, new byte[(int) JitWarmUp.WORTH_BYTES / 2 - 1]);
		Random random = new Random(2);
		for (int channels : new int[] { 1, 3 })
			for (int patch : new int[] { 16, 128 }) {
				int side = Math.max(48, patch);
				TrainingData data = new TrainingData();
				for (int i = 0; i < 4; i++) {
					float[] v = new float[side * side * channels];
					for (int k = 0; k < v.length; k++)
						v[k] = (float) (100 + 10 * random.nextGaussian());
					data.add("normal " + i, channels == 1 ? ArrayImgs.floats(v, side, side) : ArrayImgs.floats(v, side, side,
						channels));
				}
				try (GanomalyModel model = Ganomaly.train(data, SyntheticImages.tinyNetwork().patchSize(patch).score(
					ScoreKind.TEXTURE), null))
				{
					assertEquals(channels, model.channels());
					JitWarmUp.start(model, ScoreKind.TEXTURE, List.of(large)).get(60, TimeUnit.SECONDS);
					assertNull("no warm-up for a network score", JitWarmUp.start(model, ScoreKind.LATENT, List.of(large)));
					assertNull("no warm-up for small inputs", JitWarmUp.start(model, ScoreKind.TEXTURE, List.of(small, small)));
				}
			}
	}
}
