package sc.fiji.ganomaly.engine;

/**
 * A GANomaly generator that scores patches. A patch's score never depends on the other patches
 * of its batch, except with {@link ScoringNormalization#BATCH} normalisation (benchmarks only). Implementations
 * are safe to call from several threads at once.
 * <p>
 * Patches (NHWC, values in [-1, 1]) go in through a {@link PatchBatch}, the engine's own input
 * memory, which callers fill straight from their planes; the methods taking a float array copy it
 * into one.
 */
public interface ScoringNetwork extends AutoCloseable {

	/** The network's shapes and settings. */
	NetworkSpec spec();

	/** An empty batch of {@code n} patches in the engine's input memory. */
	PatchBatch batch(int n);

	/**
	 * Scores the patches of a batch.
	 *
	 * @param scores               receives the mean squared latent difference of each patch
	 * @param reconstructionErrors receives the mean absolute reconstruction error of each patch;
	 *                             may be null
	 */
	void score(PatchBatch batch, float[] scores, float[] reconstructionErrors);

	/** Writes the generator's reconstructions G(x) of a batch's patches into {@code out} (NHWC). */
	void reconstruct(PatchBatch batch, float[] out);

	/**
	 * Writes the latent codes G_E(x) of a batch's patches into {@code out} ({@code n × nz} floats).
	 */
	void latent(PatchBatch batch, float[] out);

	/** As {@link #score(PatchBatch, float[], float[])}, for the first {@code n} patches of {@code batch}. */
	default void score(float[] batch, int n, float[] scores, float[] reconstructionErrors) {
		if (n == 0) return;
		try (PatchBatch b = filled(batch, n)) {
			score(b, scores, reconstructionErrors);
		}
	}

	/** As {@link #reconstruct(PatchBatch, float[])}, for the first {@code n} patches of {@code batch}. */
	default void reconstruct(float[] batch, int n, float[] out) {
		if (n == 0) return;
		try (PatchBatch b = filled(batch, n)) {
			reconstruct(b, out);
		}
	}

	/** As {@link #latent(PatchBatch, float[])}, for the first {@code n} patches of {@code batch}. */
	default void latent(float[] batch, int n, float[] out) {
		if (n == 0) return;
		try (PatchBatch b = filled(batch, n)) {
			latent(b, out);
		}
	}

	/** A batch holding the first {@code n} patches of {@code batch}. */
	private PatchBatch filled(float[] batch, int n) {
		long length = (long) n * spec().patchLength();
		if (n < 0 || batch.length < length) throw new EngineException("batch holds " + batch.length + " floats, fewer " +
			"than " + n + " patches of " + spec().patchLength());
		PatchBatch b = batch(n);
		try {
			b.put(0, batch, 0, (int) length);
			return b;
		}
		catch (RuntimeException e) {
			b.close();
			throw e;
		}
	}

	/** The arithmetic precision it scores in: {@link Precision#FLOAT32} (default) or {@link Precision#BFLOAT16}. */
	default String precision() {
		return Precision.FLOAT32;
	}

	/** Frees the native resources. */
	@Override
	void close();
}
