package sc.fiji.ganomaly.core;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;

import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingOutcome;
import sc.fiji.ganomaly.core.model.Manifest;
import sc.fiji.ganomaly.core.model.ModelFile;
import sc.fiji.ganomaly.core.model.TemporaryFolders;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.PixelTypes;
import sc.fiji.ganomaly.core.score.LazyNetwork;
import sc.fiji.ganomaly.core.score.Scorer;
import sc.fiji.ganomaly.core.score.Scorers;
import sc.fiji.ganomaly.core.train.TrainedModel;
import sc.fiji.ganomaly.core.train.TrainingOutcomes;
import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.EngineLoader;
import sc.fiji.ganomaly.engine.EngineMessages;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.Precision;

/**
 * A trained GANomaly model, ready to score: network, normalisation and score calibration. Safe
 * to use from several threads; close it to free native memory.
 * <p>
 * The network (TensorFlow and the SavedModel: seconds of start-up and a few hundred MiB) is loaded
 * with the model when the model's score needs it, and otherwise ({@link ScoreKind#TEXTURE}) on the
 * first use that does: a latent, residual, density or combined score of a view ({@link #withScore(ScoreKind)}),
 * {@link #scorePatches}. So a broken SavedModel fails the load of a model scoring with the network,
 * and the first network use of a texture model, with the same message. A model trained for the
 * texture score has no network at all ({@link #hasNetwork()}): it scores with the texture score only.
 * <p>
 * Longer than 300 lines because it is the one public entry to a model: loading it in either
 * precision, views of its other scores, scoring one plane, many planes or bare patches, each with
 * its contract; how planes are scored lives in {@link PlaneScoring}.
 */
public final class GanomalyModel implements AutoCloseable {

	private final Manifest manifest;
	/** The unpacked files and the network, shared with the views of this model. */
	private final LoadedModel loaded;
	/** Frees {@link #loaded}: the model that owns it closes it; views of it free nothing. */
	private final Runnable release;
	/** Whether planes of the training images' channel count are scored on the channels training picked. */
	private final boolean recordedChannels;

	private GanomalyModel(Manifest manifest, LoadedModel loaded, Runnable release, boolean recordedChannels) {
		this.manifest = manifest;
		this.loaded = loaded;
		this.release = release;
		this.recordedChannels = recordedChannels;
	}

	/** The model that owns {@code loaded} and frees it when closed. */
	private static GanomalyModel owning(Manifest manifest, LoadedModel loaded) {
		return new GanomalyModel(manifest, loaded, loaded::close, true);
	}

	/** The model a training made; it owns the training's files and network. */
	static GanomalyModel of(TrainedModel trained) {
		return owning(trained.manifest(), new LoadedModel(trained.folder(), trained.network()));
	}

	/** A view of this model with another manifest (tests); it shares network and files: close only this model. */
	GanomalyModel withManifest(Manifest m) {
		return new GanomalyModel(m, loaded, () -> {}, recordedChannels);
	}

	/**
	 * A view of this model that scores planes with their channels as given, for callers that picked
	 * the channels themselves (a {@code --channels} option): the channels picked at training, which
	 * this model applies to images of the training images' channel count, are not picked again. It
	 * shares the network: close only this model.
	 */
	public GanomalyModel withChannelsAsGiven() {
		return new GanomalyModel(manifest, loaded, () -> {}, false);
	}

	/**
	 * A view of this model that scores with another of its calibrated scores; it shares the network
	 * (created once, by the first that needs it), so close only this model (closing a view does nothing).
	 *
	 * @throws IllegalArgumentException if the model has no calibration for that score (a model without
	 *                                  image scoring has only the latent score, one without network no network score)
	 */
	public GanomalyModel withScore(ScoreKind score) {
		return withManifest(manifest.withScore(score));
	}

	/** The score this model's maps show. */
	public ScoreKind score() {
		return manifest.score();
	}

	/** False for a model trained for a score that needs no network (texture): it scores with that score only. */
	public boolean hasNetwork() {
		return manifest.hasNetwork();
	}

	/**
	 * The share of normal planes the threshold aims to flag, or NaN for models without image scoring
	 * (their threshold is the 99th percentile of single normal patches).
	 */
	public double falsePositiveRate() {
		return manifest.scoring() == null ? Double.NaN : manifest.scoring().calibration().falsePositiveRate();
	}

	/** True once the network has been created (and until the model is closed): for tests. */
	boolean networkLoaded() {
		return loaded.network().created();
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
	 * Loads a model file to score in a given arithmetic precision. The network is loaded now
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
		return load(file, threads, precision, null);
	}

	/**
	 * {@link #load(Path, int, String)} for a caller that will score with {@code score} (null: the
	 * model's own): the network is loaded now if that score needs it, else on its first use. The model
	 * keeps its own score; {@link #withScore} gives the view.
	 */
	public static GanomalyModel load(Path file, int threads, String precision, ScoreKind score) {
		String resolved = Precision.resolve(precision);
		return open(ModelFile.read(file, threads), EngineLoader::tensorflow, resolved, score);
	}

