package sc.fiji.ganomaly.core.texture;

import java.util.Arrays;

import sc.fiji.ganomaly.core.math.FastLog;
import sc.fiji.ganomaly.core.math.RowFilters;
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
		float[][][] rows = new float[dim(scales, features, channels)][h][w];
		compute(data, w, h, channels, whole, scales, features, threads, work, rows);
		return flat(rows, w, h);
	}

	/**
	 * The first {@code w} values of the first {@code h} rows of each plane of rows (which may have
	 * more and longer rows) as flat planes, index {@code [feature][y * w + x]}.
	 */
	static float[][] flat(float[][][] rows, int w, int h) {
		float[][] out = new float[rows.length][w * h];
		for (int k = 0; k < rows.length; k++)
			for (int y = 0; y < h; y++)
				System.arraycopy(rows[k][y], 0, out[k], y * w, w);
		return out;
	}

	/**
	 * The part of an image whose features are wanted (a tile without its margin): its features are
	 * those of the whole image there.
	 */
	record Core(int x, int y, int width, int height) {}

	/**
	 * The feature planes of the {@code core} of a {@code w × h} image into {@code out} (planes of at
	 * least the core's rows, each of at least its width, index {@code [feature][y][x]} from the core's
	 * corner), in {@code work}, the scales on up to {@code threads} threads as in
	 * {@link #features(float[], int, int, int, double[], FeatureSet, int, FeatureWorkspace)}.
	 */
	static void compute(float[] data, int w, int h, int channels, Core core, double[] scales, FeatureSet features,
		int threads, FeatureWorkspace work, float[][][] out)
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
	 * What every scale of one channel smooths, as rows once: the channel and its square as rows of
	 * doubles (their smoothings are subtracted for the variance, and the smoothed channel's for the
	 * Laplacian, so they are summed in doubles), and as rows of floats its squared gradient or, for
	 * the gradient features, the gradient's squared components, their product and its magnitude.
	 */
	private static final class Inputs {

		final int w, h;
		final double[][] img, sq;
		final float[][] grad, gxx, gyy, gxy, magnitude;

		/** The inputs of channel {@code c}, in planes of {@code work}. */
		Inputs(float[] data, int w, int h, int channels, int c, boolean gradients, FeatureWorkspace work) {
			this.w = w;
			this.h = h;
			img = work.rows(0, w, h);
			sq = work.rows(1, w, h);
			grad = gradients ? null : work.floatRows(0, w, h);
			gxx = gradients ? work.floatRows(0, w, h) : null;
			gyy = gradients ? work.floatRows(1, w, h) : null;
			gxy = gradients ? work.floatRows(2, w, h) : null;
			magnitude = gradients ? work.floatRows(3, w, h) : null;
			// a row at a time, each row's loop a method of its own: called once a row, the JIT compiles
			// it normally after a tile's first rows instead of on stack in the middle of a tile
			for (int y = 0; y < h; y++)
				widen(data, y * w * channels + c, channels, img[y], sq[y], w);
			// the rows of img hold the channel's floats exactly
			for (int y = 0; y < h; y++)
				gradients(y);
		}

		/** Values {@code data[first + x · step]} for x below {@code w} into {@code image}, their squares into {@code square}. */
		private static void widen(float[] data, int first, int step, double[] image, double[] square, int w) {
			for (int x = 0, i = first; x < w; x++, i += step) {
				float value = data[i];
				image[x] = value;
				square[x] = value * value;
			}
		}

		/** Row {@code y} of the gradient inputs, from the rows of {@link #img} around it. */
		private void gradients(int y) {
			double[] above = img[Math.max(0, y - 1)], row = img[y], below = img[Math.min(h - 1, y + 1)];
			for (int x = 0; x < w; x++) {
				float gx = w == 1 ? 0 : x == 0 ? (float) row[1] - (float) row[0] : x == w - 1 ? (float) row[x] -
					(float) row[x - 1] : 0.5f * ((float) row[x + 1] - (float) row[x - 1]);
				float gy = h == 1 ? 0 : y == 0 ? (float) below[x] - (float) row[x] : y == h - 1 ? (float) row[x] -
					(float) above[x] : 0.5f * ((float) below[x] - (float) above[x]);
				if (gxx != null) {
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
		 * {@code into} (planes of at least the core's rows), computed in {@code space}: each smoothing
		 * that a feature takes pointwise only for the core's pixels, straight into a feature's plane that
		 * the pointwise step then overwrites; the Laplacian's input over the whole image. The energy,
		 * the smoothed squared gradient, is the sum of its smoothed components where those are smoothed
		 * anyway.
		 */
		void scale(double s, FeatureWorkspace.Scale space, Core core, float[][][] into) {
			RowFilters.Scratch work = space.work();
			int cx = core.x(), cy = core.y(), cw = core.width(), ch = core.height();
			// the squared Laplacian of the smoothed image, over the whole image
			float[][] free = space.plane();
			RowFilters.gaussian(img, w, h, free, s / 2, work);
			laplacianSquared(free, w, h, space.rows());
			RowFilters.gaussian(img, w, h, cx, cy, cw, ch, into[0], s, work);
			RowFilters.gaussian(sq, w, h, cx, cy, cw, ch, into[1], s, work);
			RowFilters.gaussian(space.rows(), w, h, cx, cy, cw, ch, into[3], s, work);
			if (gxx != null) {
				RowFilters.gaussian(gxx, w, h, cx, cy, cw, ch, into[2], s, work);
				RowFilters.gaussian(gyy, w, h, cx, cy, cw, ch, into[4], s, work);
				RowFilters.gaussian(magnitude, w, h, cx, cy, cw, ch, into[5], s, work);
				RowFilters.gaussian(gxy, w, h, cx, cy, cw, ch, free, s, work);
				withGradients(into, free, cw, ch);
			}
			else {
				RowFilters.gaussian(grad, w, h, cx, cy, cw, ch, into[2], s, work);
				statistics(into, cw, ch);
			}
		}

		/**
		 * The statistics features of a {@code cw × ch} core in place of its smoothed mean, mean square,
		 * energy and squared Laplacian {@code f}: each row's logarithms taken together.
		 */
		private static void statistics(float[][][] f, int cw, int ch) {
			double[] args = new double[3 * cw], logs = new double[3 * cw], work = new double[3 * cw];
			for (int y = 0; y < ch; y++)
				statisticsRow(f, cw, y, args, logs, work);
		}

		/** Row {@code y} of {@link #statistics}, in the work arrays {@code args}, {@code logs} and {@code work}. */
		private static void statisticsRow(float[][][] f, int cw, int y, double[] args, double[] logs, double[] work) {
			float[] m = f[0][y], v = f[1][y], e = f[2][y], l = f[3][y];
			for (int x = 0; x < cw; x++) {
				args[x] = variance(m[x], v[x]);
				args[cw + x] = e[x] + VARIANCE_FLOOR;
				args[2 * cw + x] = l[x] + LAPLACIAN_FLOOR;
			}
			FastLog.logs(args, 3 * cw, logs, work);
			for (int x = 0; x < cw; x++) {
				v[x] = (float) logs[x];
				e[x] = (float) logs[cw + x];
				l[x] = (float) logs[2 * cw + x];
			}
		}

		/**
		 * The statistics and gradient features of a {@code cw × ch} core in place of its smoothed mean,
		 * mean square, squared x gradient, squared Laplacian, squared y gradient and gradient magnitude
		 * {@code f}, and the smoothed product of the gradients {@code xy}: each row's logarithms taken
		 * together.
		 */
		private static void withGradients(float[][][] f, float[][] xy, int cw, int ch) {
			double[] args = new double[4 * cw], logs = new double[4 * cw], work = new double[4 * cw];
			for (int y = 0; y < ch; y++)
				withGradientsRow(f, xy, cw, y, args, logs, work);
		}

		/** Row {@code y} of {@link #withGradients}, in the work arrays {@code args}, {@code logs} and {@code work}. */
		private static void withGradientsRow(float[][][] f, float[][] xy, int cw, int y, double[] args, double[] logs,
			double[] work)
		{
			double epsilon = Math.sqrt(VARIANCE_FLOOR);
			float[] m = f[0][y], v = f[1][y], e = f[2][y], l = f[3][y], coherence = f[4][y], sparsity = f[5][y],
					p = xy[y];
			for (int x = 0; x < cw; x++) {
				float a = e[x], b = coherence[x];
				args[x] = variance(m[x], v[x]);
				args[cw + x] = a + b + VARIANCE_FLOOR;
				args[2 * cw + x] = l[x] + LAPLACIAN_FLOOR;
				args[3 * cw + x] = sparsity[x] + epsilon;
				// (λ1 − λ2) / (λ1 + λ2) of the structure tensor
				double d = a - b;
				coherence[x] = (float) (Math.sqrt(d * d + 4.0 * p[x] * p[x]) / (a + b + VARIANCE_FLOOR));
			}
			FastLog.logs(args, 4 * cw, logs, work);
			for (int x = 0; x < cw; x++) {
				v[x] = (float) logs[x];
				float logEnergy = (float) logs[cw + x];
				e[x] = logEnergy;
				l[x] = (float) logs[2 * cw + x];
				// log((mean |∇| + ε)²) − log energy, ε² the variance floor (a flat region gives 0)
				sparsity[x] = (float) (2 * logs[3 * cw + x] - logEnergy);
			}
		}
	}

	/** The floored variance of a window from its smoothed values and squares, whose log is a feature. */
	private static double variance(float mean, float square) {
		return Math.max(square - mean * mean, 0) + VARIANCE_FLOOR;
	}

	/**
	 * Squared 4-neighbour Laplacian (borders replicated) of the {@code w × h} plane of rows {@code v},
	 * into the rows {@code out}.
	 */
	private static void laplacianSquared(float[][] v, int w, int h, float[][] out) {
		for (int y = 0; y < h; y++)
			laplacianSquared(v[Math.max(0, y - 1)], v[y], v[Math.min(h - 1, y + 1)], out[y], w);
	}

	/** One row of {@link #laplacianSquared(float[][], int, int, float[][])}: {@code row} between {@code above} and {@code below}. */
	private static void laplacianSquared(float[] above, float[] row, float[] below, float[] out, int w) {
		for (int x = 0; x < w; x++) {
			float c = row[x];
			float l = row[Math.max(0, x - 1)] + row[Math.min(w - 1, x + 1)] + above[x] + below[x] - 4 * c;
			out[x] = l * l;
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
