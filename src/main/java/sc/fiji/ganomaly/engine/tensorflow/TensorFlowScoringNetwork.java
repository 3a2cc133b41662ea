package sc.fiji.ganomaly.engine.tensorflow;

import java.nio.file.Path;

import org.tensorflow.SavedModelBundle;

import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.Precision;

/** A GANomaly network loaded from a SavedModel, for scoring only. */
final class TensorFlowScoringNetwork extends SessionNetwork {

	private final NetworkSpec spec;
	private final SavedModelBundle bundle;
	private final PatchScorer scorer;
	private final String precision;

	TensorFlowScoringNetwork(Path savedModel, NetworkSpec spec) {
		this(savedModel, spec, Precision.FLOAT32);
	}

	/** @param precision {@link Precision#FLOAT32} or {@link Precision#BFLOAT16} (the caller checked the CPU) */
	TensorFlowScoringNetwork(Path savedModel, NetworkSpec spec, String precision) {
		this.spec = spec;
		this.precision = Precision.check(precision);
		this.bundle = SavedModelBundle.loader(savedModel.toString()).withTags(SavedModelBundle.DEFAULT_TAG)
			.withConfigProto(SessionConfig.of(spec.threads(), precision)).load();
		this.scorer = new PatchScorer(bundle.session(), spec);
		try {
			score(new float[spec.patchLength()], 1, new float[1], null);
		}
		catch (RuntimeException e) {
			bundle.close();
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
		bundle.close();
	}
}
