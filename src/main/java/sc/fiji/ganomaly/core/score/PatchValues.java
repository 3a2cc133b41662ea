package sc.fiji.ganomaly.core.score;

import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.math.DensityModel;
import sc.fiji.ganomaly.engine.PatchBatch;
import sc.fiji.ganomaly.engine.ScoringNetwork;

/**
 * Raw values of one network score for a batch of patches, added to a map: one value per patch
 * spread over the patch ({@link ScoreKind#LATENT}, {@link ScoreKind#DENSITY}, and models without
 * image scoring), or one value per pixel ({@link ScoreKind#RESIDUAL}). Holds scratch buffers: one
 * instance per batch in flight.
 */
abstract class PatchValues {

	final ScoringNetwork network;
	final int patch;
	/** One value per patch of the last {@link #evaluate}. */
	final float[] values;
	/** Patches of the last {@link #evaluate}. */
	int n;

	private PatchValues(ScoringNetwork network, int capacity) {
		this.network = network;
		this.patch = network.spec().patchSize();
		this.values = new float[capacity];
	}

	/**
	 * The values of {@code kind} (null: the latent score of models without image scoring), with buffers
	 * for {@code capacity} patches.
	 *
	 * @param density the Gaussian of normal latent codes, needed by {@link ScoreKind#DENSITY}
	 */
	static PatchValues of(ScoringNetwork network, ScoreKind kind, DensityModel density, int capacity) {
		if (kind == ScoreKind.RESIDUAL) return new Residual(network, capacity);
		if (kind == ScoreKind.DENSITY) return new Density(network, density, capacity);
		return new Latent(network, capacity);
	}

	/** An empty batch of {@code n} patches in the engine's memory. */
	PatchBatch batch(int n) {
		return network.batch(n);
	}

	/** Runs the network on the batch's patches and keeps their raw values for {@link #accumulate}. */
	abstract void evaluate(PatchBatch batch);

	/** Adds the value(s) of patch {@code i} of the last evaluation at ({@code x}, {@code y}). */
	abstract void add(int i, int x, int y, MapAccumulator accumulator);

	/**
	 * Adds the values of the last {@link #evaluate} to their planes' accumulators: patch i at
	 * ({@code px[i]}, {@code py[i]}) of plane {@code owner[i]}, whose highest raw value of a patch (per-pixel
	 * scores: of a patch's mean) {@code best[owner[i]]} is raised to patch i's.
	 */
	final void accumulate(int[] px, int[] py, int[] owner, MapAccumulator[] targets, float[] best) {
		for (int i = 0; i < n; i++) {
			int plane = owner[i];
			add(i, px[i], py[i], targets[plane]);
			best[plane] = Math.max(best[plane], values[i]);
		}
	}

	/** The paper's score: the network's latent distance, one value per patch. */
	private static final class Latent extends PatchValues {

		Latent(ScoringNetwork network, int capacity) {
			super(network, capacity);
		}

		@Override
		void evaluate(PatchBatch batch) {
			n = batch.size();
			network.score(batch, values, null);
		}

		@Override
		void add(int i, int x, int y, MapAccumulator accumulator) {
			accumulator.add(x, y, patch, values[i]);
		}
	}

	/** Squared Mahalanobis distance of each patch's latent code to the Gaussian of normal codes. */
	private static final class Density extends PatchValues {

		private final DensityModel density;
		private final float[] codes;
		private final double[] scratch;

		Density(ScoringNetwork network, DensityModel density, int capacity) {
			super(network, capacity);
			if (density == null) throw new IllegalArgumentException("this model has no density model for the density score");
			this.density = density;
			this.codes = new float[capacity * network.spec().nz()];
			this.scratch = new double[network.spec().nz()];
		}

		@Override
		void evaluate(PatchBatch batch) {
			n = batch.size();
			network.latent(batch, codes);
			int nz = density.dim();
			for (int i = 0; i < n; i++)
				values[i] = density.distance2(codes, i * nz, scratch);
		}

		@Override
		void add(int i, int x, int y, MapAccumulator accumulator) {
			accumulator.add(x, y, patch, values[i]);
		}
	}

	/** Per-pixel |x − G(x)|, averaged over channels; each patch's value is its mean. */
	private static final class Residual extends PatchValues {

		private final int channels;
		private final float[] pixels, input;

		Residual(ScoringNetwork network, int capacity) {
			super(network, capacity);
			this.channels = network.spec().channels();
			this.pixels = new float[capacity * network.spec().patchLength()];
			this.input = new float[network.spec().patchLength()];
		}

		@Override
		void evaluate(PatchBatch batch) {
			n = batch.size();
			network.reconstruct(batch, pixels);
			int area = patch * patch, length = area * channels;
			for (int i = 0; i < n; i++) {
				int base = i * length;
				batch.get(base, input, 0, length);
				double sum = 0;
				for (int k = 0; k < area; k++) {
					float r = 0;
					for (int c = 0; c < channels; c++)
						r += Math.abs(input[k * channels + c] - pixels[base + k * channels + c]);
					r /= channels;
					pixels[i * area + k] = r; // reuses the front of the buffer: patch i's pixels are read already
					sum += r;
				}
				values[i] = (float) (sum / area);
			}
		}

		@Override
		void add(int i, int x, int y, MapAccumulator accumulator) {
			accumulator.add(x, y, patch, pixels, i * patch * patch);
		}
	}
}
