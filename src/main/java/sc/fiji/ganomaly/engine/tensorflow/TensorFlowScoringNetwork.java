package sc.fiji.ganomaly.engine.tensorflow;

import java.nio.file.Path;

import org.tensorflow.SavedModelBundle;

import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.PatchBatch;
import sc.fiji.ganomaly.engine.Precision;
import sc.fiji.ganomaly.engine.ScoringNetwork;

/** A GANomaly network loaded from a SavedModel, for scoring only. */
final class TensorFlowScoringNetwork implements ScoringNetwork {

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
			scorer.score(new float[spec.patchLength()], 1, new float[1], null);
		}
		catch (RuntimeException e) {
			bundle.close();
			throw e;
		}
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
	public void score(float[] batch, int n, float[] scores, float[] reconstructionErrors) {
		scorer.score(batch, n, scores, reconstructionErrors);
	}

	@Override
	public PatchBatch batch(int n) {
		return scorer.batch(n);
	}

	@Override
	public void score(PatchBatch batch, float[] scores, float[] reconstructionErrors) {
		scorer.score(batch, scores, reconstructionErrors);
	}

	@Override
	public void reconstruct(PatchBatch batch, float[] out) {
		scorer.reconstruct(batch, out);
	}

	@Override
	public void latent(PatchBatch batch, float[] out) {
		scorer.latent(batch, out);
	}

	@Override
	public void reconstruct(float[] batch, int n, float[] out) {
		scorer.reconstruct(batch, n, out);
	}

	@Override
	public void latent(float[] batch, int n, float[] out) {
		scorer.latent(batch, n, out);
	}

	@Override
	public void close() {
		bundle.close();
	}
}
