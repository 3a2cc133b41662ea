package sc.fiji.ganomaly.core.texture;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.Objects;

import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.math.GaussianMixture;
import sc.fiji.ganomaly.core.math.MapFilters;
import sc.fiji.ganomaly.core.math.MixtureScores;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.core.plane.Tile;
import sc.fiji.ganomaly.core.plane.TileSource;
import sc.fiji.ganomaly.core.plane.TiledPlane;

/**
 * The {@code texture} score's model: how far the local statistics around a pixel lie from those of
 * normal data. Per channel and per scale s (1, 2, 4, 8 pixels), a few values describe the
 * neighbourhood (Gaussian window of sigma s; see {@link FeatureSet}). A mixture of Gaussians is
 * fitted to these vectors on normal regions ({@link TextureFit}); a pixel's raw score is −2 log p
 * of its vector (for one component, the squared Mahalanobis distance), and the map is smoothed with
 * a Gaussian of {@code sigma} pixels and corrected near the plane's border ({@link BorderProfile}).
 * It needs no network: it flags regions whose texture (grain, sharpness, contrast at some scale) is
 * unlike normal data (docs/benchmarks.md, "Detection suite").
 * <p>
 * Features are computed in one intensity scale for all planes, that of the training data
 * ({@code intensities}), not in each plane's own percentiles: a small region much brighter than
 * anything normal moves a plane's high percentile and would otherwise lower the contrast of the
 * whole plane, so that the map was lowest on the bright region.
 *
 * @param scales      the scales in pixels
 * @param sigma       smoothing of the map in pixels
 * @param features    the values computed per channel and scale
 * @param density     the mixture of Gaussians of normal feature vectors ({@code features × scales × channels}
 *                    values)
 * @param intensities the raw intensity range features are computed in; null: each plane as normalised
 * @param border      the correction of the smoothed map near the plane's border; null: none (planes
 *                    without an interior, and models written before it)
 */
