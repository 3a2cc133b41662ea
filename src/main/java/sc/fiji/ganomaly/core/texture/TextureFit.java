package sc.fiji.ganomaly.core.texture;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

import sc.fiji.ganomaly.core.math.FloatList;
import sc.fiji.ganomaly.core.math.GaussianMixture;
import sc.fiji.ganomaly.core.plane.Region;

/**
 * Fits a texture model to normal regions: they are cut into tiles of at most
 * {@value TextureModel#TILE} pixels square, read with the context of their region (never beyond
 * it); tiles are taken in a seeded random order until {@value #MAX_FIT_PIXELS} pixels, their
 * features computed on all cores, and {@value #FIT_SAMPLES} feature vectors of them, drawn in tile
 * order (so the same on any number of threads), fit the mixture.
 */
final class TextureFit {

	/** Pixels whose features are computed to fit the model at most (tiles drawn at random beyond). */
	static final long MAX_FIT_PIXELS = 4L << 20;
	/** Feature vectors sampled from the training regions to fit the mixture. */
	static final int FIT_SAMPLES = 30_000;
	/** Components of each mixture fitted, mixtures averaged and rounds of EM. */
	static final int COMPONENTS = 4, FITS = 3, ITERATIONS = 30;

	/** A tile of region {@code region}: its corner and size in the region's coordinates. */
	private record FitTile(int region, int x, int y, int width, int height) {

		long area() {
			return (long) width * height;
		}
	}

	private TextureFit() {}

	/**
	 * The model of {@code regions} with the default scales, features and smoothing.
	 *
	 * @param intensities the intensity range features are computed in (null: each plane as normalised)
	 * @param threads     tiles whose features are computed at once (the same model for any number)
	 */
	static TextureModel fit(List<Region> regions, Intensities intensities, long seed, int threads) {
		return fit(regions, intensities, seed, threads, () -> false);
	}

	/**
	 * As {@link #fit(List, Intensities, long, int)}, or null once {@code canceled} says so (polled
	 * between tiles and between the mixture's rounds of EM).
	 */
	static TextureModel fit(List<Region> regions, Intensities intensities, long seed, int threads,
		BooleanSupplier canceled)
	{
		double[] scales = TextureModel.DEFAULT_SCALES.clone();
		FeatureSet features = TextureModel.DEFAULT_FEATURES;
		int channels = regions.get(0).plane().channels(), d = TextureFeatures.dim(scales, features, channels);
		int margin = TextureFeatures.margin(scales), size = TextureModel.TILE;
		List<FitTile> tiles = new ArrayList<>();
		for (int i = 0; i < regions.size(); i++) {
			Region r = regions.get(i);
			for (int y = 0; y < r.height(); y += size)
				for (int x = 0; x < r.width(); x += size)
					tiles.add(new FitTile(i, x, y, Math.min(size, r.width() - x), Math.min(size, r.height() - y)));
		}
		Random random = new Random(seed);
		Collections.shuffle(tiles, random);
		long total = 0;
		int taken = 0;
		while (taken < tiles.size() && total < MAX_FIT_PIXELS)
			total += tiles.get(taken++).area();
		int used = taken;
		double keep = Math.min(1, FIT_SAMPLES / (double) total);
		FloatList samples = new FloatList();
		int[] n = { 0 };
		boolean finished = TileThreads.run(used, threads, t -> {
			if (canceled.getAsBoolean()) return null;
			FitTile tile = tiles.get(t);
			Region r = regions.get(tile.region());
			int x0 = Math.max(0, tile.x() - margin), y0 = Math.max(0, tile.y() - margin);
			int x1 = Math.min(r.width(), tile.x() + tile.width() + margin);
			int y1 = Math.min(r.height(), tile.y() + tile.height() + margin);
			int w = x1 - x0, h = y1 - y0;
			float[] data = TextureFeatures.crop(r.plane(), r.x0() + x0, r.y0() + y0, w, h, intensities);
			TextureFeatures.Core core = new TextureFeatures.Core(tile.x() - x0, tile.y() - y0, tile.width(), tile.height());
			return () -> FeatureWorkspace.Pool.SHARED.features(data, w, h, channels, core, scales, features, 1);
		}, (t, f) -> {
			FitTile tile = tiles.get(t);
			for (int y = 0; y < tile.height(); y++)
				for (int x = 0; x < tile.width(); x++)
					if (keep >= 1 || random.nextDouble() < keep) {
						for (int k = 0; k < d; k++)
							samples.add(f[k][y][x]);
						n[0]++;
					}
			return t + 1 == used || !canceled.getAsBoolean();
		});
		if (!finished) return null;
		GaussianMixture density = GaussianMixture.fit(samples.values(), n[0], d, COMPONENTS, FITS, ITERATIONS, seed,
			canceled);
		if (density == null) return null;
		return new TextureModel(scales, TextureModel.DEFAULT_SIGMA, features, density, intensities, null);
	}
}
