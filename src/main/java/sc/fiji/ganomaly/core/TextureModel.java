package sc.fiji.ganomaly.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The {@code texture} score (issue 10): how far the local statistics around a pixel lie from those
 * of normal data. Per channel and per scale s (1, 2, 4, 8 pixels), a few values describe the
 * neighbourhood (Gaussian window of sigma s; see {@link Features}). A mixture of Gaussians is
 * fitted to these vectors on the training regions (the average of {@value #FITS} EM fits of
 * {@value #COMPONENTS} components); a pixel's raw score is −2 log p of its vector
 * (for one component, the squared Mahalanobis distance), and the map is smoothed with a Gaussian
 * of {@code sigma} pixels. It needs no network: it flags regions whose texture (grain,
 * sharpness, contrast at some scale) is unlike normal data, which is what GANomaly's scores miss
 * on photographs of natural textures (docs/benchmarks.md, "Detection suite").
 *
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
 * @param intensities the raw intensity range features are computed in; null: each plane as
 *                    normalised (texture models written before it existed)
 */
public record TextureModel(double[] scales, double sigma, Features features, GaussianMixture density,
		Intensities intensities)
{

	/**
	 * The values computed per channel and scale s, over a Gaussian window of sigma s. Stored in the
	 * manifest by {@link #id()}; models without one used {@link #STATISTICS}.
	 */
	public enum Features {

		/**
		 * The local mean, the log of the local variance, the log of the local gradient energy and the
		 * log of the local energy of the Laplacian of the image smoothed at s/2 (the first texture
		 * models, whose manifests name no feature set).
		 */
		STATISTICS("statistics", 4, "per channel and scale: local mean, log local variance, log local gradient " +
			"energy, log local energy of the Laplacian"),

		/**
		 * {@link #STATISTICS} and two values of the local gradients: their coherence (how much they
		 * share one orientation, from the structure tensor: 0 isotropic, 1 a line or an edge) and
		 * their sparsity, log((mean |∇|)² / mean |∇|²) (0 when every gradient is alike, very
		 * negative where a few strong edges dominate). Scratches, fibres and materials of another
		 * grain differ from normal texture in these more than in its energies (docs/benchmarks.md,
		 * "Fourth pass").
		 */
		STATISTICS_AND_GRADIENTS("statistics+gradients", 6, "per channel and scale: local mean, log local " +
			"variance, log local gradient energy, log local energy of the Laplacian, gradient coherence, gradient " +
			"sparsity");

		private final String id, description;
		private final int perScale;

		Features(String id, int perScale, String description) {
			this.id = id;
			this.perScale = perScale;
			this.description = description;
		}

		/** The name in the manifest. */
		public String id() {
			return id;
		}

		/** Values per channel and scale. */
		public int perScale() {
			return perScale;
		}

		/** The features of the manifest's {@code id}; {@link #STATISTICS} if absent (null). */
		static Features parse(String id) {
			if (id == null) return STATISTICS;
			for (Features f : values())
				if (f.id.equals(id)) return f;
			throw new IllegalArgumentException("manifest.json: unknown texture features '" + id + "' (this version " +
				"knows " + java.util.Arrays.stream(values()).map(Features::id).toList() + "); update the plugin");
		}
	}

	/**
	 * Per channel, the raw intensities mapped to −1 and +1 before computing features: the medians
	 * of the training planes' own normalisation ranges.
	 */
	public record Intensities(double[] low, double[] high) {

		public Intensities {
			if (low.length != high.length) throw new IllegalArgumentException("intensities: " + low.length +
				" low values, " + high.length + " high values");
			for (int c = 0; c < low.length; c++)
				if (!(high[c] > low[c])) throw new IllegalArgumentException("intensities of channel " + c +
					" need low < high, not " + low[c] + " and " + high[c]);
		}

		/**
		 * The medians of the planes' normalisation ranges per channel, or null if a plane does not
		 * know its raw intensities or a channel is constant in every plane.
		 */
		static Intensities median(List<NormalizedPlane> planes) {
			if (planes.isEmpty() || !planes.stream().allMatch(NormalizedPlane::hasIntensities)) return null;
			int channels = planes.get(0).channels();
			double[] low = new double[channels], high = new double[channels];
			for (int c = 0; c < channels; c++) {
				List<double[]> ranges = new ArrayList<>();
				for (NormalizedPlane p : planes) {
					double l = p.raw(-1, c), h = p.raw(1, c);
					if (h > l) ranges.add(new double[] { l, h });
				}
				if (ranges.isEmpty()) return null;
				low[c] = median(ranges.stream().mapToDouble(r -> r[0]).sorted().toArray());
				high[c] = median(ranges.stream().mapToDouble(r -> r[1]).sorted().toArray());
				if (!(high[c] > low[c])) return null;
			}
			return new Intensities(low, high);
		}

		private static double median(double[] sorted) {
			int n = sorted.length;
			return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
		}

		/** Maps interleaved values of {@code plane} (normalised its own way) to this range, in place. */
		void apply(float[] data, NormalizedPlane plane) {
			int channels = plane.channels();
			if (!plane.hasIntensities() || channels != low.length) return;
			for (int c = 0; c < channels; c++) {
				double s = 2 / (high[c] - low[c]);
				for (int i = c; i < data.length; i += channels)
					data[i] = (float) ((plane.raw(data[i], c) - low[c]) * s - 1);
			}
		}

		Map<String, Object> toJson() {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("low", Json.doubles(low));
			m.put("high", Json.doubles(high));
			return m;
		}

		static Intensities fromJson(Map<String, Object> json) {
			return new Intensities(Manifest.doubles(json, "low"), Manifest.doubles(json, "high"));
		}
	}

	/** Scales of new models. */
	static final double[] DEFAULT_SCALES = { 1, 2, 4, 8 };
	/** Features of new models. */
	static final Features DEFAULT_FEATURES = Features.STATISTICS_AND_GRADIENTS;
	/** Map smoothing of new models. */
	static final double DEFAULT_SIGMA = 4;
	/** Feature vectors sampled from the training regions to fit the Gaussian. */
	static final int FIT_SAMPLES = 30_000;
	/** Components of each mixture fitted, mixtures averaged and rounds of EM. */
	static final int COMPONENTS = 4, FITS = 3, ITERATIONS = 30;
	/** Core tile side when scoring (each tile is read with a margin, so tiles do not show). */
	static final int TILE = 512;
	private static final double VARIANCE_FLOOR = 1e-4, LAPLACIAN_FLOOR = 1e-6;

	public TextureModel {
		if (scales.length == 0) throw new IllegalArgumentException("texture model needs at least one scale");
		java.util.Objects.requireNonNull(features, "features");
		if (density.dim() % (features.perScale() * scales.length) != 0) throw new IllegalArgumentException(
			"texture model: " + density.dim() + " values per pixel do not fit " + scales.length + " scales of " +
				features.id());
	}

	/** Values per pixel for {@code channels} channels. */
	static int dim(double[] scales, Features features, int channels) {
		return features.perScale() * scales.length * channels;
	}

	/** Pixels of context a feature needs on each side for a tile to score as the whole plane does. */
	int margin() {
		return margin(scales);
	}

	/** {@link #margin()} of features at {@code scales}. */
	private static int margin(double[] scales) {
		double max = 0;
		for (double s : scales)
			max = Math.max(max, s);
		// smoothing of the Laplacian's input (3 s/2), the Laplacian (1), the energy's window (3 s)
		return (int) Math.ceil(4.5 * max) + 2;
	}

	/**
	 * Feature planes of a {@code w × h} image given as interleaved channels: {@code dim} planes of
	 * {@code w × h} values, index {@code [feature][y * w + x]}.
	 */
	static float[][] features(float[] data, int w, int h, int channels, double[] scales, Features features) {
		float[][] out = new float[dim(scales, features, channels)][];
		boolean gradients = features == Features.STATISTICS_AND_GRADIENTS;
		int n = w * h, f = 0;
		float[] img = new float[n], sq = new float[n], grad = new float[n], scratch = new float[n],
				scratch2 = gradients ? new float[n] : null;
		// the gradients' components and magnitudes, for coherence and sparsity only
		float[] gxx = gradients ? new float[n] : null, gyy = gradients ? new float[n] : null,
				gxy = gradients ? new float[n] : null, magnitude = gradients ? new float[n] : null;
		for (int c = 0; c < channels; c++) {
			for (int i = 0; i < n; i++)
				img[i] = data[i * channels + c];
			for (int i = 0; i < n; i++)
				sq[i] = img[i] * img[i];
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					float gx = w == 1 ? 0 : x == 0 ? img[y * w + 1] - img[y * w] : x == w - 1 ? img[y * w + x] - img[y * w + x -
						1] : 0.5f * (img[y * w + x + 1] - img[y * w + x - 1]);
					float gy = h == 1 ? 0 : y == 0 ? img[w + x] - img[x] : y == h - 1 ? img[y * w + x] - img[(y - 1) * w + x] :
						0.5f * (img[(y + 1) * w + x] - img[(y - 1) * w + x]);
					int i = y * w + x;
					grad[i] = gx * gx + gy * gy;
					if (gradients) {
						gxx[i] = gx * gx;
						gyy[i] = gy * gy;
						gxy[i] = gx * gy;
						magnitude[i] = (float) Math.sqrt(grad[i]);
					}
				}
			// each input is smoothed at every scale: widened to doubles once
			double[] imgD = MapFilters.widen(img), sqD = MapFilters.widen(sq), gradD = MapFilters.widen(grad);
			double[] gxxD = gradients ? MapFilters.widen(gxx) : null, gyyD = gradients ? MapFilters.widen(gyy) : null,
					gxyD = gradients ? MapFilters.widen(gxy) : null, magnitudeD = gradients ? MapFilters.widen(magnitude) : null;
			for (double s : scales) {
				float[] mean = new float[n], var = new float[n], energy = new float[n];
				MapFilters.gaussian(imgD, mean, w, h, s);
				MapFilters.gaussian(sqD, var, w, h, s);
				MapFilters.gaussian(gradD, energy, w, h, s);
				MapFilters.gaussian(imgD, scratch, w, h, s / 2);
				float[] l2 = laplacianSquared(scratch, w, h);
				MapFilters.gaussian(l2, w, h, s);
				for (int i = 0; i < n; i++) {
					var[i] = (float) Math.log(Math.max(var[i] - mean[i] * mean[i], 0) + VARIANCE_FLOOR);
					energy[i] = (float) Math.log(energy[i] + VARIANCE_FLOOR);
					l2[i] = (float) Math.log(l2[i] + LAPLACIAN_FLOOR);
				}
				out[f++] = mean;
				out[f++] = var;
				out[f++] = energy;
				out[f++] = l2;
				if (gradients) {
					out[f++] = coherence(gxxD, gyyD, gxyD, w, h, s, scratch, scratch2);
					out[f++] = sparsity(magnitudeD, energy, w, h, s);
				}
			}
		}
		return out;
	}

	/**
	 * Coherence of the gradients in a window of sigma {@code s}: (λ1 − λ2) / (λ1 + λ2) of the
	 * structure tensor, from the squared components of the gradients; {@code b} and {@code c} are
	 * scratch of {@code w × h} values.
	 */
	private static float[] coherence(double[] gxx, double[] gyy, double[] gxy, int w, int h, double s, float[] b,
		float[] c)
	{
		float[] a = new float[w * h];
		MapFilters.gaussian(gxx, a, w, h, s);
		MapFilters.gaussian(gyy, b, w, h, s);
		MapFilters.gaussian(gxy, c, w, h, s);
		for (int i = 0; i < a.length; i++) {
			double d = a[i] - b[i];
			a[i] = (float) (Math.sqrt(d * d + 4.0 * c[i] * c[i]) / (a[i] + b[i] + VARIANCE_FLOOR));
		}
		return a;
	}

	/**
	 * Sparsity of the gradients in a window of sigma {@code s}: log((mean |∇| + ε)²) − log energy,
	 * with {@code logEnergy} = log(mean |∇|² + ε²) and ε² the variance floor (so a flat region gives 0).
	 */
	private static float[] sparsity(double[] magnitude, float[] logEnergy, int w, int h, double s) {
		float[] m = new float[w * h];
		MapFilters.gaussian(magnitude, m, w, h, s);
		double epsilon = Math.sqrt(VARIANCE_FLOOR);
		for (int i = 0; i < m.length; i++)
			m[i] = (float) (2 * Math.log(m[i] + epsilon) - logEnergy[i]);
		return m;
	}

	/** Squared 4-neighbour Laplacian (borders replicated). */
	private static float[] laplacianSquared(float[] v, int w, int h) {
		float[] out = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				float c = v[y * w + x];
				float l = v[y * w + Math.max(0, x - 1)] + v[y * w + Math.min(w - 1, x + 1)] + v[Math.max(0, y - 1) * w + x] +
					v[Math.min(h - 1, y + 1) * w + x] - 4 * c;
				out[y * w + x] = l * l;
			}
		return out;
	}

	/**
	 * The interleaved values of a rectangle of a plane, mapped to {@code intensities} (null: as
	 * normalised).
	 */
	private static float[] crop(NormalizedPlane p, int x0, int y0, int w, int h, Intensities intensities) {
		int c = p.channels();
		float[] out = new float[w * h * c], data = p.data();
		for (int y = 0; y < h; y++)
			System.arraycopy(data, ((y0 + y) * p.width() + x0) * c, out, y * w * c, w * c);
		if (intensities != null) intensities.apply(out, p);
		return out;
	}

	/** Pixels whose features are computed to fit the model at most (tiles drawn at random beyond). */
	static final long MAX_FIT_PIXELS = 4L << 20;

	/**
	 * Fits the model to normal regions: they are cut into tiles of at most {@value #TILE} pixels
	 * square, read with the context of their region (never beyond it); tiles are taken in a seeded
	 * random order until {@value #MAX_FIT_PIXELS} pixels, and {@value #FIT_SAMPLES} feature vectors
	 * of them fit the mixture.
	 */
	static TextureModel fit(List<Region> regions, long seed) {
		return fit(regions, Intensities.median(regions.stream().map(Region::plane).distinct().toList()), seed);
	}

	/** As {@link #fit(List, long)}, computing features in the given intensity range (null: as normalised). */
	static TextureModel fit(List<Region> regions, Intensities intensities, long seed) {
		return fit(regions, intensities, seed, TileThreads.THREADS);
	}

	/** As {@link #fit(List, Intensities, long)}, features of tiles on {@code threads} threads (the same model). */
	static TextureModel fit(List<Region> regions, Intensities intensities, long seed, int threads) {
		double[] scales = DEFAULT_SCALES.clone();
		Features features = DEFAULT_FEATURES;
		int channels = regions.get(0).plane().channels(), d = dim(scales, features, channels);
		int margin = margin(scales);
		List<int[]> tiles = new ArrayList<>();
		for (int i = 0; i < regions.size(); i++) {
			Region r = regions.get(i);
			for (int y = 0; y < r.height(); y += TILE)
				for (int x = 0; x < r.width(); x += TILE)
					tiles.add(new int[] { i, x, y, Math.min(TILE, r.width() - x), Math.min(TILE, r.height() - y) });
		}
		Random random = new Random(seed);
		java.util.Collections.shuffle(tiles, random);
		long total = 0;
		int used = 0;
		while (used < tiles.size() && total < MAX_FIT_PIXELS) {
			total += (long) tiles.get(used)[3] * tiles.get(used)[4];
			used++;
		}
		double keep = Math.min(1, FIT_SAMPLES / (double) total);
		FloatList samples = new FloatList();
		int[] n = { 0 };
		// features of tiles in parallel, sampled in tile order: the same draws on any number of threads
		TileThreads.run(used, threads, t -> {
			int[] tile = tiles.get(t);
			Region r = regions.get(tile[0]);
			int x0 = Math.max(0, tile[1] - margin), y0 = Math.max(0, tile[2] - margin);
			int x1 = Math.min(r.width(), tile[1] + tile[3] + margin), y1 = Math.min(r.height(), tile[2] + tile[4] + margin);
			int w = x1 - x0, h = y1 - y0;
			float[] data = crop(r.plane(), r.x0() + x0, r.y0() + y0, w, h, intensities);
			return () -> features(data, w, h, channels, scales, features);
		}, (t, f) -> {
			int[] tile = tiles.get(t);
			Region r = regions.get(tile[0]);
			int x0 = Math.max(0, tile[1] - margin), y0 = Math.max(0, tile[2] - margin);
			int w = Math.min(r.width(), tile[1] + tile[3] + margin) - x0;
			for (int y = tile[2]; y < tile[2] + tile[4]; y++)
				for (int x = tile[1]; x < tile[1] + tile[3]; x++)
					if (keep >= 1 || random.nextDouble() < keep) {
						int i = (y - y0) * w + (x - x0);
						for (int k = 0; k < d; k++)
							samples.add(f[k][i]);
						n[0]++;
					}
			return true;
		});
		GaussianMixture density = GaussianMixture.fit(samples.values, n[0], d, COMPONENTS, FITS, ITERATIONS, seed);
		return new TextureModel(scales, DEFAULT_SIGMA, features, density, intensities);
	}

	/**
	 * The raw map of a {@code width × height} plane read tile by tile from {@code source}
	 * (squared Mahalanobis distance per pixel, smoothed), or null if {@code listener} cancelled.
	 */
	AnomalyMap map(int width, int height, PlaneScorer.TileSource source, ProgressListener listener) {
		return map(width, height, source, listener, TileThreads.THREADS);
	}

	/** {@link #map(int, int, PlaneScorer.TileSource, ProgressListener)} with tiles on {@code threads} threads. */
	AnomalyMap map(int width, int height, PlaneScorer.TileSource source, ProgressListener listener, int threads) {
		AnomalyMap map = new AnomalyMap(width, height);
		float[] out = map.values();
		int m = margin(), d = density.dim();
		int columns = (width + TILE - 1) / TILE, rows = (height + TILE - 1) / TILE;
		long tiles = (long) columns * rows;
		boolean finished = TileThreads.run(columns * rows, threads, t -> {
			if (listener.isCanceled()) return null;
			int tx = t % columns * TILE, ty = t / columns * TILE;
			int x0 = Math.max(0, tx - m), y0 = Math.max(0, ty - m);
			int x1 = Math.min(width, tx + TILE + m), y1 = Math.min(height, ty + TILE + m);
			int w = x1 - x0, h = y1 - y0;
			PlaneScorer.Tile tile = source.tile(x0, y0, w, h);
			NormalizedPlane p = tile.plane();
			if (dim(scales, features, p.channels()) != d) throw new IllegalArgumentException("the plane has " + p
				.channels() + " channel(s); the texture model was fitted to " + d / dim(scales, features, 1));
			float[] data = crop(p, x0 - tile.x0(), y0 - tile.y0(), w, h, intensities);
			int channels = p.channels();
			return () -> {
				float[][] f = features(data, w, h, channels, scales, features);
				GaussianMixture.Block block = density.new Block();
				int x2 = Math.min(width, tx + TILE);
				for (int y = ty; y < Math.min(height, ty + TILE); y++)
					density.scores(f, (y - y0) * w + (tx - x0), x2 - tx, out, y * width + tx, block);
				return null;
			};
		}, (t, none) -> {
			listener.progress(t + 1, tiles);
			return t + 1 == tiles || !listener.isCanceled();
		});
		if (!finished) return null;
		if (sigma > 0) MapFilters.gaussian(out, width, height, sigma);
		return map;
	}

	Map<String, Object> toJson() {
		Map<String, Object> m = new LinkedHashMap<>();
		// the first texture models name no feature set; their manifests are rewritten unchanged
		if (features != Features.STATISTICS) m.put("feature_set", features.id());
		m.put("features", features.description);
		m.put("scales", Json.doubles(scales));
		m.put("sigma", sigma);
		m.put("density", density.toJson());
		if (intensities != null) m.put("intensities", intensities.toJson());
		return m;
	}

	@SuppressWarnings("unchecked")
	static TextureModel fromJson(Map<String, Object> json) {
		Object density = json.get("density");
		if (!(density instanceof Map)) throw new IllegalArgumentException("manifest.json: texture lacks 'density'");
		Object intensities = json.get("intensities");
		Object features = json.get("feature_set");
		return new TextureModel(Manifest.doubles(json, "scales"), Manifest.number(json, "sigma"),
			Features.parse(features instanceof String f ? f : null), GaussianMixture.fromJson((Map<String, Object>) density),
			intensities instanceof Map ? Intensities.fromJson((Map<String, Object>) intensities) : null);
	}
}
