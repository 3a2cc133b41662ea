package sc.fiji.ganomaly.core.score;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Random;

import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.TinyModels;
import sc.fiji.ganomaly.core.model.ModelFile;
import sc.fiji.ganomaly.engine.EngineLoader;
import sc.fiji.ganomaly.engine.TrainableNetwork;

/**
 * A model loaded with a number of threads keeps its texture maps to them, as its network: with one
 * thread the whole map is computed on the calling thread, with every core (0) the calling thread
 * only reads tiles while the cores compute them (shares of the process's CPU time, which other
 * processes do not change); both give the same map.
 */
public class TextureThreadsTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void texturesMapsKeepToTheModelsThreads() throws IOException {
		assumeTrue("needs two cores", Runtime.getRuntime().availableProcessors() >= 2);
		Path saved = tmp.getRoot().toPath().resolve("saved_model"), file = tmp.getRoot().toPath().resolve(
			"texture.ganomaly.zip");
		try (TrainableNetwork n = EngineLoader.tensorflow().create(TinyModels.spec(1))) {
			n.exportSavedModel(saved);
		}
		ModelFile.write(file, TinyModels.textureManifest(1, 7), saved);
		int w = 1100, h = 520;
		float[] v = new float[w * h];
		Random random = new Random(3);
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (0.5 * Math.sin(i % w * 0.3) + 0.2 * random.nextGaussian());
		Img<FloatType> plane = ArrayImgs.floats(v, w, h);
		float[] one, all;
		double oneShare, allShare;
		try (GanomalyModel model = GanomalyModel.load(file, 1)) {
			model.score(plane, 8, "warm-up");
			double[] share = new double[1];
			one = timed(model, plane, share);
			oneShare = share[0];
		}
		try (GanomalyModel model = GanomalyModel.load(file, 0)) {
			double[] share = new double[1];
			all = timed(model, plane, share);
			allShare = share[0];
		}
		assertTrue("one thread: the calling thread used " + oneShare + " of the process's CPU time", oneShare > 0.7);
		assertTrue("every core: the calling thread used " + allShare + " of the process's CPU time", allShare < 0.4);
		assertEquals(one.length, all.length);
		for (int i = 0; i < one.length; i++)
			assertEquals("pixel " + i, one[i], all[i], 0);
	}

	/**
	 * The map of {@code plane}; {@code share[0]}: the calling thread's CPU time during the call over
	 * its own and the tile threads' (not over the wall time, which other processes on a loaded
	 * machine stretch, nor over the process's, which the JIT's compiling adds to).
	 */
	private static float[] timed(GanomalyModel model, Img<FloatType> plane, double[] share) {
		ThreadMXBean bean = ManagementFactory.getThreadMXBean();
		long cpu = bean.getCurrentThreadCpuTime(), tiles = tilesCpu(bean);
		float[] map = model.score(plane, 8, "plane").map().values();
		double own = bean.getCurrentThreadCpuTime() - cpu;
		share[0] = own / (own + tilesCpu(bean) - tiles);
		return map;
	}

	/** CPU nanoseconds of the texture tiles' pool threads so far. */
	private static long tilesCpu(ThreadMXBean bean) {
		long sum = 0;
		for (java.lang.management.ThreadInfo t : bean.getThreadInfo(bean.getAllThreadIds()))
			if (t != null && t.getThreadName().equals("ganomaly-tiles")) sum += Math.max(0, bean.getThreadCpuTime(t
				.getThreadId()));
		return sum;
	}
}
