package sc.fiji.ganomaly.engine;

import java.nio.file.Path;
import java.util.List;

/**
 * A deep-learning backend for GANomaly. It speaks only in float arrays and plain settings, so it
 * can live in its own class loader and never leak its library's types into the host.
 */
public interface Engine {

	/** Short name for logs, e.g. "TensorFlow 2.18.0 (CPU: CPU:0)". */
	String description();

	/** The devices the engine's library sees, e.g. "/job:localhost/replica:0/task:0/device:CPU:0"; empty if unknown. */
	default List<String> devices() {
		return List.of();
	}

	/** Builds a freshly initialised network, seeded by {@link NetworkSpec#seed()}. */
	TrainableNetwork create(NetworkSpec spec);

	/**
	 * Loads the weights of a network written by {@link TrainableNetwork#exportSavedModel(Path)} into
	 * the network that {@code spec} describes, built by the engine: the SavedModel's graph is never
	 * read, so a model file brings data, never operations.
	 *
	 * @throws InvalidModelException if the weights are not those of that network or cannot be restored
	 */
	ScoringNetwork load(Path savedModel, NetworkSpec spec);

	/**
	 * Loads a network that scores in {@code precision} ({@link Precision#FLOAT32} or
	 * {@link Precision#BFLOAT16}); engines without reduced precision refuse anything but float32.
	 */
	default ScoringNetwork load(Path savedModel, NetworkSpec spec, String precision) {
		if (Precision.FLOAT32.equals(precision)) return load(savedModel, spec);
		throw new EngineException("this engine scores in " + Precision.FLOAT32 + " only, not " + precision);
	}
}
