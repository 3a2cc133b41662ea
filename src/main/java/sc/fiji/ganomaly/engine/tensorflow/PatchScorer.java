package sc.fiji.ganomaly.engine.tensorflow;

import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

import sc.fiji.ganomaly.engine.EngineException;
import sc.fiji.ganomaly.engine.NetworkSpec;

/**
 * Runs the scoring path of a GANomaly graph by op name: the one piece of scoring code shared by
 * a network being trained and one loaded from a SavedModel. Every tensor is closed before return.
 * Fetches only what the caller needs, so TensorFlow runs only that part of the graph: the latent
 * code needs the first encoder, the reconstruction the encoder and decoder, the score all three.
 * <p>
 * An odd number of patches runs with its last patch twice: oneDNN computes batches of odd size
 * with other kernels whose float32 results differ in the last bits from those of even batches
 * (measured on the default network: batches of 2, 4, …, 300 agree to the bit with 1 or 2
 * threads; batches of 1, 3, 7, 63 and 65 do not), so scores never depend on how patches are
 * batched, and one patch scored alone gets exactly its score in any batch.
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
		try (TFloat32 input = scoringInput(batch, n)) {
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
		try (TFloat32 input = scoringInput(batch, n);
				Result result = session.runner().feed(GanomalyGraph.INPUT, input)
					.fetch(GanomalyGraph.RECONSTRUCTION).run())
		{
			copy(result, 0, out, length);
		}
	}

	void latent(float[] batch, int n, float[] out) {
		if (n == 0) return;
		checkCapacity("latent codes", out.length, n * spec.nz());
		try (TFloat32 input = scoringInput(batch, n);
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

	/**
	 * The first {@code n} patches as the scoring path's input: as {@link #input(float[], int)},
	 * except that an odd batch gets its last patch a second time (see the class comment).
	 */
	TFloat32 scoringInput(float[] batch, int n) {
		if (n % 2 == 0) return input(batch, n);
		int length = spec.patchLength(), s = spec.patchSize();
		if (n < 0 || batch.length < (long) n * length) throw new EngineException("batch holds " + batch.length +
			" floats, fewer than " + n + " patches of " + length);
		return TFloat32.tensorOf(Shape.of(n + 1, s, s, spec.channels()), t -> {
			FloatDataBuffer data = t.asRawTensor().data().asFloats();
			data.write(batch, 0, n * length);
			data.offset((long) n * length).write(batch, (n - 1) * length, length);
		});
	}

	/** Copies the first {@code length} values of a fetched tensor (of a batch maybe padded by one) into {@code out}. */
	private static void copy(Result result, int index, float[] out, int length) {
		TFloat32 t = (TFloat32) result.get(index);
		if (t.size() == length) t.copyTo(DataBuffers.of(out, false, false).slice(0, length));
		else {
			float[] all = new float[(int) t.size()];
			t.copyTo(DataBuffers.of(all, false, false));
			System.arraycopy(all, 0, out, 0, length);
		}
	}

	private static void checkCapacity(String what, int capacity, int needed) {
		if (capacity < needed) throw new EngineException("array for " + what + " holds " + capacity +
			" floats, " + needed + " needed");
	}
}
