package sc.fiji.ganomaly.core.texture;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.math.GaussianMixture;
import sc.fiji.ganomaly.core.math.MixtureScores;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.core.plane.Tile;
import sc.fiji.ganomaly.core.plane.TileSource;

/**
 * The texture score's speed against {@link TextureReference} in one run: the raw map of a
 * {@code side × side} plane (default 2048) by a default texture model, old (one pixel at a time, one
 * thread) and new, their largest difference, the FLOPs per pixel of features and mixture and the
 * share of the peak reached, and maps per second of small planes (one tile) on one thread and on
 * all. Prints key=value lines. usage: TextureBenchmark [side] [peak GFLOP/s]
 */
public final class TextureBenchmark {

	public static void main(String[] args) {
		int side = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
		double peak = args.length > 1 ? Double.parseDouble(args[1]) : 353;
		for (String line : run(side, peak))
			System.out.println(line);
	}

	/** The key=value lines of a run on a {@code side × side} plane. */
	public static List<String> run(int side, double peak) {
		Random random = new Random(1);
		TextureModel t = TextureModel.fit(List.of(Region.of(plane(256, 256, 1, random))), 1);
		NormalizedPlane plane = plane(side, side, 1, random);
		TileSource source = (x0, y0, w, h) -> new Tile(plane, 0, 0);
		// warm-up of both on a smaller plane
		NormalizedPlane small = plane(600, 600, 1, random);
		TextureReference.map(t, 600, 600, (x0, y0, w, h) -> new Tile(small, 0, 0));
		for (int i = 0; i < 3; i++)
			t.map(600, 600, (x0, y0, w, h) -> new Tile(small, 0, 0), ProgressListener.NONE);
		long start = System.nanoTime();
		float[] old = TextureReference.map(t, side, side, source);
		double oldSeconds = (System.nanoTime() - start) / 1e9;
		double newSeconds = Double.MAX_VALUE;
		float[] now = null;
		for (int i = 0; i < 3; i++) {
			start = System.nanoTime();
			now = t.map(side, side, source, ProgressListener.NONE).values();
			newSeconds = Math.min(newSeconds, (System.nanoTime() - start) / 1e9);
		}
		double diff = 0, relative = 0;
		for (int i = 0; i < old.length; i++) {
			diff = Math.max(diff, Math.abs(old[i] - now[i]));
			relative = Math.max(relative, Math.abs(old[i] - now[i]) / Math.max(1, Math.abs(old[i])));
		}
		double features = featureFlops(t, side), mixture = mixtureFlops(t.density()) * (double) side * side,
				smoothing = 4.0 * (2 * Math.ceil(3 * t.sigma()) + 1) * side * side, gflop = (features + mixture + smoothing) / 1e9;
		double[] rates = smallPlanes(t, SMALL, random);
		TileSeconds tile = tileSeconds(t, random);
		// FLOPs of a tile with its margins: featureFlops per pixel of a tile without them (no margin
		// inside a one-tile plane), and the mixture's per pixel
		double pixels = (double) tile.side() * tile.side(), tileFeatures = featureFlops(t, TextureModel.TILE) /
			TextureModel.TILE / TextureModel.TILE * pixels / 1e9, tileMixture = mixtureFlops(t.density()) * pixels / 1e9;
		return List.of(String.format(Locale.ROOT, "texture_map_side=%d", side),
			String.format(Locale.ROOT, "texture_map_threads=%d", TileThreads.THREADS),
			String.format(Locale.ROOT, "texture_map_seconds_old=%.3f", oldSeconds),
			String.format(Locale.ROOT, "texture_map_seconds_new=%.3f", newSeconds),
			String.format(Locale.ROOT, "texture_map_speedup=%.1f", oldSeconds / newSeconds),
			String.format(Locale.ROOT, "texture_map_max_abs_difference=%.3g", diff),
			String.format(Locale.ROOT, "texture_map_max_relative_difference=%.3g", relative),
			String.format(Locale.ROOT, "texture_flop_per_pixel_features=%.0f", features / side / side),
			String.format(Locale.ROOT, "texture_flop_per_pixel_mixture=%.0f", mixture / side / side),
			String.format(Locale.ROOT, "texture_map_gflop=%.1f", gflop),
			String.format(Locale.ROOT, "texture_map_peak_share_new=%.3f", gflop / newSeconds / peak),
			String.format(Locale.ROOT, "texture_map_peak_share_old=%.4f", gflop / oldSeconds / peak),
			String.format(Locale.ROOT, "texture_tile_side_with_margins=%d", tile.side()),
			String.format(Locale.ROOT, "texture_tile_seconds_features_1_thread=%.3f", tile.features()),
			String.format(Locale.ROOT, "texture_tile_gflops_features=%.1f", tileFeatures / tile.features()),
			String.format(Locale.ROOT, "texture_tile_seconds_mixture_1_thread=%.3f", tile.mixture()),
			String.format(Locale.ROOT, "texture_tile_gflops_mixture=%.1f", tileMixture / tile.mixture()),
			String.format(Locale.ROOT, "texture_small_map_side=%d", SMALL),
			String.format(Locale.ROOT, "texture_small_maps_per_second_1_thread=%.2f", rates[0]),
			String.format(Locale.ROOT, "texture_small_maps_per_second_all_threads=%.2f", rates[1]),
			String.format(Locale.ROOT, "texture_small_map_speedup=%.2f", rates[1] / rates[0]));
	}

