package sc.fiji.ganomaly.core;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.EngineLoader;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.Precision;

/**
 * A trained GANomaly model, ready to score: network, normalisation and score calibration. Safe
 * to use from several threads; close it to free native memory.
 * <p>
 * The network (TensorFlow and the SavedModel: seconds of start-up and a few hundred MiB) is loaded
 * with the model when the model's score needs it, and otherwise ({@link Score#TEXTURE}) on the first
 * use that does: a latent, residual or density score of a view ({@link #withScore(Score)}),
 * {@link #scorePatches}. So a broken SavedModel fails the load of a model scoring with the network,
 * and the first network use of a texture model, with the same message.
 */
public final class GanomalyModel implements AutoCloseable {

	/** Patches per network call when scoring. */
	static final int SCORING_BATCH = 256;

	private final Manifest manifest;
	private final Path folder;
	/** Shared with the views of this model; closed by the owner. */
	private final LazyNetwork network;
	private final AtomicBoolean closed = new AtomicBoolean();
	/**
	 * True for the model owning the unpacked files and the network (created or not); false for views
	 * made by {@link #withScore(Score)}: closing them frees nothing.
	 */
	private final boolean owner;
	/** Patches per network call of {@link PlaneScorer}; changed only by tests. */
	private int scoringBatch = SCORING_BATCH;

	private GanomalyModel(Manifest manifest, Path folder, LazyNetwork network, boolean owner) {
		this.manifest = manifest;
		this.folder = folder;
		this.network = network;
		this.owner = owner;
	}

	/**
	 * The same network (created or not) and files with another manifest (used by training). With
	 * {@code owner} the new model owns them and this one must be dropped without closing.
	 */
	GanomalyModel withManifest(Manifest m, boolean owner) {
		return new GanomalyModel(m, folder, network, owner);
	}

	/**
	 * A view of this model that scores with another of its calibrated scores;
	 * it shares the network, so close only this model, not the view (closing the view does nothing).
	 * The network is created by the first of them that needs it, once, and closed with this model.
	 *
	 * @throws IllegalArgumentException if the model has no calibration for that score (models
	 *                                  written before scores existed have only the latent score)
	 */
	public GanomalyModel withScore(Score score) {
		return new GanomalyModel(manifest.withScore(score), folder, network, false);
	}

	/** The score this model's maps show. */
	public Score score() {
		return manifest.score();
	}

	/**
	 * The share of normal planes the threshold aims to flag, or NaN for models written before
	 * issue 10 (their threshold is the 99th percentile of single normal patches).
	 */
	public double falsePositiveRate() {
		return manifest.scoring() == null ? Double.NaN : manifest.scoring().calibration().falsePositiveRate();
	}

	/** Patches per network call when scoring planes. */
	int scoringBatch() {
		return scoringBatch;
	}

	/** TensorFlow intra-op threads of the network (0: all cores); creates no network. */
	int threads() {
		return network.spec().threads();
	}

	/** Sets the patches per network call (tests: any batch size must give the same maps). */
	void scoringBatch(int patches) {
		if (patches <= 0) throw new IllegalArgumentException("batch must hold at least one patch, not " + patches);
		scoringBatch = patches;
	}

	/**
	 * Raw values of this model's score for patches, with buffers for {@code capacity} patches; creates
	 * the network on first use.
	 */
	PatchValues patchValues(int capacity) {
		ImageScoring s = manifest.scoring();
		return new PatchValues(network.get(), s == null ? null : s.score(), s == null ? null : s.density(), capacity);
	}

	/**
	 * The texture model when this model scores with {@link Score#TEXTURE}, else null. The first time a
	 * model loaded to score in bfloat16 (or a view of it) asks for it, a warning says once that the
	 * precision has no effect on this score.
	 */
	TextureModel textureScoring() {
		ImageScoring s = manifest.scoring();
		if (s == null || s.score() != Score.TEXTURE) return null;
		network.precisionUnusedBy(s.score());
		return s.texture();
	}

	/** True once the network has been created (and until the model is closed): for tests. */
	boolean networkLoaded() {
		return network.created();
	}

	/**
	 * Turns a map of raw values into a plane's score: models without image scoring calibrate
	 * per patch (score = highest patch); others smooth residual maps and put the map on the
	 * plane's scale (1 = threshold for a plane of its size), the score being the map's maximum.
	 */
	PlaneScore finish(AnomalyMap map, float bestPatch, long patches, boolean raw) {
		ImageScoring s = manifest.scoring();
		float[] v = map.values();
		if (s == null) {
			if (raw) return new PlaneScore(bestPatch, map.max(), map, patches);
			manifest.calibration().applyInPlace(v, v.length);
			return new PlaneScore(manifest.calibration().apply(bestPatch), map.max(), map, patches);
		}
		if (s.score() == Score.RESIDUAL && s.residualSigma() > 0)
			MapFilters.gaussian(v, map.width(), map.height(), s.residualSigma());
		if (!raw) s.calibration().applyInPlace(v, (long) map.width() * map.height());
		float max = map.max();
		return new PlaneScore(max, max, map, patches);
	}

