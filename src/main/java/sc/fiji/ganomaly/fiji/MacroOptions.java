package sc.fiji.ganomaly.fiji;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The option string of an ImageJ 1.x macro call, {@code run("Score Anomalies", "image=[my cells]
 * model=/m.zip createmask")}, read as ImageJ reads it: {@code key=value} pairs, values with spaces
 * in square brackets (which may hold balanced brackets), and bare keys (a checked checkbox).
 */
final class MacroOptions {

	private final Map<String, String> values = new LinkedHashMap<>();

	private MacroOptions() {}

	/** Parses an option string; keys are lower-cased, a bare key maps to null. */
	static MacroOptions parse(String options) {
		MacroOptions o = new MacroOptions();
		if (options == null) return o;
		int i = 0, n = options.length();
		while (i < n) {
			while (i < n && Character.isWhitespace(options.charAt(i)))
				i++;
			if (i >= n) break;
			int keyStart = i;
			while (i < n && !Character.isWhitespace(options.charAt(i)) && options.charAt(i) != '=')
				i++;
			String key = options.substring(keyStart, i).toLowerCase(Locale.ROOT);
			String value = null;
			if (i < n && options.charAt(i) == '=') {
				i++;
				if (i < n && options.charAt(i) == '[') {
					int close = closing(options, i);
					value = options.substring(i + 1, close);
					i = Math.min(n, close + 1);
				}
				else {
					int start = i;
					while (i < n && !Character.isWhitespace(options.charAt(i)))
						i++;
					value = options.substring(start, i);
				}
			}
			o.values.putIfAbsent(key, value);
		}
		return o;
	}

	/**
	 * Where the bracket opened at {@code open} closes, brackets within counted as ImageJ's
	 * {@code Macro.getValue} counts them (a title {@code cells [1].tif} is recorded as
	 * {@code [cells [1].tif]}); the end of the options if it never does.
	 */
	private static int closing(String options, int open) {
		int depth = 0;
		for (int i = open; i < options.length(); i++) {
			char c = options.charAt(i);
			if (c == '[') depth++;
			else if (c == ']' && --depth == 0) return i;
		}
		return options.length();
	}

	boolean has(String key) {
		return values.containsKey(key);
	}

	/** The value of a key; null for a bare key or a missing one. */
	String value(String key) {
		return values.get(key);
	}

	Iterable<String> keys() {
		return values.keySet();
	}
}
