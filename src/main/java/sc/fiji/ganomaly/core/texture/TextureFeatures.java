package sc.fiji.ganomaly.core.texture;

import java.util.List;

import sc.fiji.ganomaly.core.math.MapFilters;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;

/**
 * The texture score's feature planes: per channel and scale s, local statistics over a Gaussian
 * window of sigma s ({@link FeatureSet}), computed on a tile read with its margin.
 */
final class TextureFeatures {

	private static final double VARIANCE_FLOOR = 1e-4, LAPLACIAN_FLOOR = 1e-6;

	private TextureFeatures() {}

	/** Values per pixel for {@code channels} channels. */
	static int dim(double[] scales, FeatureSet features, int channels) {
		return features.perScale() * scales.length * channels;
	}

	/** Pixels of context a feature at {@code scales} needs on each side for a tile to score as the whole plane does. */
	static int margin(double[] scales) {
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
	static float[][] features(float[] data, int w, int h, int channels, double[] scales, FeatureSet features) {
		return features(data, w, h, channels, scales, features, 1);
	}

	/**
	 * {@link #features(float[], int, int, int, double[], FeatureSet)} with the scales of each channel
	 * computed on up to {@code threads} threads of {@link TileThreads} at once (the same planes); a
	 * thread of that pool must pass 1.
	 */
	static float[][] features(float[] data, int w, int h, int channels, double[] scales, FeatureSet features,
		int threads)
	{
		float[][] out = new float[dim(scales, features, channels)][];
		int per = features.perScale();
		for (int c = 0; c < channels; c++) {
			Inputs in = new Inputs(data, w, h, channels, c, features == FeatureSet.STATISTICS_AND_GRADIENTS);
			List<float[][]> planes = TileThreads.all(scales.length, threads, k -> scales[k], k -> () -> in.scale(
				scales[k]));
			for (int k = 0; k < scales.length; k++)
				System.arraycopy(planes.get(k), 0, out, (c * scales.length + k) * per, per);
		}
		return out;
	}

	/**
	 * What every scale of one channel smooths, widened to rows of doubles once: the channel, its
	 * square, and its squared gradient or, for the gradient features, the gradient's squared
	 * components, their product and its magnitude.
	 */
	private static final class Inputs {

		final int w, h;
		final double[][] img, sq, grad, gxx, gyy, gxy, magnitude;

		Inputs(float[] data, int w, int h, int channels, int c, boolean gradients) {
			this.w = w;
			this.h = h;
			int n = w * h;
			float[] v = new float[n], s = new float[n], g = gradients ? null : new float[n];
			float[] xx = gradients ? new float[n] : null, yy = gradients ? new float[n] : null,
					xy = gradients ? new float[n] : null, m = gradients ? new float[n] : null;
			for (int i = 0; i < n; i++)
				v[i] = data[i * channels + c];
			for (int i = 0; i < n; i++)
				s[i] = v[i] * v[i];
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					float gx = w == 1 ? 0 : x == 0 ? v[y * w + 1] - v[y * w] : x == w - 1 ? v[y * w + x] - v[y * w + x - 1]
						: 0.5f * (v[y * w + x + 1] - v[y * w + x - 1]);
					float gy = h == 1 ? 0 : y == 0 ? v[w + x] - v[x] : y == h - 1 ? v[y * w + x] - v[(y - 1) * w + x] :
						0.5f * (v[(y + 1) * w + x] - v[(y - 1) * w + x]);
					int i = y * w + x;
					if (gradients) {
						xx[i] = gx * gx;
						yy[i] = gy * gy;
						xy[i] = gx * gy;
						m[i] = (float) Math.sqrt(xx[i] + yy[i]);
					}
					else g[i] = gx * gx + gy * gy;
				}
			img = MapFilters.rows(v, w, h);
			sq = MapFilters.rows(s, w, h);
			grad = gradients ? null : MapFilters.rows(g, w, h);
			gxx = gradients ? MapFilters.rows(xx, w, h) : null;
			gyy = gradients ? MapFilters.rows(yy, w, h) : null;
			gxy = gradients ? MapFilters.rows(xy, w, h) : null;
			magnitude = gradients ? MapFilters.rows(m, w, h) : null;
		}

		/**
		 * The feature planes of scale {@code s}, in {@link FeatureSet} order. The energy, the smoothed
		 * squared gradient, is the sum of its smoothed components where those are smoothed anyway.
		 */
		float[][] scale(double s) {
			int n = w * h;
			float[] mean = new float[n], var = new float[n], energy = new float[n], scratch = new float[n];
			MapFilters.Scratch work = new MapFilters.Scratch(w, h);
			MapFilters.gaussian(img, mean, w, s, work);
			MapFilters.gaussian(sq, var, w, s, work);
			float[] coherence = null;
			if (gxx == null) MapFilters.gaussian(grad, energy, w, s, work);
			else {
				float[] a = new float[n], b = new float[n];
				MapFilters.gaussian(gxx, a, w, s, work);
				MapFilters.gaussian(gyy, b, w, s, work);
				MapFilters.gaussian(gxy, scratch, w, s, work);
				for (int i = 0; i < n; i++)
					energy[i] = a[i] + b[i];
				coherence = coherence(a, b, scratch);
			}
			MapFilters.gaussian(img, scratch, w, s / 2, work);
			float[] l2 = laplacianSquared(scratch, w, h);
			MapFilters.gaussian(MapFilters.rows(l2, w, h), l2, w, s, work);
			for (int i = 0; i < n; i++) {
				var[i] = (float) Math.log(Math.max(var[i] - mean[i] * mean[i], 0) + VARIANCE_FLOOR);
				energy[i] = (float) Math.log(energy[i] + VARIANCE_FLOOR);
				l2[i] = (float) Math.log(l2[i] + LAPLACIAN_FLOOR);
			}
			if (gxx == null) return new float[][] { mean, var, energy, l2 };
			return new float[][] { mean, var, energy, l2, coherence, sparsity(magnitude, energy, w, s, work) };
		}
	}

	/**
	 * Coherence of the gradients in a window: (λ1 − λ2) / (λ1 + λ2) of the structure tensor, from the
	 * smoothed squared components {@code a}, {@code b} and product {@code c} of the gradients, into
	 * {@code a}.
	 */
	private static float[] coherence(float[] a, float[] b, float[] c) {
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
	private static float[] sparsity(double[][] magnitude, float[] logEnergy, int w, double s, MapFilters.Scratch work) {
		float[] m = new float[logEnergy.length];
		MapFilters.gaussian(magnitude, m, w, s, work);
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
	static float[] crop(NormalizedPlane p, int x0, int y0, int w, int h, Intensities intensities) {
		int c = p.channels();
		float[] out = new float[w * h * c], data = p.data();
		for (int y = 0; y < h; y++)
			System.arraycopy(data, ((y0 + y) * p.width() + x0) * c, out, y * w * c, w * c);
		if (intensities != null) intensities.apply(out, p);
		return out;
	}
}
