package sc.fiji.ganomaly.core.texture;

import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import sc.fiji.ganomaly.core.math.RowFilters;

/**
 * The work arrays of {@link TextureFeatures}' computations, kept from one to the next and grown to
 * the largest image: one computation at a time. A {@link Pool} lends them to computations running
 * side by side. The arrays may be larger than an image: their users index by the image's size.
 * Every plane is kept as rows, so that no array is near the size of a heap region (G1 gives an array
 * of half a region or more regions of its own, at small heaps 1 MB each).
 * <p>
 * A work space belongs to one thread, the one that made it or last took it from a pool: any other
 * thread asking it for arrays gets an {@link IllegalStateException}, so that sharing one by mistake
 * fails at once rather than racing.
 */
final class FeatureWorkspace {

	/** Planes of rows of doubles and of floats: a channel's inputs. */
	private static final int ROWS = 2, FLOAT_ROWS = 4;

	private final double[][][] rows = new double[ROWS][0][0];
	private final float[][][] floatRows = new float[FLOAT_ROWS][0][0];
	private Scale[] scales = new Scale[0];
	private float[][][] planes = new float[0][0][0];
	private Thread user = Thread.currentThread();

	/** Hands this work space to the calling thread, from now on the only one that may use it. */
	private FeatureWorkspace claim() {
		user = Thread.currentThread();
		return this;
	}

	/** Refuses a thread other than the work space's. */
	private void confined() {
		if (Thread.currentThread() != user) throw new IllegalStateException("a feature work space of thread " + user
			.getName() + " was asked for arrays on thread " + Thread.currentThread().getName());
	}

	/** Plane of rows {@code index} (below {@value #ROWS}): at least {@code h} rows of at least {@code w} doubles. */
	double[][] rows(int index, int w, int h) {
		confined();
		double[][] r = rows[index];
		if (r.length < h || r.length > 0 && r[0].length < w) r = rows[index] = new double[Math.max(h, r.length)][Math
			.max(w, r.length == 0 ? 0 : r[0].length)];
		return r;
	}

	/** Plane of rows of floats {@code index} (below {@value #FLOAT_ROWS}): at least {@code h} rows of at least {@code w} floats. */
	float[][] floatRows(int index, int w, int h) {
		confined();
		float[][] r = floatRows[index];
		if (r.length < h || r.length > 0 && r[0].length < w) r = floatRows[index] = new float[Math.max(h, r.length)][Math
			.max(w, r.length == 0 ? 0 : r[0].length)];
		return r;
	}

	/** Work space {@code index} of one scale's smoothing of a {@code w × h} image. */
	Scale scale(int index, int w, int h) {
		confined();
		if (index >= scales.length) scales = Arrays.copyOf(scales, index + 1);
		Scale s = scales[index];
		// plane, rows and smoothing share one size, so the smoothing's fit stands for all
		if (s == null || !s.work().fits(w, h)) {
			int width = Math.max(w, s == null ? 0 : s.rows()[0].length), height = Math.max(h, s == null ? 0 : s.rows().length);
			s = scales[index] = new Scale(new float[height][width], new float[height][width], new RowFilters.Scratch(width,
				height));
		}
		return s;
	}

	/**
	 * {@code dim} planes of at least {@code height} rows of at least {@code width} values, lent until
	 * the next call.
	 */
	float[][][] planes(int dim, int width, int height) {
		confined();
		int kept = planes.length, keptHeight = kept == 0 ? 0 : planes[0].length, keptWidth = keptHeight == 0 ? 0
			: planes[0][0].length;
		if (kept < dim || keptHeight < height || keptWidth < width) planes = new float[Math.max(dim, kept)][Math.max(
			height, keptHeight)][Math.max(width, keptWidth)];
		return Arrays.copyOf(planes, dim);
	}

	/** The bytes of the values of its arrays. */
	long bytes() {
		long b = 0;
		for (double[][] r : rows)
			b += 8L * r.length * (r.length == 0 ? 0 : r[0].length);
		for (float[][] r : floatRows)
			b += 4L * r.length * (r.length == 0 ? 0 : r[0].length);
		for (Scale s : scales)
			if (s != null) b += 8L * s.rows().length * s.rows()[0].length + s.work().bytes();
		return b + 4L * planes.length * (planes.length == 0 ? 0 : (long) planes[0].length * planes[0][0].length);
	}

