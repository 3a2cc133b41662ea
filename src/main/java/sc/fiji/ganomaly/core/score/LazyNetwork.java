package sc.fiji.ganomaly.core.score;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.EngineMessages;
import sc.fiji.ganomaly.engine.InvalidModelException;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.Precision;
import sc.fiji.ganomaly.engine.ScoringNetwork;
import sc.fiji.ganomaly.core.api.ScoreKind;

/**
 * The scoring network of one loaded model, created on its first use: a model whose score needs no
 * network ({@link ScoreKind#TEXTURE}) never loads the engine (TensorFlow) or its SavedModel. A model and
 * its views (another score of the same model) share one instance, so the network
 * is created at most once whichever of them uses it first, and the model owning the files closes it.
 * <p>
 * Thread-safe: concurrent first uses wait for one creation. A failed creation is not remembered: the
 * next use tries again and, for a broken SavedModel, fails with the same exception. After
 * {@link #close()} every use fails, so that no network is created that nobody would close.
 */
public final class LazyNetwork implements AutoCloseable {

	private final Supplier<Engine> engine;
	private final Path savedModel;
	private final NetworkSpec spec;
	private final String precision;
	/** The model file, for messages; null for a model that has none yet (training). */
	private final Path file;
	/** The network once created; null before, and again after {@link #close()}. */
	private volatile ScoringNetwork network;
	/** Guarded by this. */
	private boolean closed;
	/** Set once the unused precision was reported ({@link #precisionUnusedBy(ScoreKind)}). */
	private final AtomicBoolean precisionNoted = new AtomicBoolean();

	/**
	 * @param engine     gives the engine on first use (it may load TensorFlow then)
	 * @param savedModel the SavedModel folder, which must exist until this is closed; null for a model
	 *                   without a network (every use fails, saying so)
	 * @param spec       the network's settings, threads included
	 * @param precision  {@link Precision#FLOAT32} or {@link Precision#BFLOAT16}
	 * @param file       the model file the SavedModel comes from, named in messages; null if none
	 */
	public LazyNetwork(Supplier<Engine> engine, Path savedModel, NetworkSpec spec, String precision, Path file) {
		this.engine = engine;
		this.file = file;
		this.savedModel = savedModel;
		this.spec = spec;
		this.precision = precision;
	}

	/**
	 * The network, loaded from the SavedModel if this is its first use.
	 *
	 * @throws sc.fiji.ganomaly.engine.EngineException if the engine cannot be found or cannot load the SavedModel
	 * @throws IllegalArgumentException                if the engine refuses the SavedModel's weights
	 *                                                 ("model: FILE is not a valid GANomaly model file: ...")
	 * @throws IllegalStateException                   once closed
	 */
	public ScoringNetwork get() {
		ScoringNetwork n = network;
		return n != null ? n : create();
	}

	/** Creates the network unless another thread did while this one waited. */
	private synchronized ScoringNetwork create() {
		if (closed) throw new IllegalStateException("the model is closed; load it again to score with its network");
		if (savedModel == null) throw new IllegalArgumentException("this model has no network: it was trained for a " +
			"score that needs none; train a model with a score of the network to use one");
		if (network == null) {
			try {
				network = engine.get().load(savedModel, spec, precision);
			}
			catch (InvalidModelException e) {
				if (file == null) throw e;
				throw new IllegalArgumentException("model: " + file + " is not a valid GANomaly model file: " +
					e.getMessage() + "; it was not written by GANomaly or was changed since", e);
			}
		}
		return network;
	}

	/**
	 * The latent scores of the first {@code n} patches of {@code patches} (normalised NHWC floats) into
	 * {@code scores}, creating the network if this is its first use: calls of at most
	 * {@link Scorers#BATCH} patches, two at once on a network of several threads. Each score is that
	 * of one call of all the patches, to the bit.
	 */
	public void scorePatches(float[] patches, int n, float[] scores) {
		long length = (long) n * spec.patchLength();
		if (n < 0 || patches.length < length) throw new IllegalArgumentException("patches: " + patches.length +
			" floats hold fewer than " + n + " patches of " + spec.patchLength());
		if (scores.length < n) throw new IllegalArgumentException("scores: " + scores.length + " values for " + n +
			" patches");
		// checked first: bad arguments load no engine
		NetworkCalls.scorePatches(get(), patches, n, scores, Scorers.BATCH);
	}

	/** True while the network exists: after its first use and before {@link #close()}. */
	public boolean created() {
		return network != null;
	}

	/** The network's settings (as given, so reading them creates nothing). */
	public NetworkSpec spec() {
		return spec;
	}

	/** The precision the network scores in, or will once created. */
	public String precision() {
		return precision;
	}

	/**
	 * Says once, as a warning ({@link EngineMessages}), that this network's precision has no effect on a score it
	 * does not compute ("GANomaly: precision bfloat16 has no effect on the texture score (it uses no
	 * network)"); nothing for float32 (the default) or a score of the network.
	 */
	public void precisionUnusedBy(ScoreKind score) {
		if (score.needsNetwork() || Precision.FLOAT32.equals(precision) || precisionNoted.getAndSet(true)) return;
		EngineMessages.warn("GANomaly: precision " + precision + " has no effect on the " + score.id() +
			" score (it uses no network)");
	}

	/** Closes the network if it was created; later uses fail. A second call does nothing. */
	@Override
	public synchronized void close() {
		closed = true;
		ScoringNetwork n = network;
		network = null;
		if (n != null) n.close();
	}
}
