package sc.fiji.ganomaly.engine.tensorflow;

import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

import sc.fiji.ganomaly.engine.EngineException;
import sc.fiji.ganomaly.engine.NetworkSpec;

/**
 * Runs the scoring path of a GANomaly graph by op name: the one piece of scoring code shared by
 * a network being trained and one loaded from a SavedModel. Every tensor is closed before return.
 */
final class PatchScorer {

	private final Session session;
	private final NetworkSpec spec;

	PatchScorer(Session session, NetworkSpec spec) {
		this.session = session;
		this.spec = spec;
	}

	void score(float[] batch, int n, float[] scores, float[] reconstructionErrors) {
		if (n == 0) return;
		try {
			run(batch, n, scores, reconstructionErrors);
		}
		catch (TensorFlowException e) {
			throw failure(e);
		}
	}

	/** A TensorFlow failure as a one-line engine error. */
	static EngineException failure(TensorFlowException e) {
		String message = e.getMessage() == null ? e.toString() : e.getMessage().strip();
		int nl = message.indexOf('\n');
		return new EngineException("TensorFlow failed to run the network (the model's SavedModel may be damaged): " +
			(nl < 0 ? message : message.substring(0, nl)), e);
	}

	private void run(float[] batch, int n, float[] scores, float[] reconstructionErrors) {
		checkCapacity("scores", scores.length, n);
		if (reconstructionErrors != null) checkCapacity("reconstruction errors", reconstructionErrors.length, n);
		try (TFloat32 input = input(batch, n)) {
			Session.Runner runner = session.runner().feed(GanomalyGraph.INPUT, input).fetch(GanomalyGraph.SCORE);
			if (reconstructionErrors != null) runner.fetch(GanomalyGraph.RECONSTRUCTION_ERROR);
			try (Result result = runner.run()) {
				copy(result, 0, scores, n);
				if (reconstructionErrors != null) copy(result, 1, reconstructionErrors, n);
			}
		}
	}

	void reconstruct(float[] batch, int n, float[] out) {
		if (n == 0) return;
		try {
			runReconstruction(batch, n, out);
		}
		catch (TensorFlowException e) {
			throw failure(e);
		}
	}

	private void runReconstruction(float[] batch, int n, float[] out) {
		int length = n * spec.patchLength();
		checkCapacity("reconstructions", out.length, length);
		try (TFloat32 input = input(batch, n);
				Result result = session.runner().feed(GanomalyGraph.INPUT, input)
					.fetch(GanomalyGraph.RECONSTRUCTION).run())
		{
			copy(result, 0, out, length);
		}
	}

	void latent(float[] batch, int n, float[] out) {
		if (n == 0) return;
		checkCapacity("latent codes", out.length, n * spec.nz());
		try (TFloat32 input = input(batch, n);
				Result result = session.runner().feed(GanomalyGraph.INPUT, input).fetch(GanomalyGraph.LATENT).run())
		{
			copy(result, 0, out, n * spec.nz());
		}
		catch (IllegalArgumentException e) {
			throw new EngineException("this model has no latent output (it was written before the density score " +
				"existed); retrain it to use the density score", e);
		}
		catch (TensorFlowException e) {
			throw failure(e);
		}
	}

	/** Wraps the first {@code n} patches of {@code batch} as an NHWC tensor. */
	TFloat32 input(float[] batch, int n) {
		int length = n * spec.patchLength();
		if (n < 0 || batch.length < length) throw new EngineException("batch holds " + batch.length +
			" floats, fewer than " + n + " patches of " + spec.patchLength());
		int s = spec.patchSize();
		return TFloat32.tensorOf(Shape.of(n, s, s, spec.channels()),
			DataBuffers.of(batch, true, false).slice(0, length));
	}

	private static void copy(Result result, int index, float[] out, int length) {
		((TFloat32) result.get(index)).copyTo(DataBuffers.of(out, false, false).slice(0, length));
	}

	private static void checkCapacity(String what, int capacity, int needed) {
		if (capacity < needed) throw new EngineException("array for " + what + " holds " + capacity +
			" floats, " + needed + " needed");
	}
}
