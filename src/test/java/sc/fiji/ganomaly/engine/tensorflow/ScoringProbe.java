package sc.fiji.ganomaly.engine.tensorflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;

import sc.fiji.ganomaly.engine.NetworkSpec;

/**
 * Where scoring time goes, measured on the raw session: one default-size network
 * (32x32x1, nz 100, 64 filters), briefly trained, exported as a SavedModel and loaded under several
 * session configurations; each variant runs batches of the same patches, round-robin with the
 * others, several rounds, and the median and spread of windows/s are printed. Throw-away tool,
 * kept for re-measuring: {@code scripts/run-test-main sc.fiji.ganomaly.engine.tensorflow.ScoringProbe
 * [--batch 64,256] [--rounds 5] [--seconds 2] [--variants a,b] [--fetch score|latent|reconstruction]}.
 */
public final class ScoringProbe {

	public static void main(String[] args) throws Exception {
		List<Integer> batches = List.of(256);
		int rounds = 5;
		double seconds = 2;
		String fetch = GanomalyGraph.SCORE;
		List<String> variants = List.of("default", "intra2", "intra1", "2x1", "bf16", "xla");
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--batch" -> batches = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
				case "--rounds" -> rounds = Integer.parseInt(args[++i]);
				case "--seconds" -> seconds = Double.parseDouble(args[++i]);
				case "--variants" -> variants = List.of(args[++i].split(","));
				case "--fetch" -> fetch = args[++i];
				default -> throw new IllegalArgumentException(args[i]);
			}
		}
		NetworkSpec spec = new NetworkSpec(32, 1, 100, 64, 64, 0, 1, 50, 1, 2e-4f, 0.5f, 0.999f, 0, 1);
		Path dir = Files.createTempDirectory("probe");
		Random random = new Random(1);
		try (TensorFlowTrainableNetwork net = new TensorFlowTrainableNetwork(spec)) {
			for (int step = 0; step < 20; step++)
				net.trainStep(TensorFlowEngineTest.stripes(spec, 64, random), 64);
			net.exportSavedModel(dir.resolve("m"));
		}
		int maxBatch = batches.stream().max(Integer::compare).get();
		float[] data = TensorFlowEngineTest.stripes(spec, maxBatch, random);
		for (int i = 0; i < data.length; i++)
			data[i] += 0.05f * (float) random.nextGaussian();
		System.out.println("env ONEDNN_DEFAULT_FPMATH_MODE=" + System.getenv("ONEDNN_DEFAULT_FPMATH_MODE"));
		System.out.println("fetch=" + fetch);
		Map<String, List<SavedModelBundle>> bundles = new LinkedHashMap<>();
		for (String v : variants)
			bundles.put(v, load(dir.resolve("m"), v));
		// reference output per variant, batch 1 vs batch B, for the tolerance check
		float[] ref = run(bundles.get(variants.get(0)).get(0).session(), data, maxBatch, fetch);
		for (String v : variants) {
			float[] out = run(bundles.get(v).get(0).session(), data, maxBatch, fetch);
			double maxAbs = 0, maxRef = 0;
			for (int i = 0; i < out.length; i++) {
				maxAbs = Math.max(maxAbs, Math.abs(out[i] - ref[i]));
				maxRef = Math.max(maxRef, Math.abs(ref[i]));
			}
			System.out.printf(Locale.ROOT, "diff %s vs %s: max |d| %.3g (max |ref| %.3g)%n", v, variants.get(0), maxAbs,
				maxRef);
		}
		if (System.getProperty("probe.trace") != null) trace(bundles.get(variants.get(0)).get(0).session(), data, maxBatch, fetch);
		ExecutorService pool = Executors.newFixedThreadPool(2);
		for (int b : batches) {
			Map<String, List<Double>> speeds = new LinkedHashMap<>();
			for (int r = 0; r < rounds; r++)
				for (String v : variants)
					speeds.computeIfAbsent(v, k -> new ArrayList<>()).add(time(bundles.get(v), data, b, fetch, seconds, pool));
			for (String v : variants) {
				List<Double> s = new ArrayList<>(speeds.get(v));
				s.sort(null);
				System.out.printf(Locale.ROOT, "batch %d %-8s median %.0f windows/s (min %.0f max %.0f, n %d)%n", b, v,
					s.get(s.size() / 2), s.get(0), s.get(s.size() - 1), s.size());
			}
		}
		pool.shutdown();
		bundles.values().forEach(l -> l.stream().distinct().forEach(SavedModelBundle::close));
	}

	/** Per-op time of one run (step stats), summed by op type. */
	static void trace(Session session, float[] data, int n, String fetch) {
		for (int k = 0; k < 3; k++)
			run(session, data, n, fetch);
		try (TFloat32 in = TFloat32.tensorOf(Shape.of(n, 32, 32, 1), DataBuffers.of(data, true, false).slice(0, n * 1024));
				Result r = session.runner().feed("x", in).fetch(fetch)
					.setOptions(org.tensorflow.proto.RunOptions.newBuilder()
						.setTraceLevel(org.tensorflow.proto.RunOptions.TraceLevel.FULL_TRACE).build())
					.runAndFetchMetadata())
		{
			org.tensorflow.proto.RunMetadata meta = r.getMetadata().get();
			Map<String, Long> byOp = new java.util.TreeMap<>();
			long total = 0;
			for (var dev : meta.getStepStats().getDevStatsList())
				for (var node : dev.getNodeStatsList()) {
					String op = node.getTimelineLabel().replaceAll(".*= ", "").replaceAll("\\(.*", "");
					String key = node.getNodeName() + " " + op;
					long us = node.getAllEndRelMicros();
					byOp.merge(key, us, Long::sum);
					total += us;
				}
			List<Map.Entry<String, Long>> e = new ArrayList<>(byOp.entrySet());
			e.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
			System.out.println("trace total us " + total);
			for (int i = 0; i < Math.min(30, e.size()); i++)
				System.out.println("  " + e.get(i).getValue() + " us  " + e.get(i).getKey());
		}
	}

	static List<SavedModelBundle> load(Path dir, String variant) {
		if (variant.startsWith("shared2")) {
			// one session, two callers at once
			SavedModelBundle b = SavedModelBundle.loader(dir.toString()).withTags("serve")
				.withConfigProto(config(variant.substring("shared2".length()).isEmpty() ? "default" : variant.substring(8))).load();
			return List.of(b, b);
		}
		int copies = variant.startsWith("2x") ? 2 : 1;
		List<SavedModelBundle> out = new ArrayList<>();
		for (int i = 0; i < copies; i++)
			out.add(SavedModelBundle.loader(dir.toString()).withTags("serve").withConfigProto(config(variant)).load());
		return out;
	}

	static ConfigProto config(String variant) {
		ConfigProto.Builder c = ConfigProto.newBuilder();
		switch (variant) {
			case "default" -> {}
			case "intra2" -> c.setIntraOpParallelismThreads(2).setInterOpParallelismThreads(1);
			case "intra2inter2" -> c.setIntraOpParallelismThreads(2).setInterOpParallelismThreads(2);
			case "intra1", "2x1" -> c.setIntraOpParallelismThreads(1).setInterOpParallelismThreads(1);
			case "bf16" -> c.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(RewriterConfig.newBuilder()
				.setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON)));
			case "bf16i1", "2xbf16" -> c.setIntraOpParallelismThreads(1).setInterOpParallelismThreads(1)
				.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(RewriterConfig.newBuilder()
					.setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON)));
			case "amp" -> c.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(RewriterConfig.newBuilder()
				.setAutoMixedPrecisionMkl(RewriterConfig.Toggle.ON)));
			case "xla" -> c.setGraphOptions(GraphOptions.newBuilder().setOptimizerOptions(OptimizerOptions.newBuilder()
				.setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1)));
			default -> throw new IllegalArgumentException(variant);
		}
		return c.build();
	}

	static float[] run(Session session, float[] data, int n, String fetch) {
		try (TFloat32 in = TFloat32.tensorOf(Shape.of(n, 32, 32, 1), DataBuffers.of(data, true, false).slice(0, n * 1024));
				Result r = session.runner().feed("x", in).fetch(fetch).run())
		{
			TFloat32 t = (TFloat32) r.get(0);
			float[] out = new float[(int) t.shape().size()];
			t.copyTo(DataBuffers.of(out, false, false));
			return out;
		}
	}

	/** Windows/s over about {@code seconds}, after one warm-up batch; both copies of "2x" run at once. */
	static double time(List<SavedModelBundle> bundles, float[] data, int n, String fetch, double seconds,
		ExecutorService pool) throws Exception
	{
		for (SavedModelBundle b : bundles)
			run(b.session(), data, n, fetch);
		long t0 = System.nanoTime();
		List<Future<Integer>> done = new ArrayList<>();
		for (SavedModelBundle b : bundles)
			done.add(pool.submit(() -> {
				int count = 0;
				while (System.nanoTime() - t0 < seconds * 1e9) {
					run(b.session(), data, n, fetch);
					count += n;
				}
				return count;
			}));
		int total = 0;
		for (Future<Integer> f : done)
			total += f.get();
		return total / ((System.nanoTime() - t0) / 1e9);
	}
}