	/** The precision this model's network scores in ({@link Precision#FLOAT32} or {@link Precision#BFLOAT16}). */
	public String precision() {
		return loaded.network().precision();
	}

	/** Loads a model file with automatic threading. */
	public static GanomalyModel load(Path file) {
		return load(file, 0);
	}

	/**
	 * Opens an unpacked model to score in {@code precision}; takes ownership of its folder. The network
	 * is created now if {@code score} (null: the model's own) needs it and the model has one (its failure
	 * deletes the folder), else on first use.
	 *
	 * @param engine gives the engine when the network is created (not before)
	 */
	static GanomalyModel open(ModelFile.Unpacked unpacked, Supplier<Engine> engine, String precision,
		ScoreKind score)
	{
		LazyNetwork network = new LazyNetwork(engine, unpacked.manifest().hasNetwork() ? unpacked.savedModel() : null,
			unpacked.manifest().spec(), precision, unpacked.file());
		GanomalyModel model = owning(unpacked.manifest(), new LoadedModel(unpacked.folder(), network));
		try {
			if (score == null ? model.score().needsNetwork() : score.needsNetwork() && model.hasNetwork()) network.get();
			return model;
		}
		catch (RuntimeException e) {
			TemporaryFolders.delete(unpacked.folder());
			throw e;
		}
	}

	/** Writes the model file atomically. */
	public void save(Path file) {
		ModelFile.write(file, manifest, loaded.folder().resolve(ModelFile.SAVED_MODEL));
	}

	/** The model's manifest: everything its file says besides the weights. */
	public Manifest manifest() {
		return manifest;
	}

	/** What the model says about scoring. */
	public ModelInfo info() {
		return new ModelInfo(manifest);
	}

	/** How the model's training ended, with its warnings for the model's current score. */
	public TrainingOutcome trainingOutcome() {
		return TrainingOutcomes.of(manifest.training(), score());
	}

	/** The network's settings (patch size and channels also for a model without network). */
	public NetworkSpec spec() {
		return manifest.spec();
	}

	/** The side of the model's square patches (the network's input, the texture score's window), in pixels. */
	public int patchSize() {
		return manifest.spec().patchSize();
	}

	/** The channels of the planes the model scores. */
	public int channels() {
		return manifest.spec().channels();
	}

	/**
	 * The threshold stored with the model, 1: with image scoring, map values and plane scores are on
	 * each plane's own scale, where 1 is the threshold that flags a share {@link #falsePositiveRate()}
	 * of normal planes of that size; without (models of earlier versions), 1 is the 99th percentile
	 * of single normal patches.
	 */
	public double threshold() {
		return manifest.threshold();
	}

	/**
	 * Latent scores of {@code n} normalised NHWC patches on the per-patch scale (0 = median, 1 = p99 of
	 * normal patches), in network calls of at most {@link Scorers#BATCH} patches, two at once when the
	 * network has several threads (a patch's score never depends on the others); creates the network
	 * on first use (a model without one throws IllegalArgumentException).
	 */
	public void scorePatches(float[] batch, int n, float[] scores) {
		loaded.network().scorePatches(batch, n, scores);
		manifest.calibration().applyInPlace(scores, n);
	}

	/**
	 * Scores one plane (x, y[, c]) with a sliding window of the model's patch size. The plane is
	 * read and normalised tile by tile, so its size is limited only by the map (one float per pixel).
	 *
	 * @param stride window step in pixels, from 1 to the patch size; 0: patch size / 4
	 * @param name   names the image in error messages (null: "plane")
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
		return score(plane, stride, name, listener, Scorers.TILE, Scorers.BATCH);
	}

	/** As above, with tiles of at most {@code tileSize} pixels square and {@code batch} windows per network call. */
	PlaneScore score(RandomAccessibleInterval<? extends RealType<?>> plane, int stride, String name,
		ProgressListener listener, int tileSize, int batch)
	{
		List<PlaneScore> scores = score(List.of(plane), stride, List.of(name == null ? "plane" : name), listener, tileSize,
			batch);
		return scores == null ? null : scores.get(0);
	}

	/**
	 * Scores several planes, each as {@link #score(RandomAccessibleInterval, int, String)} does, and
	 * together where that is faster: the windows of small planes share network calls, and planes of
	 * one texture tile are mapped side by side on the cores. Every plane's map is held until the last
	 * is scored; {@link #planesAtOnce} says how many planes of a size to pass at once.
	 *
	 * @param names names the planes in error messages, one per plane
	 * @return the scores in order, or null if {@code listener} cancelled
	 */
	public List<PlaneScore> score(List<? extends RandomAccessibleInterval<? extends RealType<?>>> planes, int stride,
		List<String> names, ProgressListener listener)
	{
		return score(planes, stride, names, listener, Scorers.TILE, Scorers.BATCH);
	}

	/**
	 * Pixels of small planes to score in one call of {@link #score(List, int, List, ProgressListener)}:
	 * 256 planes of 32², whose windows then share network calls; about 5 MB held (planes, maps and
	 * sums).
	 */
	public static final long PIXELS_AT_ONCE = 1 << 18;

