package sc.fiji.ganomaly.engine;

/**
 * Patches in the engine's own input memory (NHWC floats, values in [-1, 1]), written once and
 * scored without another copy: the one copy between a normalised plane and the network. Made by
 * {@link ScoringNetwork#batch(int)} for a fixed number of patches; close it when done.
 */
public interface PatchBatch extends AutoCloseable {

	/** The number of patches. */
	int size();

	/** Copies {@code length} floats of {@code src} from {@code offset} to the batch, from float {@code index} on. */
	void put(long index, float[] src, int offset, int length);

	/** Copies {@code length} floats of the batch, from float {@code index} on, into {@code dst} from {@code offset}. */
	void get(long index, float[] dst, int offset, int length);

	/** Frees the memory. */
	@Override
	void close();
}
