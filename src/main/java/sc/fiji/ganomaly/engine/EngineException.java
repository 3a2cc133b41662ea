package sc.fiji.ganomaly.engine;

/** A failure inside the engine, with a message fit for users. */
public class EngineException extends RuntimeException {

	public EngineException(String message) {
		super(message);
	}

	public EngineException(String message, Throwable cause) {
		super(message, cause);
	}
}