	/** Seconds on one thread for a {@code side²} tile's features and for its mixture scores. */
	record TileSeconds(int side, double features, double mixture) {}

	/**
	 * {@link TileSeconds} of a tile with its margins (the mixture scoring all its pixels), the best of
	 * ten rounds, the features' work space kept from round to round as a map keeps it from tile to tile.
	 */
	static TileSeconds tileSeconds(TextureModel t, Random random) {
		int side = TextureModel.TILE + 2 * t.margin();
		float[] data = plane(side, side, 1, random).data();
		GaussianMixture g = t.density();
		MixtureScores scores = new MixtureScores(g);
		float[] out = new float[side * side];
		double features = Double.MAX_VALUE, mixture = Double.MAX_VALUE;
		FeatureWorkspace work = new FeatureWorkspace();
		float[][][] f = new float[g.dim()][side][side];
		float[][] row = new float[g.dim()][];
		for (int round = 0; round < 10; round++) {
			long start = System.nanoTime();
			TextureFeatures.compute(data, side, side, 1, new TextureFeatures.Core(0, 0, side, side), t.scales(), t
				.features(), 1, work, f);
			long middle = System.nanoTime();
			for (int y = 0; y < side; y++) {
				for (int k = 0; k < f.length; k++)
					row[k] = f[k][y];
				scores.scores(row, 0, side, out, y * side);
			}
			features = Math.min(features, (middle - start) / 1e9);
			mixture = Math.min(mixture, (System.nanoTime() - middle) / 1e9);
		}
		return new TileSeconds(side, features, mixture);
	}

	/** Side of the small planes timed: one tile, as the planes of many folders are. */
	static final int SMALL = 256;

	/**
	 * Maps per second of {@code side²} planes (one tile each) on one thread and on all, the best of
	 * three rounds of 20 maps, after checking that both give the same map.
	 */
	static double[] smallPlanes(TextureModel t, int side, Random random) {
		NormalizedPlane plane = plane(side, side, 1, random);
		TileSource source = (x0, y0, w, h) -> new Tile(plane, 0, 0);
		if (!java.util.Arrays.equals(t.map(side, side, source, ProgressListener.NONE, 1).values(), t.map(side, side,
			source, ProgressListener.NONE, TileThreads.THREADS).values()))
			throw new IllegalStateException("the maps of one thread and of all differ");
		double[] rates = new double[2];
		for (int round = 0; round < 3; round++)
			for (int k = 0; k < 2; k++) {
				long start = System.nanoTime();
				for (int i = 0; i < 20; i++)
					t.map(side, side, source, ProgressListener.NONE, k == 0 ? 1 : TileThreads.THREADS);
				rates[k] = Math.max(rates[k], 20 / ((System.nanoTime() - start) / 1e9));
			}
		return rates;
	}

	/**
	 * Multiplications and additions of the features of a {@code side²} plane, tiles with their
	 * margins: each tap of a Gaussian is two per direction; the per-pixel arithmetic around them is
	 * left out.
	 */
	static double featureFlops(TextureModel t, int side) {
		double taps = 0;
		int perScale = t.features().perScale();
		for (double s : t.scales())
			taps += (perScale == 6 ? 8 : 5) * (2 * Math.ceil(3 * s) + 1) + (2 * Math.ceil(1.5 * s) + 1);
		double area = 0;
		int m = t.margin();
		for (int y = 0; y < side; y += TextureModel.TILE)
			for (int x = 0; x < side; x += TextureModel.TILE)
				area += (double) (Math.min(side, x + TextureModel.TILE + m) - Math.max(0, x - m)) * (Math.min(side, y +
					TextureModel.TILE + m) - Math.max(0, y - m));
		return taps * 2 * 2 * area * t.density().dim() / (perScale * t.scales().length);
	}

	/** Multiplications and additions of one vector's −2 log p (the exponentials counted as one each). */
	static double mixtureFlops(GaussianMixture g) {
		int d = g.dim();
		return g.components() * (d + d * (d - 1) + 5.0 * d + 4 + 1);
	}

	/**
	 * A normalised textured plane of interleaved channels: stripes of varying period and direction,
	 * noise of varying strength, and flat patches.
	 */
	static NormalizedPlane plane(int w, int h, int channels, Random random) {
		float[] v = new float[w * h * channels];
		double phase = random.nextDouble() * 6;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				for (int c = 0; c < channels; c++) {
					double region = Math.sin(x * 0.01 + c) * Math.cos(y * 0.013), value = region > 0.6 ? 0.2 : 0.5 * Math
						.sin((x * (1 + region) + y * region) * 0.4 + phase) + (0.05 + 0.2 * Math.abs(region)) * random
							.nextGaussian();
					v[(y * w + x) * channels + c] = (float) value;
				}
		return new NormalizedPlane(w, h, channels, v);
	}
}
