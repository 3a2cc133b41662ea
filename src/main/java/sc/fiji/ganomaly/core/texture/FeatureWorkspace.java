package sc.fiji.ganomaly.core.texture;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import sc.fiji.ganomaly.core.math.MapFilters;

/**
 * The work arrays of {@link TextureFeatures}' computations, kept from one to the next and grown to
 * the largest image: one computation at a time. A {@link Pool} lends them to computations running
 * side by side. The arrays may be larger than an image: their users index by the image's size.
 */
final class FeatureWorkspace {

	/** Planes of rows of doubles: a channel's inputs. */
	private static final int ROWS = 6;

	private float[] values = new float[0];
	private final double[][][] rows = new double[ROWS][0][0];
	private Scale[] scales = new Scale[0];
	private float[][] planes = new float[0][0];

	/** A plane of at least {@code n} floats. */
	float[] values(int n) {
		if (values.length < n) values = new float[n];
		return values;
	}

	/** Plane of rows {@code index} (below {@value #ROWS}): at least {@code h} rows of at least {@code w} doubles. */
	double[][] rows(int index, int w, int h) {
		double[][] r = rows[index];
		if (r.length < h || r.length > 0 && r[0].length < w) r = rows[index] = new double[Math.max(h, r.length)][Math
			.max(w, r.length == 0 ? 0 : r[0].length)];
		return r;
	}

	/** Work space {@code index} of one scale's smoothing of a {@code w × h} image. */
	Scale scale(int index, int w, int h) {
		if (index >= scales.length) scales = Arrays.copyOf(scales, index + 1);
		Scale s = scales[index];
		// planes, rows and smoothing share one size, so the smoothing's fit stands for all
		if (s == null || !s.work().fits(w, h)) {
			int width = Math.max(w, s == null ? 0 : s.rows()[0].length), height = Math.max(h, s == null ? 0 : s.rows().length);
			s = scales[index] = new Scale(new float[Scale.PLANES][width * height], new double[height][width],
				new MapFilters.Scratch(width, height));
		}
		return s;
	}

	/** {@code dim} planes of at least {@code n} values, lent until the next call. */
	float[][] planes(int dim, int n) {
		if (planes.length < dim || planes.length > 0 && planes[0].length < n) planes = new float[Math.max(dim,
			planes.length)][Math.max(n, planes.length == 0 ? 0 : planes[0].length)];
		return Arrays.copyOf(planes, dim);
	}

	/**
	 * Work arrays of one scale: planes of floats for its smoothed inputs (mean, mean square, energy or
	 * the gradient's three components and magnitude, the Laplacian's input and output), a plane of
	 * rows of doubles and the smoothing's.
	 */
	record Scale(float[][] planes, double[][] rows, MapFilters.Scratch work) {

		static final int PLANES = 8, MEAN = 0, SQUARE = 1, ENERGY = 2, XX = 3, YY = 4, XY = 5, MAGNITUDE = 6,
				LAPLACIAN = 7;
	}

	/**
	 * Work spaces lent to feature computations running side by side: as many as ran at once, each kept
	 * for the next. One pool serves one map or fit, so nothing outlives it.
	 */
	static final class Pool {

		private final ConcurrentLinkedQueue<FeatureWorkspace> spare = new ConcurrentLinkedQueue<>();

		/**
		 * The feature planes of the {@code core} of a {@code w × h} image (index {@code [feature][y *
		 * core.width() + x]} from the core's corner), the scales on up to {@code threads} threads as in
		 * {@link TextureFeatures#features(float[], int, int, int, double[], FeatureSet, int, FeatureWorkspace)},
		 * in a work space that no other computation uses meanwhile.
		 */
		float[][] features(float[] data, int w, int h, int channels, TextureFeatures.Core core, double[] scales,
			FeatureSet features, int threads)
		{
			FeatureWorkspace work = take();
			try {
				float[][] out = new float[TextureFeatures.dim(scales, features, channels)][core.area()];
				TextureFeatures.compute(data, w, h, channels, core, scales, features, threads, work, out);
				return out;
			}
			finally {
				spare.add(work);
			}
		}

		/**
		 * Hands the same feature planes to {@code use}, lent from a work space: they hold the features
		 * until {@code use} returns (each plane may be longer than the core).
		 */
		void lend(float[] data, int w, int h, int channels, TextureFeatures.Core core, double[] scales,
			FeatureSet features, int threads, Consumer<float[][]> use)
		{
			FeatureWorkspace work = take();
			try {
				float[][] planes = work.planes(TextureFeatures.dim(scales, features, channels), core.area());
				TextureFeatures.compute(data, w, h, channels, core, scales, features, threads, work, planes);
				use.accept(planes);
			}
			finally {
				spare.add(work);
			}
		}

		private FeatureWorkspace take() {
			FeatureWorkspace work = spare.poll();
			return work == null ? new FeatureWorkspace() : work;
		}
	}
}
