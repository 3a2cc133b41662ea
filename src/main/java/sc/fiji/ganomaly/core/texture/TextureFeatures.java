package sc.fiji.ganomaly.core.texture;

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
		float[][] out = new float[dim(scales, features, channels)][];
		boolean gradients = features == FeatureSet.STATISTICS_AND_GRADIENTS;
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
	static float[] crop(NormalizedPlane p, int x0, int y0, int w, int h, Intensities intensities) {
		int c = p.channels();
		float[] out = new float[w * h * c], data = p.data();
		for (int y = 0; y < h; y++)
			System.arraycopy(data, ((y0 + y) * p.width() + x0) * c, out, y * w * c, w * c);
		if (intensities != null) intensities.apply(out, p);
		return out;
	}
}
