package sc.fiji.ganomaly.engine;

/**
 * A SavedModel that GANomaly refuses to hand to the engine's library: its graph does something
 * GANomaly's own networks never do. The message says what, for a line "model: FILE is not a valid
 * GANomaly model file: MESSAGE".
 */
public class InvalidModelException extends EngineException {

	public InvalidModelException(String message) {
		super(message);
	}

	public InvalidModelException(String message, Throwable cause) {
		super(message, cause);
	}
}
