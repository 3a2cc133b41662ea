package sc.fiji.ganomaly.core.texture;

import static sc.fiji.ganomaly.core.texture.FeatureWorkspace.Scale.ENERGY;
import static sc.fiji.ganomaly.core.texture.FeatureWorkspace.Scale.LAPLACIAN;
import static sc.fiji.ganomaly.core.texture.FeatureWorkspace.Scale.MAGNITUDE;
import static sc.fiji.ganomaly.core.texture.FeatureWorkspace.Scale.MEAN;
import static sc.fiji.ganomaly.core.texture.FeatureWorkspace.Scale.SQUARE;
import static sc.fiji.ganomaly.core.texture.FeatureWorkspace.Scale.XX;
import static sc.fiji.ganomaly.core.texture.FeatureWorkspace.Scale.XY;
import static sc.fiji.ganomaly.core.texture.FeatureWorkspace.Scale.YY;

import java.util.Arrays;
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
		return features(data, w, h, channels, scales, features, 1, new FeatureWorkspace());
	}

	/**
	 * {@link #features(float[], int, int, int, double[], FeatureSet)} with the scales of each channel
	 * computed on up to {@code threads} threads of {@link TileThreads} at once (the same planes), in
	 * {@code work} (which no other computation uses meanwhile); a thread of that pool must pass 1.
	 */
	static float[][] features(float[] data, int w, int h, int channels, double[] scales, FeatureSet features,
		int threads, FeatureWorkspace work)
	{
		Core whole = new Core(0, 0, w, h);
		float[][] out = new float[dim(scales, features, channels)][whole.area()];
		compute(data, w, h, channels, whole, scales, features, threads, work, out);
		return out;
	}

	/**
	 * The part of an image whose features are wanted (a tile without its margin): its features are
	 * those of the whole image there.
	 */
	record Core(int x, int y, int width, int height) {

		/** Pixels of the core. */
		int area() {
			return width * height;
		}
	}

	/**
	 * The feature planes of the {@code core} of a {@code w × h} image into {@code out} (planes of at
	 * least {@code core.area()} values, index {@code [feature][y * core.width() + x]} from the core's
	 * corner), in {@code work}, the scales on up to {@code threads} threads as in
	 * {@link #features(float[], int, int, int, double[], FeatureSet, int, FeatureWorkspace)}.
	 */
	static void compute(float[] data, int w, int h, int channels, Core core, double[] scales, FeatureSet features,
		int threads, FeatureWorkspace work, float[][] out)
	{
		if (core.x() < 0 || core.y() < 0 || core.width() < 0 || core.height() < 0 || core.x() + core.width() > w || core
			.y() + core.height() > h) throw new IllegalArgumentException(core + " leaves the " + w + "x" + h + " image");
		int per = features.perScale();
		boolean gradients = features == FeatureSet.STATISTICS_AND_GRADIENTS;
		// the work space is only touched here, on the calling thread: the scales' threads get their own parts
		FeatureWorkspace.Scale[] spaces = new FeatureWorkspace.Scale[threads > 1 ? scales.length : 1];
		for (int k = 0; k < spaces.length; k++)
			spaces[k] = work.scale(k, w, h);
		for (int c = 0; c < channels; c++) {
			Inputs in = new Inputs(data, w, h, channels, c, gradients, work);
			int first = c * scales.length * per;
			TileThreads.all(scales.length, threads, k -> scales[k], k -> () -> {
				in.scale(scales[k], spaces[threads > 1 ? k : 0], core, Arrays.copyOfRange(out, first + k * per, first + (k +
					1) * per));
				return null;
			});
		}
	}

	/**
	 * What every scale of one channel smooths, widened to rows of doubles once: the channel, its
	 * square, and its squared gradient or, for the gradient features, the gradient's squared
	 * components, their product and its magnitude.
	 */
	private static final class Inputs {

		final int w, h;
		final double[][] img, sq, grad, gxx, gyy, gxy, magnitude;

		/** The inputs of channel {@code c}, in planes of {@code work}. */
		Inputs(float[] data, int w, int h, int channels, int c, boolean gradients, FeatureWorkspace work) {
			this.w = w;
			this.h = h;
			int n = w * h;
			float[] v = work.values(n);
			img = work.rows(0, w, h);
			sq = work.rows(1, w, h);
			grad = gradients ? null : work.rows(2, w, h);
			gxx = gradients ? work.rows(2, w, h) : null;
			gyy = gradients ? work.rows(3, w, h) : null;
			gxy = gradients ? work.rows(4, w, h) : null;
			magnitude = gradients ? work.rows(5, w, h) : null;
			for (int i = 0; i < n; i++)
				v[i] = data[i * channels + c];
			for (int y = 0; y < h; y++) {
				double[] image = img[y], square = sq[y];
				for (int x = 0; x < w; x++) {
					float value = v[y * w + x];
					image[x] = value;
					square[x] = value * value;
				}
			}
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					float gx = w == 1 ? 0 : x == 0 ? v[y * w + 1] - v[y * w] : x == w - 1 ? v[y * w + x] - v[y * w + x - 1]
						: 0.5f * (v[y * w + x + 1] - v[y * w + x - 1]);
					float gy = h == 1 ? 0 : y == 0 ? v[w + x] - v[x] : y == h - 1 ? v[y * w + x] - v[(y - 1) * w + x] :
						0.5f * (v[(y + 1) * w + x] - v[(y - 1) * w + x]);
					if (gradients) {
						float xx = gx * gx, yy = gy * gy;
						gxx[y][x] = xx;
						gyy[y][x] = yy;
						gxy[y][x] = gx * gy;
						magnitude[y][x] = (float) Math.sqrt(xx + yy);
					}
					else grad[y][x] = gx * gx + gy * gy;
				}
		}

		/**
		 * The feature planes of scale {@code s} in the {@code core}, in {@link FeatureSet} order, into
		 * {@code into} (planes of at least the core's area), computed in {@code space}: each smoothing
		 * that a feature takes pointwise only for the core's pixels, the Laplacian's input over the whole
		 * image. The energy, the smoothed squared gradient, is the sum of its smoothed components where
		 * those are smoothed anyway.
		 */
		void scale(double s, FeatureWorkspace.Scale space, Core core, float[][] into) {
			float[][] p = space.planes();
			MapFilters.Scratch work = space.work();
			int cx = core.x(), cy = core.y(), cw = core.width(), ch = core.height();
			float[] l2 = p[LAPLACIAN];
			MapFilters.gaussian(img, w, h, cx, cy, cw, ch, p[MEAN], s, work);
			MapFilters.gaussian(sq, w, h, cx, cy, cw, ch, p[SQUARE], s, work);
			boolean gradients = gxx != null;
			if (gradients) {
				MapFilters.gaussian(gxx, w, h, cx, cy, cw, ch, p[XX], s, work);
				MapFilters.gaussian(gyy, w, h, cx, cy, cw, ch, p[YY], s, work);
				MapFilters.gaussian(gxy, w, h, cx, cy, cw, ch, p[XY], s, work);
				MapFilters.gaussian(magnitude, w, h, cx, cy, cw, ch, p[MAGNITUDE], s, work);
			}
			else MapFilters.gaussian(grad, w, h, cx, cy, cw, ch, p[ENERGY], s, work);
			// the Laplacian's input, over the whole image, in a plane this feature set leaves free
			float[] input = p[gradients ? ENERGY : XX];
			MapFilters.gaussian(img, w, h, input, s / 2, work);
			laplacianSquared(input, w, h, l2);
			MapFilters.rows(l2, w, h, space.rows());
			MapFilters.gaussian(space.rows(), w, h, cx, cy, cw, ch, l2, s, work);
			if (gradients) coreWithGradients(p, core.area(), into);
			else coreStatistics(p, core.area(), into);
		}

		/** The statistics features of the core's {@code n} pixels from its smoothed planes {@code p}. */
		private static void coreStatistics(float[][] p, int n, float[][] into) {
			float[] mean = p[MEAN], square = p[SQUARE], energy = p[ENERGY], l2 = p[LAPLACIAN];
			float[] m = into[0], v = into[1], e = into[2], l = into[3];
			for (int i = 0; i < n; i++) {
				m[i] = mean[i];
				v[i] = logVariance(mean[i], square[i]);
				e[i] = (float) Math.log(energy[i] + VARIANCE_FLOOR);
				l[i] = (float) Math.log(l2[i] + LAPLACIAN_FLOOR);
			}
		}

		/** The statistics and gradient features of the core's {@code n} pixels from its smoothed planes {@code p}. */
		private static void coreWithGradients(float[][] p, int n, float[][] into) {
			float[] mean = p[MEAN], square = p[SQUARE], xx = p[XX], yy = p[YY], xy = p[XY], l2 = p[LAPLACIAN],
					magnitude = p[MAGNITUDE];
			float[] m = into[0], v = into[1], e = into[2], l = into[3], coherence = into[4], sparsity = into[5];
			double epsilon = Math.sqrt(VARIANCE_FLOOR);
			for (int i = 0; i < n; i++) {
				m[i] = mean[i];
				v[i] = logVariance(mean[i], square[i]);
				float a = xx[i], b = yy[i], energy = a + b, logEnergy = (float) Math.log(energy + VARIANCE_FLOOR);
				e[i] = logEnergy;
				l[i] = (float) Math.log(l2[i] + LAPLACIAN_FLOOR);
				// (λ1 − λ2) / (λ1 + λ2) of the structure tensor
				double d = a - b;
				coherence[i] = (float) (Math.sqrt(d * d + 4.0 * xy[i] * xy[i]) / (a + b + VARIANCE_FLOOR));
				// log((mean |∇| + ε)²) − log energy, ε² the variance floor (a flat region gives 0)
				sparsity[i] = (float) (2 * Math.log(magnitude[i] + epsilon) - logEnergy);
			}
		}
	}

	/** The log variance of a window from its smoothed values and squares, floored. */
	private static float logVariance(float mean, float square) {
		return (float) Math.log(Math.max(square - mean * mean, 0) + VARIANCE_FLOOR);
	}

	/** Squared 4-neighbour Laplacian (borders replicated) of the {@code w × h} plane {@code v}, into {@code out}. */
	private static void laplacianSquared(float[] v, int w, int h, float[] out) {
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				float c = v[y * w + x];
				float l = v[y * w + Math.max(0, x - 1)] + v[y * w + Math.min(w - 1, x + 1)] + v[Math.max(0, y - 1) * w + x] +
					v[Math.min(h - 1, y + 1) * w + x] - 4 * c;
				out[y * w + x] = l * l;
			}
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
