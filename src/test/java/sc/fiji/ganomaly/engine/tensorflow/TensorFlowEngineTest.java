package sc.fiji.ganomaly.engine.tensorflow;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.Random;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.ScoringNetwork;
import sc.fiji.ganomaly.engine.TrainableNetwork;
import sc.fiji.ganomaly.engine.TrainingLosses;

public class TensorFlowEngineTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private final TensorFlowEngine engine = new TensorFlowEngine();

	static NetworkSpec small(int size, int channels, long seed) {
		return new NetworkSpec(size, channels, 16, 8, 8, 0, 1, 50, 1, 2e-4f, 0.5f, 0.999f, 1, seed);
	}

	/** Patches of smooth stripes with a random phase: an easy "normal" class. */
	static float[] stripes(NetworkSpec spec, int n, Random random) {
		int s = spec.patchSize(), c = spec.channels();
		float[] batch = new float[n * spec.patchLength()];
		for (int i = 0; i < n; i++) {
			double phase = random.nextDouble() * 2 * Math.PI;
			for (int y = 0; y < s; y++)
				for (int x = 0; x < s; x++)
					for (int ch = 0; ch < c; ch++)
						batch[((i * s + y) * s + x) * c + ch] = (float) (0.8 * Math.sin(x * 0.5 + phase));
		}
		return batch;
	}

	@Test
	public void parameterCountsMatchTheReference() {
		NetworkSpec spec = new NetworkSpec(32, 1, 100, 64, 64, 0, 1, 50, 1, 2e-4f, 0.5f, 0.999f, 0, 0);
		try (TensorFlowTrainableNetwork net = new TensorFlowTrainableNetwork(spec)) {
			assertEquals(3_200_384, net.parameterCount(GanomalyGraph.GENERATOR));
			assertEquals(661_248, net.parameterCount(GanomalyGraph.DISCRIMINATOR));
		}
	}

	@Test
	public void shapesForEachPatchSizeAndChannelCount() {
		for (int size : NetworkSpec.PATCH_SIZES)
			for (int channels : new int[] { 1, 3 }) {
				NetworkSpec spec = small(size, channels, 1);
				try (TrainableNetwork net = engine.create(spec)) {
					float[] batch = stripes(spec, 2, new Random(0));
					TrainingLosses losses = net.trainStep(batch, 2);
					assertTrue(size + "/" + channels, Float.isFinite(losses.generator()) && Float.isFinite(losses.discriminator()));
					float[] scores = new float[2], errors = new float[2];
					net.score(batch, 2, scores, errors);
					assertTrue(Float.isFinite(scores[0]) && scores[0] >= 0 && errors[1] >= 0);
					float[] recon = new float[2 * spec.patchLength()];
					net.reconstruct(batch, 2, recon);
					for (float v : recon)
						assertTrue(v >= -1 && v <= 1);
				}
			}
	}

	@Test
	public void lossesFallOnSyntheticData() {
		NetworkSpec spec = new NetworkSpec(32, 1, 16, 16, 16, 0, 1, 50, 1, 1e-3f, 0.5f, 0.999f, 1, 3);
		Random random = new Random(1);
		try (TrainableNetwork net = engine.create(spec)) {
			float first = net.trainStep(stripes(spec, 16, random), 16).contextual(), last = 0;
			for (int i = 0; i < 60; i++)
				last = net.trainStep(stripes(spec, 16, random), 16).contextual();
			assertTrue("L1 from " + first + " to " + last, last < 0.5 * first);
		}
	}

	/**
	 * Same seed, same weights and first step to the bit. Later steps agree closely but not to the
	 * bit: the generator's update in TF 2.18's CPU kernels varies in the last bits from run to
	 * run (not traced yet; training the discriminator alone is bit-exact).
	 */
	@Test
	public void seededRunsAreReproducible() {
		NetworkSpec spec = small(16, 1, 5);
		float[] batch = stripes(spec, 8, new Random(2));
		float[] a = new float[8], b = new float[8];
		TrainingLosses firstA, firstB, la, lb;
		try (TrainableNetwork net = engine.create(spec)) {
			firstA = net.trainStep(batch, 8);
			la = net.trainStep(batch, 8);
			net.score(batch, 8, a, null);
		}
		try (TrainableNetwork net = engine.create(spec)) {
			firstB = net.trainStep(batch, 8);
			lb = net.trainStep(batch, 8);
			net.score(batch, 8, b, null);
		}
		assertEquals(firstA, firstB);
		assertEquals(la.generator(), lb.generator(), 1e-2 * la.generator());
		assertEquals(la.discriminator(), lb.discriminator(), 1e-2 * la.discriminator());
		for (int i = 0; i < 8; i++)
			assertEquals(a[i], b[i], 0.05 * Math.abs(a[i]) + 1e-6);
	}

	@Test
	public void aPatchScoresTheSameAloneAndInABatch() {
		for (String mode : new String[] { NetworkSpec.MOVING, NetworkSpec.SAMPLE }) {
			NetworkSpec spec = small(32, 1, 6).withScoringNormalization(mode);
			float[] batch = stripes(spec, 16, new Random(3));
			try (TrainableNetwork net = engine.create(spec)) {
				for (int i = 0; i < 5; i++)
					net.trainStep(batch, 16);
				float[] all = new float[16], one = new float[1], errors = new float[16], error = new float[1];
				net.score(batch, 16, all, errors);
				// the last patch alone, and with the first half of the batch replaced by noise
				float[] last = java.util.Arrays.copyOfRange(batch, 15 * spec.patchLength(), 16 * spec.patchLength());
				net.score(last, 1, one, error);
				assertEquals(mode, all[15], one[0], 1e-6f * Math.max(1, Math.abs(all[15])));
				assertEquals(mode, errors[15], error[0], 1e-6f * Math.max(1, Math.abs(errors[15])));
				float[] mixed = batch.clone(), mixedScores = new float[16];
				Random noise = new Random(9);
				for (int i = 0; i < 8 * spec.patchLength(); i++)
					mixed[i] = (float) noise.nextGaussian();
				net.score(mixed, 16, mixedScores, null);
				for (int i = 8; i < 16; i++)
					assertEquals(mode, all[i], mixedScores[i], 1e-6f * Math.max(1, Math.abs(all[i])));
			}
		}
	}

	/** The reference's test loop (batch statistics) does depend on the batch: the control of the test above. */
	@Test
	public void batchStatisticsScoringDependsOnTheBatch() {
		NetworkSpec spec = small(32, 1, 6).withScoringNormalization(NetworkSpec.BATCH);
		float[] batch = stripes(spec, 16, new Random(3));
		try (TrainableNetwork net = engine.create(spec)) {
			net.trainStep(batch, 16);
			float[] all = new float[16], mixedScores = new float[16], mixed = batch.clone();
			net.score(batch, 16, all, null);
			Random noise = new Random(9);
			for (int i = 0; i < 8 * spec.patchLength(); i++)
				mixed[i] = (float) noise.nextGaussian();
			net.score(mixed, 16, mixedScores, null);
			assertTrue(Math.abs(all[15] - mixedScores[15]) > 1e-4f * Math.abs(all[15]));
		}
	}

	/** Per-sample scoring is the graph's own op chain, so an exported model scores the same way. */
	@Test
	public void sampleNormalizationSurvivesExport() {
		NetworkSpec spec = small(16, 1, 7).withScoringNormalization(NetworkSpec.SAMPLE);
		float[] batch = stripes(spec, 8, new Random(4));
		float[] before = new float[8], after = new float[8], moving = new float[8];
		Path dir = tmp.getRoot().toPath().resolve("saved_model_sample");
		Path weights = tmp.getRoot().toPath().resolve("weights");
		try (TrainableNetwork net = engine.create(spec)) {
			net.trainStep(batch, 8);
			net.score(batch, 8, before, null);
			net.exportSavedModel(dir);
			net.saveCheckpoint(weights);
		}
		try (ScoringNetwork loaded = engine.load(dir, spec)) {
			loaded.score(batch, 8, after, null);
		}
		try (TrainableNetwork net = engine.create(spec.withScoringNormalization(NetworkSpec.MOVING))) {
			net.restoreCheckpoint(weights);
			net.score(batch, 8, moving, null);
		}
		assertArrayEquals(before, after, 0f);
		assertTrue("the two modes score differently", Math.abs(before[0] - moving[0]) > 1e-6f * Math.abs(before[0]));
	}

	@Test
	public void exportedModelScoresIdentically() {
		NetworkSpec spec = small(16, 2, 7);
		float[] batch = stripes(spec, 8, new Random(4));
		float[] before = new float[8], after = new float[8], reconBefore = new float[8 * spec.patchLength()],
				reconAfter = new float[8 * spec.patchLength()];
		Path dir = tmp.getRoot().toPath().resolve("saved_model");
		try (TrainableNetwork net = engine.create(spec)) {
			net.trainStep(batch, 8);
			net.score(batch, 8, before, null);
			net.reconstruct(batch, 8, reconBefore);
			net.exportSavedModel(dir);
		}
		try (ScoringNetwork loaded = engine.load(dir, spec)) {
			loaded.score(batch, 8, after, null);
			loaded.reconstruct(batch, 8, reconAfter);
		}
		assertArrayEquals(before, after, 0f);
		assertArrayEquals(reconBefore, reconAfter, 0f);
	}

	@Test
	public void checkpointRestoresTheWeights() {
		NetworkSpec spec = small(16, 1, 8);
		float[] batch = stripes(spec, 8, new Random(5));
		float[] saved = new float[8], restored = new float[8];
		try (TrainableNetwork net = engine.create(spec)) {
			net.trainStep(batch, 8);
			net.score(batch, 8, saved, null);
			Path prefix = tmp.getRoot().toPath().resolve("ckpt");
			net.saveCheckpoint(prefix);
			for (int i = 0; i < 3; i++)
				net.trainStep(batch, 8);
			net.restoreCheckpoint(prefix);
			net.score(batch, 8, restored, null);
		}
		assertArrayEquals(saved, restored, 0f);
	}
}
