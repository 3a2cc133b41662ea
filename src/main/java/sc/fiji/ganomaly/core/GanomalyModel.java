package sc.fiji.ganomaly.core;

import java.nio.file.Path;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.EngineLoader;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.ScoringNetwork;

/**
 * A trained GANomaly model, ready to score: network, normalisation and score calibration. Safe
 * to use from several threads; close it to free native memory.
 */
public final class GanomalyModel implements AutoCloseable {

	/** Patches per network call when scoring. */
	static final int SCORING_BATCH = 256;

	private final Manifest manifest;
	private final Path folder;
	private final ScoringNetwork network;
	private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

	private GanomalyModel(Manifest manifest, Path folder, ScoringNetwork network) {
		this.manifest = manifest;
		this.folder = folder;
		this.network = network;
	}

	/**
	 * Loads a model file.
	 *
	 * @param threads TensorFlow intra-op threads, 0 for automatic
	 * @throws IllegalArgumentException naming the file and what is wrong with it
	 */
	public static GanomalyModel load(Path file, int threads) {
		return open(ModelFile.read(file, threads), EngineLoader.tensorflow());
	}

	/** Loads a model file with automatic threading. */
	public static GanomalyModel load(Path file) {
		return load(file, 0);
	}

	/** Opens an unpacked model; takes ownership of its folder. */
	static GanomalyModel open(ModelFile.Unpacked unpacked, Engine engine) {
		try {
			return new GanomalyModel(unpacked.manifest(), unpacked.folder(),
				engine.load(unpacked.savedModel(), unpacked.manifest().spec()));
		}
		catch (RuntimeException e) {
			TemporaryFolders.delete(unpacked.folder());
			throw e;
		}
	}

	/** Writes the model file atomically. */
	public void save(Path file) {
		ModelFile.write(file, manifest, folder.resolve(ModelFile.SAVED_MODEL));
	}

	public Manifest manifest() {
		return manifest;
	}

	public NetworkSpec spec() {
		return manifest.spec();
	}

	public int patchSize() {
		return manifest.spec().patchSize();
	}

	public int channels() {
		return manifest.spec().channels();
	}

	/** The calibrated threshold stored with the model. */
	public double threshold() {
		return manifest.threshold();
	}

	/** Calibrated scores of {@code n} normalised NHWC patches. */
	public void scorePatches(float[] batch, int n, float[] scores) {
		network.score(batch, n, scores, null);
		manifest.calibration().applyInPlace(scores, n);
	}

	/**
	 * Scores one plane (x, y[, c]) with a sliding window of the model's patch size. The plane is
	 * read and normalised tile by tile, so its size is limited only by the map (one float per pixel).
	 *
	 * @param stride window step in pixels, e.g. patch size / 4
	 * @param name   names the image in error messages
	 */
	public PlaneScore score(RandomAccessibleInterval<? extends RealType<?>> plane, int stride, String name) {
		return score(plane, stride, name, ProgressListener.NONE);
	}

	/**
	 * Scores one plane as {@link #score(RandomAccessibleInterval, int, String)} does, reporting
	 * progress in patches to {@code listener}.
	 *
	 * @return the score and map, or null if {@code listener} cancelled
	 */
	public PlaneScore score(RandomAccessibleInterval<? extends RealType<?>> plane, int stride, String name,
		ProgressListener listener)
	{
		return score(plane, stride, name, listener, PlaneScorer.DEFAULT_TILE);
	}

	PlaneScore score(RandomAccessibleInterval<? extends RealType<?>> plane, int stride, String name,
		ProgressListener listener, int tileSize)
	{
		checkShape(plane, name);
		PlaneNormalizer normalizer = manifest.normalization().measure(plane, name);
		if (normalizer.width() > Integer.MAX_VALUE - 8 || normalizer.height() > Integer.MAX_VALUE - 8)
			throw new IllegalArgumentException(name + " is " + normalizer.width() + "x" + normalizer.height() +
				" pixels; score a smaller region");
		return new PlaneScorer(this, tileSize).score((int) normalizer.width(), (int) normalizer.height(),
			(x0, y0, w, h) -> new PlaneScorer.Tile(normalizer.tile(x0, y0, w, h), x0, y0), stride, listener);
	}

	/** Normalises a plane as the model's training data was, checking its shape. */
	public NormalizedPlane normalize(RandomAccessibleInterval<? extends RealType<?>> plane, String name) {
		checkShape(plane, name);
		return manifest.normalization().apply(plane, name);
	}

	private void checkShape(RandomAccessibleInterval<? extends RealType<?>> plane, String name) {
		int channels = plane.numDimensions() > 2 ? (int) plane.dimension(2) : 1;
		if (channels != channels()) throw new IllegalArgumentException(name + " has " + channels +
			" channel(s) but the model was trained on " + channels() + "; use images with " + channels() + " channel(s)");
		int p = patchSize();
		if (plane.dimension(0) < p || plane.dimension(1) < p) throw new IllegalArgumentException(name + " is " +
			plane.dimension(0) + "x" + plane.dimension(1) + " pixels, smaller than the model's patch of " + p + "x" + p);
	}

	/** Scores a normalised plane with a sliding window. */
	public PlaneScore score(NormalizedPlane plane, int stride) {
		return new PlaneScorer(this, PlaneScorer.DEFAULT_TILE).score(plane.width(), plane.height(),
			(x0, y0, w, h) -> new PlaneScorer.Tile(plane, 0, 0), stride, ProgressListener.NONE);
	}

	/** The folder the model is unpacked in (deleted on {@link #close()}). */
	Path folder() {
		return folder;
	}

	/** Frees the network and the unpacked files; a second call does nothing. */
	@Override
	public void close() {
		if (closed.getAndSet(true)) return;
		try {
			network.close();
		}
		finally {
			TemporaryFolders.delete(folder);
		}
	}
}
