package sc.fiji.ganomaly.engine;

/**
 * A GANomaly generator that scores patches. Batch norm uses stored statistics, so a patch's
 * score never depends on the other patches of its batch. Implementations are safe to call from
 * several threads at once.
 */
public interface ScoringNetwork extends AutoCloseable {

	/** The network's shapes and settings. */
	NetworkSpec spec();

	/**
	 * Scores {@code n} patches laid out NHWC in {@code batch} (values in [-1, 1]).
	 *
	 * @param scores               receives the mean squared latent difference of each patch
	 * @param reconstructionErrors receives the mean absolute reconstruction error of each patch;
	 *                             may be null
	 */
	void score(float[] batch, int n, float[] scores, float[] reconstructionErrors);

	/** An empty batch of {@code n} patches in the engine's input memory, for the methods below. */
	PatchBatch batch(int n);

	/** As {@link #score(float[], int, float[], float[])}, for the patches of a batch. */
	void score(PatchBatch batch, float[] scores, float[] reconstructionErrors);

	/** As {@link #reconstruct(float[], int, float[])}, for the patches of a batch. */
	void reconstruct(PatchBatch batch, float[] out);

	/** As {@link #latent(float[], int, float[])}, for the patches of a batch. */
	default void latent(PatchBatch batch, float[] out) {
		throw new EngineException("this network has no latent output");
	}

	/** Writes the generator's reconstructions G(x) of {@code n} patches into {@code out} (NHWC). */
	void reconstruct(float[] batch, int n, float[] out);

	/**
	 * Writes the latent codes G_E(x) of {@code n} patches into {@code out} ({@code n × nz} floats).
	 *
	 * @throws EngineException if the network has no latent output (models written before it existed)
	 */
	default void latent(float[] batch, int n, float[] out) {
		throw new EngineException("this network has no latent output");
	}

	/** The arithmetic precision it scores in: {@link Precision#FLOAT32} (default) or {@link Precision#BFLOAT16}. */
	default String precision() {
		return Precision.FLOAT32;
	}

	/** Frees the native resources. */
	@Override
	void close();
}
