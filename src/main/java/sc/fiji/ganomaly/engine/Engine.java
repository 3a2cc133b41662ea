package sc.fiji.ganomaly.engine;

import java.nio.file.Path;

/**
 * A deep-learning backend for GANomaly. It speaks only in float arrays and plain settings, so it
 * can live in its own class loader and never leak its library's types into the host.
 */
public interface Engine {

	/** Short name for logs, e.g. "TensorFlow 2.18.0 (CPU)". */
	String description();

	/** Builds a freshly initialised network, seeded by {@link NetworkSpec#seed()}. */
	TrainableNetwork create(NetworkSpec spec);

	/** Loads a network written by {@link TrainableNetwork#exportSavedModel(Path)}. */
	ScoringNetwork load(Path savedModel, NetworkSpec spec);
}
