package sc.fiji.ganomaly.core.api;

import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refusals of bad input: an {@link IllegalArgumentException} whose message is one line "key:
 * reason", the key naming the parameter refused. The API names its own parameters ({@code input},
 * {@code image}); each front end renames such a refusal once to its own name of that parameter (an
 * option, a dialog's field).
 */
public final class Refusals {

	/**
	 * A setting's name as the API spells it ({@code patchSize}): two or more words, camel case,
	 * standing as a word of the message's prose (after its start, a space or a parenthesis; before
	 * its end, a space or punctuation), not inside a path or an option the user typed.
	 */
	private static final Pattern SETTING = Pattern.compile("(?<![^ (])[a-z]+(?:[A-Z][a-z]+)+(?=$|[ ,.;:)])");

	private Refusals() {}

	/**
	 * {@code message} with each setting it names in the API's spelling ({@code patchSize}) replaced by
	 * {@code rename} of it: a front end's or a file's name of the setting.
	 */
	public static String renameSettings(String message, UnaryOperator<String> rename) {
		return SETTING.matcher(message).replaceAll(m -> Matcher.quoteReplacement(rename.apply(m.group())));
	}

	/** The lower-case words of a camel-case setting joined by {@code separator}: patchSize, "-": "patch-size". */
	public static String words(String setting, String separator) {
		return setting.replaceAll("([A-Z])", separator + "$1").toLowerCase(Locale.ROOT);
	}

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
