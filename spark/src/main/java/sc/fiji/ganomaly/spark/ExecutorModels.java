package sc.fiji.ganomaly.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

import sc.fiji.ganomaly.core.GanomalyModel;

/**
 * What one executor JVM keeps between tasks: the models it scores with. The TensorFlow engine is
 * loaded once per JVM by {@code EngineLoader} (from the engine folder, in its own class loader, as
 * in Fiji); each model file is unpacked and loaded once and shared by the executor's concurrent
 * tasks (TensorFlow sessions run concurrently), with as many TensorFlow threads as the executor has
 * cores. Everything is closed when the JVM exits.
 */
final class ExecutorModels {

	/** JavaCPP's native library cache (where TensorFlow's natives are unpacked): node-local disk. */
	static final String NATIVE_CACHE_PROPERTY = "org.bytedeco.javacpp.cachedir";

	private static final Logger LOG = Logger.getLogger(ExecutorModels.class.getName());
	private static final Map<String, GanomalyModel> MODELS = new LinkedHashMap<>();
	private static boolean hook;
	/**
	 * Milliseconds the first model load of this JVM took (engine start-up included when the model's score
	 * uses the network; a texture model loads none), -1 before.
	 */
	private static long firstLoadMillis = -1;

	private ExecutorModels() {}

	/**
	 * The model of {@code file} with {@code threads} TensorFlow threads, scoring in {@code precision}
	 * (null: this JVM's setting), loaded on first use.
	 *
	 * @param nativeCache JavaCPP cache folder (node-local disk) to use unless {@value #NATIVE_CACHE_PROPERTY}
	 *                    is set already; null: {@code java.io.tmpdir/ganomaly-javacpp-USER} of this JVM
	 *                    rather than JavaCPP's default in the home folder, often a network file system
	 */
	static synchronized GanomalyModel get(Path file, int threads, String precision, String nativeCache) {
		if (System.getProperty(NATIVE_CACHE_PROPERTY) == null) System.setProperty(NATIVE_CACHE_PROPERTY,
			nativeCache != null && !nativeCache.isBlank() ? nativeCache : System.getProperty("java.io.tmpdir") +
				"/ganomaly-javacpp-" + System.getProperty("user.name"));
		String key;
		try {
			key = file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis() + "|" +
				threads + "|" + precision;
		}
		catch (java.io.IOException e) {
			throw new IllegalArgumentException("model: cannot read " + file + ": " + e.getMessage());
		}
		GanomalyModel model = MODELS.get(key);
		if (model == null) {
			long t0 = System.nanoTime();
			model = GanomalyModel.load(file, threads, precision);
			long ms = (System.nanoTime() - t0) / 1_000_000;
			if (firstLoadMillis < 0) firstLoadMillis = ms;
			LOG.info("GANomaly: model " + file.getFileName() + " loaded in " + ms + " ms with " + threads +
				" TensorFlow thread(s), " + model.precision());
			MODELS.put(key, model);
			if (!hook) {
				Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "ganomaly-close-models"));
				hook = true;
			}
		}
		return model;
	}

	/**
	 * Milliseconds of this JVM's first model load, engine start-up included when the model's score uses
	 * the network; -1 if none yet.
	 */
	static synchronized long firstLoadMillis() {
		return firstLoadMillis;
	}

	/** Closes every model (TensorFlow sessions and unpacked files). */
	static synchronized void closeAll() {
		for (GanomalyModel m : MODELS.values())
			try {
				m.close();
			}
			catch (RuntimeException e) {
				// closing at exit: nothing left to do
			}
		MODELS.clear();
	}
}
