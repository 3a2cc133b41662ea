package sc.fiji.ganomaly.engine.tensorflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.ScoringNetwork;

/** Throw-away: are scores bit-identical across batch sizes, positions in a batch and threads? */
public final class BatchBitsProbe {

	public static void main(String[] args) throws Exception {
		int size = Integer.parseInt(args[0]), nz = Integer.parseInt(args[1]), f = Integer.parseInt(args[2]);
		String fetch = args.length > 3 ? args[3] : "score";
		Path dir = Files.createTempDirectory("bits");
		TensorFlowEngine engine = new TensorFlowEngine();
		NetworkSpec spec = new NetworkSpec(size, 1, nz, f, f, 0, 1, 50, 1, 2e-4f, 0.5f, 0.999f, 1, 1);
		Random random = new Random(1);
		try (TensorFlowTrainableNetwork net = new TensorFlowTrainableNetwork(spec)) {
			for (int step = 0; step < 5; step++)
				net.trainStep(TensorFlowEngineTest.stripes(spec, 32, random), 32);
			net.exportSavedModel(dir.resolve("m"));
		}
		int n = 300, len = spec.patchLength();
		float[] data = TensorFlowEngineTest.stripes(spec, n, random);
		for (int i = 0; i < data.length; i++)
			data[i] += 0.1f * (float) random.nextGaussian();
		float[] ref = null;
		for (int threads : new int[] { 1, 2, 0 }) {
			NetworkSpec s = new NetworkSpec(size, 1, nz, f, f, 0, 1, 50, 1, 2e-4f, 0.5f, 0.999f, threads, 1);
			try (ScoringNetwork net = engine.load(dir.resolve("m"), s)) {
				for (int b : new int[] { 1, 2, 3, 7, 8, 16, 32, 63, 64, 65, 128, 256, 300 }) {
					float[] out = new float[n];
					float[] scores = new float[b];
					for (int first = 0; first < n; first += b) {
						int m = Math.min(b, n - first);
						float[] chunk = Arrays.copyOfRange(data, first * len, (first + m) * len);
						if (fetch.equals("latent")) {
							float[] codes = new float[m * nz];
							net.latent(chunk, m, codes);
							for (int i = 0; i < m; i++) scores[i] = codes[i * nz];
						}
						else net.score(chunk, m, scores, null);
						System.arraycopy(scores, 0, out, first, m);
					}
					if (ref == null && b == 2) ref = out; if (ref == null) continue;
					int diff = 0;
					for (int i = 0; i < n; i++)
						if (ref[i] != out[i]) diff++;
					System.out.println("threads " + threads + " batch " + b + ": " + diff + " of " + n + " differ from threads 1 batch 2");
				}
			}
		}
	}
}