	/** Scores a region of a normalised plane, leaving the map on the raw scale (for calibration). */
	PlaneScore scoreRaw(Region r, int stride) {
		return new PlaneScorer(this, PlaneScorer.DEFAULT_TILE, true).score(r.width(), r.height(),
			(x0, y0, w, h) -> new PlaneScorer.Tile(r.plane(), -r.x0(), -r.y0()), stride, ProgressListener.NONE);
	}

	/** The latent codes of {@code n} patches ({@code n × nz} floats); creates the network on first use. */
	void latent(float[] batch, int n, float[] out) {
		network.get().latent(batch, n, out);
	}

	/**
	 * Loads a model file.
	 *
	 * @param threads TensorFlow intra-op threads, 0 for automatic
	 * @throws IllegalArgumentException naming the file and what is wrong with it
	 */
	public static GanomalyModel load(Path file, int threads) {
		return load(file, threads, null);
	}

	/**
	 * Loads a model file to score in a given arithmetic precision (issue 11). The network is loaded now
	 * if the model's score needs it, else on its first use (see the class description); the precision
	 * only affects scores of the network.
	 *
	 * @param threads   TensorFlow intra-op threads, 0 for automatic
	 * @param precision {@link Precision#FLOAT32}, {@link Precision#BFLOAT16} (opt-in, about three times
	 *                  faster on CPUs with AVX512_BF16 or AMX; scores within the tolerance of
	 *                  docs/benchmarks.md), or null for the JVM-wide setting ({@value Precision#PROPERTY}
	 *                  or {@value Precision#ENV}; float32 if unset)
	 * @throws IllegalArgumentException naming the file and what is wrong with it, or saying that this
	 *                                  CPU cannot score in {@code precision}
	 * @throws sc.fiji.ganomaly.engine.EngineException if the model's score needs the network and the
	 *                                  engine is missing or cannot load the SavedModel
	 */
	public static GanomalyModel load(Path file, int threads, String precision) {
		String resolved = Precision.resolve(precision);
		return open(ModelFile.read(file, threads), EngineLoader::tensorflow, resolved);
	}

	/**
	 * The arithmetic precision this model's network scores in ({@link Precision#FLOAT32} or
	 * {@link Precision#BFLOAT16}); creates no network.
	 */
	public String precision() {
		return network.precision();
	}

	/** Loads a model file with automatic threading. */
	public static GanomalyModel load(Path file) {
		return load(file, 0);
	}

	/** Opens an unpacked model; takes ownership of its folder. */
	static GanomalyModel open(ModelFile.Unpacked unpacked, Engine engine) {
		return open(unpacked, () -> engine, Precision.FLOAT32);
	}

	/**
	 * Opens an unpacked model to score in {@code precision}; takes ownership of its folder. The network
	 * is created now if the model's score needs it (its failure deletes the folder), else on first use.
	 *
	 * @param engine gives the engine when the network is created (not before)
	 */
	static GanomalyModel open(ModelFile.Unpacked unpacked, Supplier<Engine> engine, String precision) {
		LazyNetwork network = new LazyNetwork(engine, unpacked.savedModel(), unpacked.manifest().spec(), precision,
			unpacked.file());
		GanomalyModel model = new GanomalyModel(unpacked.manifest(), unpacked.folder(), network, true);
		try {
			if (model.score().needsNetwork()) network.get();
			return model;
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

	/**
	 * The threshold stored with the model. Models trained since issue 10 have 1: map values and
	 * plane scores are on each plane's own scale, where 1 is the threshold that flags a share
	 * {@link #falsePositiveRate()} of normal planes of that size. Older models: 1 = the 99th
	 * percentile of single normal patches.
	 */
	public double threshold() {
		return manifest.threshold();
	}

	/**
	 * Latent scores of {@code n} normalised NHWC patches on the per-patch scale (0 = median, 1 = p99 of
	 * normal patches); creates the network on first use.
	 */
	public void scorePatches(float[] batch, int n, float[] scores) {
		network.get().score(batch, n, scores, null);
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

	/**
	 * Frees the network (if it was created) and the unpacked files; a second call does nothing, and so
	 * does closing a view. Views of a closed model fail on any use of the network.
	 */
	@Override
	public void close() {
		if (!owner || closed.getAndSet(true)) return;
		try {
			network.close();
		}
		finally {
			TemporaryFolders.delete(folder);
		}
	}
}
