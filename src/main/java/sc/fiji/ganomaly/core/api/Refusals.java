package sc.fiji.ganomaly.core.api;

/**
 * Refusals of bad input: an {@link IllegalArgumentException} whose message is one line "key:
 * reason", the key naming the parameter refused. The API names its own parameters ({@code input},
 * {@code image}); each front end renames such a refusal once to its own name of that parameter (an
 * option, a dialog's field).
 */
public final class Refusals {

	private Refusals() {}

	/** {@code e} as a refusal of {@code key}: its message prefixed "key: " unless it starts so already. */
	public static IllegalArgumentException of(String key, IllegalArgumentException e) {
		return refuses(e, key) ? e : new IllegalArgumentException(key + ": " + e.getMessage(), e);
	}

	/** Whether {@code e} is a refusal of {@code key}: its message starts "key: ". */
	public static boolean refuses(IllegalArgumentException e, String key) {
		return e.getMessage() != null && e.getMessage().startsWith(key + ": ");
	}

	/** {@code e}'s refusal of {@code key} as one of {@code as} ("key: …" as "as: …"); any other refusal as it is. */
	public static IllegalArgumentException renamed(IllegalArgumentException e, String key, String as) {
		return refuses(e, key) ? new IllegalArgumentException(as + ": " + e.getMessage().substring(key.length() + 2), e)
			: e;
	}
}
