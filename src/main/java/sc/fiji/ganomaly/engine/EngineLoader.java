package sc.fiji.ganomaly.engine;

/**
 * Finds the engine implementation. Loading fails with an {@link EngineException} that says why
 * (missing jars, missing native libraries) instead of a class-loading stack trace.
 */
public final class EngineLoader {

	static final String TENSORFLOW = "sc.fiji.ganomaly.engine.tensorflow.TensorFlowEngine";

	private static Engine engine;

	private EngineLoader() {}

	/** The TensorFlow engine, loaded once. */
	public static synchronized Engine tensorflow() {
		if (engine == null) engine = instantiate(TENSORFLOW, EngineLoader.class.getClassLoader());
		return engine;
	}

	private static Engine instantiate(String className, ClassLoader loader) {
		try {
			return (Engine) Class.forName(className, true, loader).getConstructor().newInstance();
		}
		catch (ReflectiveOperationException | LinkageError e) {
			throw new EngineException("the TensorFlow engine could not be loaded (" + e +
				"); is tensorflow-core-api with its natives for this platform installed?", e);
		}
	}
}
