package sc.fiji.ganomaly.spark;

import java.nio.file.Path;
import java.util.logging.Logger;
import sc.fiji.ganomaly.core.ModelPool;
import sc.fiji.ganomaly.core.api.ScoreKind;


/**
 * What one executor JVM keeps between tasks: the models it scores with. The TensorFlow engine is
 * loaded once per JVM by {@code EngineLoader} (from the engine folder, in its own class loader, as
 * in Fiji); each model file is unpacked and loaded once and shared by the executor's concurrent
 * tasks (TensorFlow sessions run concurrently), with as many TensorFlow threads as the executor has
 * cores. At most {@value #CAPACITY} models are kept (an executor serving jobs with other models or
 * settings), in a {@link ModelPool} as Fiji's: the least recently used is closed once no task
 * holds it. The rest are closed when the JVM exits.
 */
final class ExecutorModels {

	/** JavaCPP's native library cache (where TensorFlow's natives are unpacked): node-local disk. */
	static final String NATIVE_CACHE_PROPERTY = "org.bytedeco.javacpp.cachedir";
	/** Models an executor keeps loaded (a model file with its threads and precision). */
	static final int CAPACITY = 2;

	private static final Logger LOG = Logger.getLogger(ExecutorModels.class.getName());
	private static final ModelPool MODELS = new ModelPool(CAPACITY, Long.MAX_VALUE, 0);
	private static boolean hook;
	/**
	 * Milliseconds the first model load of this JVM took (engine start-up included when the model's score
	 * uses the network; a texture model loads none), -1 before.
	 */
	private static long firstLoadMillis = -1;

	private ExecutorModels() {}

	/**
	 * Leases the model of {@code file} with {@code threads} TensorFlow threads, scoring in
	 * {@code precision} (null: this JVM's setting), for scoring with {@code score} (its network loaded
	 * only if that score uses it), loaded on first use; the caller closes the lease when its task is
	 * done with the model.
	 *
	 * @param nativeCache JavaCPP cache folder (node-local disk), set before the JVM's first model loads;
	 *                    null: {@value #NATIVE_CACHE_PROPERTY} if set, else
	 *                    {@code java.io.tmpdir/ganomaly-javacpp-USER} of this JVM rather than JavaCPP's
	 *                    default in the home folder, often a network file system
	 */
	static ModelPool.Lease lease(Path file, int threads, String precision, ScoreKind score,
		String nativeCache)
	{
		synchronized (ExecutorModels.class) {
			// --native-cache first (before the first model loads native code), then the property, then tmpdir
			if (nativeCache != null && !nativeCache.isBlank() && firstLoadMillis < 0) System.setProperty(
				NATIVE_CACHE_PROPERTY, nativeCache);
			else if (System.getProperty(NATIVE_CACHE_PROPERTY) == null) System.setProperty(NATIVE_CACHE_PROPERTY, System
				.getProperty("java.io.tmpdir") + "/ganomaly-javacpp-" + System.getProperty("user.name"));
			if (!hook) try {
				Runtime.getRuntime().addShutdownHook(new Thread(MODELS::close, "ganomaly-close-models"));
				hook = true;
			}
			catch (IllegalStateException e) { // the JVM exits already: the exit ends this task, no hook is needed
			}
		}
		ModelPool.Lease lease = MODELS.lease(file, threads, precision, score);
		if (lease.loadMillis() >= 0) {
			synchronized (ExecutorModels.class) {
				if (firstLoadMillis < 0) firstLoadMillis = lease.loadMillis();
			}
			ScoreKind scoring = score == null ? lease.model().score() : score;
			LOG.info("GANomaly: model " + file.getFileName() + " loaded in " + lease.loadMillis() + " ms, scoring " + scoring
				.id() + " on " + (threads == 0 ? "every core" : threads + " thread(s)") + (scoring.needsNetwork() ? " in " +
					lease.model().precision() : ""));
		}
		return lease;
	}

	/**
	 * Milliseconds of this JVM's first model load, engine start-up included when the model's score uses
	 * the network; -1 if none yet.
	 */
	static synchronized long firstLoadMillis() {
		return firstLoadMillis;
	}
}
