package sc.fiji.ganomaly.engine.tensorflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.tensorflow.Result;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

import sc.fiji.ganomaly.engine.ScoringNormalization;
import sc.fiji.ganomaly.engine.NetworkSpec;

/**
 * Where training time goes: the default network (32x32x1, nz 100, 64 filters) trained
 * on batches of 64, images/s per thread setting, and with {@code --trace} the step's op times by
 * op. Throw-away tool, kept for re-measuring:
 * {@code scripts/run-test-main sc.fiji.ganomaly.engine.tensorflow.TrainingProbe [--threads 0,1,2] [--steps 30] [--trace]}.
 */
public final class TrainingProbe {

	public static void main(String[] args) {
		List<Integer> threads = List.of(0);
		int steps = 30;
		boolean trace = false;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--threads" -> threads = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
				case "--steps" -> steps = Integer.parseInt(args[++i]);
				case "--trace" -> trace = true;
				default -> throw new IllegalArgumentException(args[i]);
			}
		}
		long t0 = 0;
		for (int t : threads) {
			NetworkSpec spec = new NetworkSpec(32, 1, 100, 64, 64, 0, 1, 50, 1, 2e-4f, 0.5f, 0.999f, t, 1, ScoringNormalization.MOVING);
			Random random = new Random(1);
			float[] batch = TensorFlowEngineTest.stripes(spec, 64, random);
			try (org.tensorflow.Graph graph = new org.tensorflow.Graph()) {
				GanomalyGraph g = new GanomalyGraph(graph, spec);
				org.tensorflow.proto.ConfigProto config = System.getProperty("probe.inter") == null ? SessionConfig.of(t)
					: SessionConfig.of(t).toBuilder().setInterOpParallelismThreads(Integer.getInteger("probe.inter")).build();
				if (Boolean.getBoolean("probe.xla")) config = config.toBuilder().setGraphOptions(config.getGraphOptions().toBuilder()
					.setOptimizerOptions(org.tensorflow.proto.OptimizerOptions.newBuilder()
						.setGlobalJitLevel(org.tensorflow.proto.OptimizerOptions.GlobalJitLevel.ON_1))).build();
				try (org.tensorflow.Session session = new org.tensorflow.Session(graph, config)) {
					session.initialize();
					g.variables.initialize(session, random, null);
					PatchScorer scorer = new PatchScorer(session, spec);
					for (int s = 0; s < 5 + steps; s++) {
						if (s == 5) t0 = System.nanoTime();
						try (TFloat32 in = scorer.input(batch, 64);
								Result r = session.runner().feed(g.x, in).fetch(g.generatorLoss).addTarget(g.trainStep).run())
						{}
					}
					double seconds = (System.nanoTime() - t0) / 1e9;
					System.out.printf(Locale.ROOT, "threads %d: %.1f images/s%n", t, steps * 64 / seconds);
					if (trace) try (TFloat32 in = scorer.input(batch, 64);
							Result r = session.runner().feed(g.x, in).addTarget(g.trainStep).setOptions(fullTrace())
								.runAndFetchMetadata())
					{
						print(r.getMetadata().get());
					}
				}
			}
		}
	}

	/** Prints the op times of one run's step stats, the 25 largest, and the total. */
	static void print(RunMetadata meta) {
		Map<String, Long> byOp = new java.util.TreeMap<>();
		long total = 0;
		for (var dev : meta.getStepStats().getDevStatsList())
			for (var node : dev.getNodeStatsList()) {
				String op = node.getTimelineLabel().replaceAll(".*= ", "").replaceAll("\\(.*", "");
				byOp.merge(System.getProperty("probe.nodes") != null ? node.getNodeName() + " " + op : op, node.getAllEndRelMicros(), Long::sum);
				total += node.getAllEndRelMicros();
			}
		List<Map.Entry<String, Long>> e = new ArrayList<>(byOp.entrySet());
		e.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
		System.out.println("trace total us " + total);
		for (int i = 0; i < Math.min(Integer.getInteger("probe.top", 25), e.size()); i++)
			System.out.println("  " + e.get(i).getValue() + " us  " + e.get(i).getKey());
	}

	static RunOptions fullTrace() {
		return RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
	}
}