	/**
	 * Work arrays of one scale: a plane of rows of floats (the Laplacian's input over the whole image,
	 * then a smoothing of the core that a feature reads with others), a plane of rows of floats (the
	 * squared Laplacian) and the smoothing's.
	 */
	record Scale(float[][] plane, float[][] rows, RowFilters.Scratch work) {}

	/**
	 * Work spaces lent to feature computations running side by side: as many as run at once, each kept
	 * for the next computation, of this call or a later one, while the kept ones hold at most a set
	 * number of bytes. They are kept softly: when memory runs short the garbage collector frees them.
	 * So the calls of a batch of many small planes (a map call per few planes) share their work
	 * spaces, and a large map leaves at most that much behind.
	 */
	static final class Pool {

		/**
		 * The pool of every map and fit: at most 128 MB kept (the work spaces of two tiles of 512²
		 * and their margins of one channel; of one such tile of three channels).
		 */
		static final Pool SHARED = new Pool(128L << 20);

		private final ConcurrentLinkedQueue<Kept> spare = new ConcurrentLinkedQueue<>();
		private final long maxKeptBytes;
		private final AtomicLong keptBytes = new AtomicLong();

		/** A pool that keeps work spaces of at most {@code maxKeptBytes} in all. */
		Pool(long maxKeptBytes) {
			this.maxKeptBytes = maxKeptBytes;
		}

		/**
		 * The feature planes of the {@code core} of a {@code w × h} image (index {@code [feature][y][x]}
		 * from the core's corner), the scales on up to {@code threads} threads as in
		 * {@link TextureFeatures#features(float[], int, int, int, double[], FeatureSet, int, FeatureWorkspace)},
		 * in a work space that no other computation uses meanwhile.
		 */
		float[][][] features(float[] data, int w, int h, int channels, TextureFeatures.Core core, double[] scales,
			FeatureSet features, int threads)
		{
			FeatureWorkspace work = take();
			try {
				float[][][] out = new float[TextureFeatures.dim(scales, features, channels)][core.height()][core.width()];
				TextureFeatures.compute(data, w, h, channels, core, scales, features, threads, work, out);
				return out;
			}
			finally {
				giveBack(work);
			}
		}

		/**
		 * Hands the same feature planes to {@code use}, lent from a work space: they hold the features
		 * until {@code use} returns (each plane may have more and longer rows than the core).
		 */
		void lend(float[] data, int w, int h, int channels, TextureFeatures.Core core, double[] scales,
			FeatureSet features, int threads, Consumer<float[][][]> use)
		{
			FeatureWorkspace work = take();
			try {
				float[][][] planes = work.planes(TextureFeatures.dim(scales, features, channels), core.width(), core
					.height());
				TextureFeatures.compute(data, w, h, channels, core, scales, features, threads, work, planes);
				use.accept(planes);
			}
			finally {
				giveBack(work);
			}
		}

		/** The bytes of the work spaces kept (some may have been freed by the garbage collector since). */
		long keptBytes() {
			return keptBytes.get();
		}

		private FeatureWorkspace take() {
			for (Kept k; (k = spare.poll()) != null;) {
				keptBytes.addAndGet(-k.bytes);
				FeatureWorkspace work = k.get();
				if (work != null) return work.claim();
			}
			return new FeatureWorkspace();
		}

		private void giveBack(FeatureWorkspace work) {
			long bytes = work.bytes();
			if (keptBytes.addAndGet(bytes) <= maxKeptBytes) spare.add(new Kept(work, bytes));
			else keptBytes.addAndGet(-bytes); // dropped: the garbage collector frees it
		}

		/** A work space kept softly, with its size when it was given back. */
		private static final class Kept extends SoftReference<FeatureWorkspace> {

			final long bytes;

			Kept(FeatureWorkspace work, long bytes) {
				super(work);
				this.bytes = bytes;
			}
		}
	}
}