	/**
	 * How many planes of {@code width × height} pixels to score in one call of
	 * {@link #score(List, int, List, ProgressListener)}: as many as make up {@link #PIXELS_AT_ONCE},
	 * at least one.
	 */
	public static int planesAtOnce(long width, long height) {
		return (int) Math.max(1, PIXELS_AT_ONCE / Math.max(1, width * height));
	}

	private List<PlaneScore> score(List<? extends RandomAccessibleInterval<? extends RealType<?>>> planes, int stride,
		List<String> names, ProgressListener listener, int tileSize, int batch)
	{
		int step = ScoreParameters.stride(stride, patchSize(), "stride");
		warnOfOtherPixels(planes, names);
		warnOfChannelsAsGiven(planes, names);
		return scoring().score(planes, step, names, listener, tileSize, batch);
	}

	/**
	 * Maps a plane of noise, {@code side} pixels square, with the texture score and drops the map, so
	 * that a fresh JVM's JIT compiles the score's loops before a real plane needs them: it warns of
	 * nothing and keeps nothing.
	 */
	public void warmUpTexture(int side) {
		int c = channels();
		float[] noise = new float[side * side * c];
		java.util.Random random = new java.util.Random(1);
		for (int i = 0; i < noise.length; i++)
			noise[i] = (float) random.nextGaussian();
		RandomAccessibleInterval<? extends RealType<?>> plane = c == 1 ? ArrayImgs.floats(noise, side, side) : ArrayImgs
			.floats(noise, side, side, c);
		withScore(ScoreKind.TEXTURE).scoring().score(List.of(plane), patchSize(), List.of("warm-up"), ProgressListener.NONE,
			Scorers.TILE, Scorers.BATCH);
	}

	/**
	 * Says once per model that a plane of as many channels as the model's is scored on them as given,
	 * where training picked channels of images of more ({@link Manifest#inputChannels()}), whose
	 * like are scored on the picked ones: which rule a file met is otherwise not seen.
	 */
	private void warnOfChannelsAsGiven(List<? extends RandomAccessibleInterval<? extends RealType<?>>> planes,
		List<String> names)
	{
		List<Integer> picked = manifest.inputChannels();
		if (!recordedChannels || picked.isEmpty()) return;
		for (int k = 0; k < planes.size(); k++) {
			long c = PlaneScoring.channels(planes.get(k));
			if (c == channels() && c != manifest.inputChannelCount() && loaded.firstTime("channels as given"))
				EngineMessages.warn("GANomaly: " + names.get(k) + " has " + c + " channel(s), as many as the model: it is " +
					"scored on them as they are, while images of " + manifest.inputChannelCount() + " channels, like the " +
					"training images, are scored on their channel(s) " + picked.stream().map(String::valueOf).collect(
						java.util.stream.Collectors.joining(", ")));
		}
	}

	/**
	 * Warns, once per kind of pixels and model, of a plane whose pixels are of another kind than the
	 * training images' (an 8-bit copy of 16-bit images) where the score compares intensities with
	 * theirs (the texture statistics), which then find the whole plane unusual.
	 */
	private void warnOfOtherPixels(List<? extends RandomAccessibleInterval<? extends RealType<?>>> planes,
		List<String> names)
	{
		List<String> trained = manifest.inputPixelTypes();
		if (trained.isEmpty() || !score().usesTexture()) return;
		PlaneScoring scoring = scoring();
		for (int k = 0; k < planes.size(); k++) {
			if (!scoring.takes(planes.get(k))) continue; // refused for its channels, with no word of its pixels
			String kind = PixelTypes.of(planes.get(k));
			if (!trained.contains(kind) && loaded.firstTime("pixels " + kind)) EngineMessages.warn("GANomaly: " + names.get(
				k) + " is " + kind + ", but the model was trained on " + String.join(" and ", trained) + " images: the " +
				score().id() + " score compares intensities with theirs, so images of another kind may be flagged as a " +
				"whole; score images converted as the training images were");
		}
	}

	/** Normalises a plane as the model's training data was, checking its shape. */
	public NormalizedPlane normalize(RandomAccessibleInterval<? extends RealType<?>> plane, String name) {
		return scoring().normalize(plane, name);
	}

	/** Scores a normalised plane with a sliding window. */
	public PlaneScore score(NormalizedPlane plane, int stride) {
		return scoring().score(plane, stride);
	}

	/** The scorer of this model's score: windows {@code stride} apart, tiles up to {@code tileSize}, {@code batch} windows per call. */
	Scorer scorer(int stride, int tileSize, int batch) {
		return scoring().scorer(stride, tileSize, batch);
	}

	private PlaneScoring scoring() {
		return new PlaneScoring(manifest, loaded.network(), recordedChannels);
	}

	/** The folder the model is unpacked in (deleted on {@link #close()}). */
	Path folder() {
		return loaded.folder();
	}

	/**
	 * Frees the network (if it was created) and the unpacked files; a second call does nothing, and so
	 * does closing a view. Views of a closed model fail on any use of the network.
	 */
	@Override
	public void close() {
		release.run();
	}
}