public record TextureModel(double[] scales, double sigma, FeatureSet features, GaussianMixture density,
		Intensities intensities, BorderProfile border)
{

	/** Scales of new models. */
	static final double[] DEFAULT_SCALES = { 1, 2, 4, 8 };
	/** Features of new models. */
	static final FeatureSet DEFAULT_FEATURES = FeatureSet.STATISTICS_AND_GRADIENTS;
	/** Map smoothing of new models. */
	static final double DEFAULT_SIGMA = 4;
	/** Core tile side when scoring and fitting (each tile is read with a margin, so tiles do not show). */
	static final int TILE = 512;

	public TextureModel {
		if (scales.length == 0) throw new IllegalArgumentException("scales is empty: a texture model needs at least one " +
			"scale");
		Objects.requireNonNull(features, "features");
		if (density.dim() % (features.perScale() * scales.length) != 0) throw new IllegalArgumentException(
			"texture model: " + density.dim() + " values per pixel do not fit " + scales.length + " scales of " +
				features.id());
	}

	/** This model with its maps corrected near the plane's border by {@code profile} (null: not). */
	public TextureModel withBorder(BorderProfile profile) {
		return new TextureModel(scales, sigma, features, density, intensities, profile);
	}

	/** How far, in pixels, one pixel's value reaches in this model's maps: its features' windows and the map's smoothing. */
	public int reach() {
		return TextureFeatures.margin(scales) + (int) Math.ceil(3 * sigma);
	}

	/** Values per pixel for {@code channels} channels of features {@code features} at {@code scales}. */
	public static int dim(double[] scales, FeatureSet features, int channels) {
		return TextureFeatures.dim(scales, features, channels);
	}

	/** Pixels of context a feature needs on each side for a tile to score as the whole plane does. */
	int margin() {
		return TextureFeatures.margin(scales);
	}

	/**
	 * Fits a model to normal regions, computing features in the planes' median intensity range
	 * ({@link Intensities#median}).
	 */
	public static TextureModel fit(List<Region> regions, long seed) {
		return fit(regions, Intensities.median(regions.stream().map(Region::plane).distinct().toList()), seed);
	}

	/** Fits a model to normal regions, computing features in {@code intensities} (null: as normalised). */
	public static TextureModel fit(List<Region> regions, Intensities intensities, long seed) {
		return TextureFit.fit(regions, intensities, seed, TileThreads.THREADS);
	}

	/**
	 * As {@link #fit(List, Intensities, long)}, features of tiles on at most {@code threads} cores (0:
	 * every core): the same model on any number.
	 */
	public static TextureModel fit(List<Region> regions, Intensities intensities, long seed, int threads) {
		return TextureFit.fit(regions, intensities, seed, TileThreads.resolve(threads));
	}

	/**
	 * Fits one model to each of {@code regions} (with {@code seeds[i]}), the fits side by side on at
	 * most {@code threads} cores (0: every core): model i is the one {@link #fit(List, Intensities, long,
	 * int)} gives, on any number of threads; null once {@code canceled} says so (polled between
	 * tiles). The caller must not be a thread of the tile pool.
	 */
	public static List<TextureModel> fitEach(List<List<Region>> regions, Intensities intensities, long[] seeds,
		int threads, BooleanSupplier canceled)
	{
		int n = TileThreads.resolve(threads);
		// each fit on one thread (its tiles in order on the pool thread that runs it): the fits are the parallel work
		List<TextureModel> fitted = TileThreads.all(regions.size(), n, i -> regions.get(i).stream().mapToDouble(r ->
			(double) r.width() * r.height()).sum(), i -> () -> TextureFit.fit(regions.get(i), intensities, seeds[i], 1,
				canceled));
		return fitted.contains(null) ? null : fitted;
	}

	/**
	 * The raw map of a {@code width × height} plane read tile by tile from {@code source} (−2 log p
	 * of each pixel's feature vector under the mixture, smoothed and corrected near the border), tiles
	 * on every core (a plane of fewer tiles than cores: each tile's scales and rows), or null if
	 * {@code listener} cancelled.
	 */
	public AnomalyMap map(int width, int height, TileSource source, ProgressListener listener) {
		return map(width, height, source, listener, TileThreads.THREADS);
	}

	/**
	 * The maps of several planes, in order, as {@link #map(int, int, TileSource, ProgressListener, int)}
	 * gives each, or null if cancelled. Planes of one tile each, at least as many as threads, are
	 * mapped side by side, one per thread (each plane's tile is read on the calling thread), instead
	 * of each plane's tile over every thread; progress is then in planes, else in tiles.
	 */
	public List<AnomalyMap> maps(List<TiledPlane> planes, ProgressListener listener, int threads) {
		int n = TileThreads.resolve(threads);
		List<AnomalyMap> maps = new ArrayList<>(planes.size());
		// factored once for all the planes
		MixtureScores factored = new MixtureScores(density);
		boolean oneTileEach = planes.stream().allMatch(q -> q.width() <= TILE && q.height() <= TILE);
		// fewer planes than threads: each plane's tile over every thread, as one plane alone
		if (n == 1 || planes.size() < n || !oneTileEach) {
			for (int k = 0; k < planes.size(); k++) {
				TiledPlane q = planes.get(k);
				AnomalyMap map = map(q.width(), q.height(), q.tiles(), ProgressListener.part(listener, k, planes.size()), n,
					factored);
				if (map == null) return null;
				maps.add(map);
			}
			return maps;
		}
		boolean finished = TileThreads.run(planes.size(), n, k -> {
			if (listener.isCanceled()) return null;
			TiledPlane q = planes.get(k);
			Tile whole = q.tiles().tile(0, 0, q.width(), q.height());
			return () -> map(q.width(), q.height(), (x0, y0, w, h) -> whole, ProgressListener.NONE, 1, factored);
		}, (k, map) -> {
			maps.add(map);
			listener.progress(k + 1, planes.size());
			return k + 1 == planes.size() || !listener.isCanceled();
		});
		return finished ? maps : null;
	}

	/**
	 * {@link #map(int, int, TileSource, ProgressListener)} on at most {@code threads} cores (0: every
	 * core): the same map on any number.
	 */
	public AnomalyMap map(int width, int height, TileSource source, ProgressListener listener, int threads) {
		return map(width, height, source, listener, TileThreads.resolve(threads), new MixtureScores(density));
	}

	/** The map of one plane on {@code threads} threads, scored by copies of {@code factored}, with work spaces from the shared pool. */
	private AnomalyMap map(int width, int height, TileSource source, ProgressListener listener, int threads,
		MixtureScores factored)
	{
		AnomalyMap map = new AnomalyMap(width, height);
		float[] out = map.values();
		int m = margin(), d = density.dim();
		int columns = (width + TILE - 1) / TILE, rows = (height + TILE - 1) / TILE;
		long tiles = (long) columns * rows;
		// fewer tiles than threads (a small plane): tiles one after the other, each on every thread
		int inner = tiles < threads ? threads : 1;
		boolean finished = TileThreads.run(columns * rows, inner > 1 ? 1 : threads, t -> {
			if (listener.isCanceled()) return null;
			int tx = t % columns * TILE, ty = t / columns * TILE;
			int x0 = Math.max(0, tx - m), y0 = Math.max(0, ty - m);
			int x1 = Math.min(width, tx + TILE + m), y1 = Math.min(height, ty + TILE + m);
			int w = x1 - x0, h = y1 - y0;
			Tile tile = source.tile(x0, y0, w, h);
			NormalizedPlane p = tile.plane();
			if (dim(scales, features, p.channels()) != d) throw new IllegalArgumentException("the plane has " + p
				.channels() + " channel(s); the texture model was fitted to " + d / dim(scales, features, 1));
			float[] data = TextureFeatures.crop(p, x0 - tile.x0(), y0 - tile.y0(), w, h, intensities);
			int channels = p.channels();
			int x2 = Math.min(width, tx + TILE), y2 = Math.min(height, ty + TILE);
			TextureFeatures.Core core = new TextureFeatures.Core(tx - x0, ty - y0, x2 - tx, y2 - ty);
			return () -> {
				FeatureWorkspace.Pool.SHARED.lend(data, w, h, channels, core, scales, features, inner, f -> {
					int band = (core.height() + inner - 1) / inner;
					TileThreads.all(inner, inner, b -> 1, b -> () -> {
						int first = b * band, end = Math.min(core.height(), (b + 1) * band);
						if (first < end) factored.forAnotherThread().scores(f, 0, core.width(), first, end, out, (ty + first) *
							width + tx, width);
						return null;
					});
				});
				return null;
			};
		}, (t, none) -> {
			listener.progress(t + 1, tiles);
			return t + 1 == tiles || !listener.isCanceled();
		});
		if (!finished) return null;
		if (sigma > 0) {
			// in bands of rows on the tiles' threads: the same values as in one
			MapFilters.Bands bands = new MapFilters.Bands(out, width, height, sigma, threads);
			TileThreads.all(bands.count(), threads, b -> 1, b -> () -> {
				bands.smooth(b);
				return null;
			});
		}
		if (border != null) border.apply(out, width, height);
		return map;
	}
}
