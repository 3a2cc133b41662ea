package sc.fiji.ganomaly.engine.tensorflow;

import java.nio.file.Path;

import org.tensorflow.Graph;
import org.tensorflow.Session;

import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.Precision;

/**
 * A GANomaly network for scoring only: the scoring path built here from its {@link NetworkSpec},
 * its weights restored from a SavedModel's checked {@link Weights}. The SavedModel's graph is never
 * read, so a model file brings data, never operations.
 */
final class TensorFlowScoringNetwork extends SessionNetwork {

	private final NetworkSpec spec;
	private final Graph graph;
	private final Session session;
	private final PatchScorer scorer;
	private final String precision;

	/** @param precision {@link Precision#FLOAT32} or {@link Precision#BFLOAT16} (the caller checked the CPU) */
	TensorFlowScoringNetwork(Path savedModel, NetworkSpec spec, String precision) {
		this.spec = spec;
		this.precision = Precision.check(precision);
		graph = new Graph();
		Session s = null;
		try {
			Weights.check(savedModel, GanomalyGraph.scoring(graph, spec).shapes());
			s = new Session(graph, SessionConfig.of(spec.threads(), precision));
			Session opened = s;
			session = s;
			scorer = new PatchScorer(session, spec);
			Runnable firstRuns = () -> {
				opened.restore(savedModel.resolve(Weights.PREFIX).toString());
				float[] patch = new float[spec.patchLength()];
				score(patch, 1, new float[1], null);
				if (!Precision.BFLOAT16.equals(this.precision)) return;
				// each fetch's first run rewrites its graph to bfloat16, and TensorFlow says so on standard error
				// whatever its log level: all of them here, where QuietLogs mutes it
				score(patch, 1, new float[1], new float[1]);
				reconstruct(patch, 1, new float[spec.patchLength()]);
				latent(patch, 1, new float[spec.nz()]);
			};
			if (Precision.BFLOAT16.equals(this.precision)) QuietLogs.apply(firstRuns);
			else firstRuns.run();
		}
		catch (RuntimeException | Error e) {
			if (s != null) s.close();
			graph.close();
			throw e;
		}
	}

	@Override
	PatchScorer scorer() {
		return scorer;
	}

	@Override
	public NetworkSpec spec() {
		return spec;
	}

	@Override
	public String precision() {
		return precision;
	}

	@Override
	public void close() {
		session.close();
		graph.close();
	}
}
