package sc.fiji.ganomaly.core;

import sc.fiji.ganomaly.engine.PatchBatch;
import sc.fiji.ganomaly.engine.ScoringNetwork;

/**
 * Raw values of one score for a batch of patches, added to a map: one value per patch spread over
 * the patch ({@link Score#LATENT}, {@link Score#DENSITY}, and models without image
 * scoring), or one value per pixel ({@link Score#RESIDUAL}). Holds scratch buffers: one
 * instance per batch in flight.
 */
final class PatchValues {

	private final ScoringNetwork network;
	private final Score kind;
	private final DensityModel density;
	private final int patch, channels;
	private final float[] values, pixels, codes, input;
	private final double[] scratch;
	/** Patches of the last {@link #evaluate}. */
	private int n;

	PatchValues(ScoringNetwork network, Score kind, DensityModel density, int capacity) {
		this.network = network;
		this.kind = kind;
		this.density = density;
		this.patch = network.spec().patchSize();
		this.channels = network.spec().channels();
		this.values = new float[capacity];
		this.pixels = kind == Score.RESIDUAL ? new float[capacity * network.spec().patchLength()] : null;
		this.input = kind == Score.RESIDUAL ? new float[network.spec().patchLength()] : null;
		if (kind == Score.DENSITY) {
			if (density == null) throw new IllegalArgumentException("this model has no density model for the density score");
			codes = new float[capacity * network.spec().nz()];
			scratch = new double[network.spec().nz()];
		}
		else {
			codes = null;
			scratch = null;
		}
	}

	/** An empty batch of {@code n} patches in the engine's memory. */
	PatchBatch batch(int n) {
		return network.batch(n);
	}

	/**
	 * Runs the network on the batch's patches and keeps their raw values (residual: per pixel, and
	 * each patch's mean) for {@link #accumulate}.
	 */
	void evaluate(PatchBatch batch) {
		n = batch.size();
		if (kind == Score.RESIDUAL) {
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
		else if (kind == Score.DENSITY) {
			network.latent(batch, codes);
			int nz = density.dim();
			for (int i = 0; i < n; i++)
				values[i] = density.distance2(codes, i * nz, scratch);
		}
		else network.score(batch, values, null);
	}

	/**
	 * Adds the values of the last {@link #evaluate} to the accumulator, patch i at ({@code px[i]},
	 * {@code py[i]}).
	 *
	 * @return the highest raw value of a patch (per-pixel scores: of a patch's mean)
	 */
	float accumulate(int[] px, int[] py, MapAccumulator accumulator) {
		float best = Float.NEGATIVE_INFINITY;
		boolean perPixel = kind == Score.RESIDUAL;
		int area = patch * patch;
		for (int i = 0; i < n; i++) {
			if (perPixel) accumulator.add(px[i], py[i], patch, pixels, i * area);
			else accumulator.add(px[i], py[i], patch, values[i]);
			best = Math.max(best, values[i]);
		}
		return best;
	}
}
