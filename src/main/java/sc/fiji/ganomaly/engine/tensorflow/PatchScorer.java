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
import sc.fiji.ganomaly.engine.PatchBatch;

/**
 * Runs the scoring path of a GANomaly graph by op name: the one piece of scoring code shared by
 * a network being trained and one loaded from a SavedModel. Every tensor it fetches is closed before
 * return; the tensors of {@link #batch} and {@link #input} are the caller's to close.
 * Fetches only what the caller needs, so TensorFlow runs only that part of the graph: the latent
 * code needs the first encoder, the reconstruction the encoder and decoder, the score all three.
 * Patches come in a {@link PatchBatch}, which is the input tensor itself, filled by the caller.
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

	/** A batch of {@code n} patches whose memory is the scoring path's input tensor. */
	PatchBatch batch(int n) {
		if (n <= 0) throw new EngineException("a batch holds at least one patch, not " + n);
		return new TensorBatch(n);
	}

	/**
	 * True for TensorFlow's own failures: its {@link TensorFlowException}s and the two it raises as
	 * standard exceptions (invalid argument, unimplemented).
	 */
	static boolean fromTensorFlow(RuntimeException e) {
		return e instanceof TensorFlowException || e.getClass().getName().startsWith("org.tensorflow.exceptions.");
	}

	/** The first line of a TensorFlow failure's message. */
	static String firstLine(RuntimeException e) {
		String message = e.getMessage() == null ? e.toString() : e.getMessage().strip();
		int nl = message.indexOf('\n');
		return nl < 0 ? message : message.substring(0, nl);
	}

	/** A TensorFlow failure as a one-line engine error; other exceptions as they are. */
	static RuntimeException failure(RuntimeException e) {
		if (!fromTensorFlow(e)) return e;
		return new EngineException("TensorFlow failed to run the network: " + firstLine(e), e);
	}

	void score(PatchBatch batch, float[] scores, float[] reconstructionErrors) {
		TensorBatch b = tensorBatch(batch);
		int n = b.n;
		checkCapacity("scores", scores.length, n);
		if (reconstructionErrors != null) checkCapacity("reconstruction errors", reconstructionErrors.length, n);
		Session.Runner runner = session.runner().feed(GanomalyGraph.INPUT, b.tensor).fetch(GanomalyGraph.SCORE);
		if (reconstructionErrors != null) runner.fetch(GanomalyGraph.RECONSTRUCTION_ERROR);
		try (Result result = runner.run()) {
			copy(result, 0, scores, n);
			if (reconstructionErrors != null) copy(result, 1, reconstructionErrors, n);
		}
		catch (RuntimeException e) {
			throw failure(e);
		}
	}

	void reconstruct(PatchBatch batch, float[] out) {
		TensorBatch b = tensorBatch(batch);
		int length = b.n * spec.patchLength();
		checkCapacity("reconstructions", out.length, length);
		try (Result result = session.runner().feed(GanomalyGraph.INPUT, b.tensor).fetch(GanomalyGraph.RECONSTRUCTION).run()) {
			copy(result, 0, out, length);
		}
		catch (RuntimeException e) {
			throw failure(e);
		}
	}

	void latent(PatchBatch batch, float[] out) {
		TensorBatch b = tensorBatch(batch);
		checkCapacity("latent codes", out.length, b.n * spec.nz());
		try (Result result = session.runner().feed(GanomalyGraph.INPUT, b.tensor).fetch(GanomalyGraph.LATENT).run()) {
			copy(result, 0, out, b.n * spec.nz());
		}
		catch (RuntimeException e) {
			throw failure(e);
		}
	}

	/** Wraps the first {@code n} patches of {@code batch} as an NHWC tensor (for training: batch as it is). */
	TFloat32 input(float[] batch, int n) {
		int length = n * spec.patchLength();
		if (n < 0 || batch.length < length) throw new EngineException("batch holds " + batch.length +
			" floats, fewer than " + n + " patches of " + spec.patchLength());
		int s = spec.patchSize();
		return TFloat32.tensorOf(Shape.of(n, s, s, spec.channels()),
			DataBuffers.of(batch, true, false).slice(0, length));
	}

	private TensorBatch tensorBatch(PatchBatch batch) {
		if (!(batch instanceof TensorBatch b) || b.owner() != this) throw new EngineException(
			"this batch was made by another network");
		if (b.tensor == null) throw new EngineException("this batch is closed");
		return b;
	}

	/** Copies the first {@code length} values of a fetched tensor (of a batch maybe padded by one) into {@code out}. */
	private static void copy(Result result, int index, float[] out, int length) {
		result.get(index).asRawTensor().data().asFloats().slice(0, length).read(out, 0, length);
	}

	private static void checkCapacity(String what, int capacity, int needed) {
		if (capacity < needed) throw new EngineException("array for " + what + " holds " + capacity +
			" floats, " + needed + " needed");
	}

	/**
	 * The input tensor of {@code n} patches, one more if {@code n} is odd: that last slot always
	 * holds a copy of patch n - 1, refreshed whenever patch n - 1 is written.
	 */
	private final class TensorBatch implements PatchBatch {

		private final int n, length;
		private TFloat32 tensor;
		private final FloatDataBuffer data;

		TensorBatch(int n) {
			this.n = n;
			this.length = spec.patchLength();
			int s = spec.patchSize();
			tensor = TFloat32.tensorOf(Shape.of(n + n % 2, s, s, spec.channels()));
			data = tensor.asRawTensor().data().asFloats();
		}

		PatchScorer owner() {
			return PatchScorer.this;
		}

		@Override
		public int size() {
			return n;
		}

		@Override
		public void put(long index, float[] src, int offset, int length) {
			long end = (long) n * this.length;
			if (index < 0 || length < 0 || index + length > end) throw new EngineException("floats " + index + " to " +
				(index + length) + " leave the batch of " + end);
			data.offset(index).write(src, offset, length);
			long last = end - this.length;
			if (n % 2 == 1 && index + length > last) {
				long from = Math.max(index, last);
				data.offset(from + this.length).write(src, (int) (offset + from - index), (int) (index + length - from));
			}
		}

		@Override
		public void get(long index, float[] dst, int offset, int length) {
			data.offset(index).read(dst, offset, length);
		}

		@Override
		public void close() {
			if (tensor != null) tensor.close();
			tensor = null;
		}
	}
}
