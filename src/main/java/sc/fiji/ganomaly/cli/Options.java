package sc.fiji.ganomaly.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sc.fiji.ganomaly.core.api.Refusals;
import sc.fiji.ganomaly.ij.ImageFiles;

/**
 * Parsed {@code --name value...} options. An option takes every following word up to the next
 * option, so {@code --input a.tif b.tif} gives two values; {@code --name=value} works too.
 */
public final class Options {

	private final Map<String, List<String>> values = new LinkedHashMap<>();

	/**
	 * A setting or parameter of one word that a refusal begins with ({@code epochs must be positive, not 0},
	 * {@code model: file m.zip does not exist}).
	 */
	static final java.util.regex.Pattern FIRST_SETTING = java.util.regex.Pattern.compile("^[a-z]+(?= must |: )");

	/**
	 * {@code message} with each setting it names in the API's spelling ({@code patchSize}, or a word
	 * it begins with: {@code epochs must …}, {@code model: …}) spelled as the option of {@code options}
	 * that sets it ({@code --patch-size}, {@code --epochs}, {@code --model}), so that a refusal names what
	 * the user typed.
	 */
	public static String spelled(String message, Set<String> options) {
		if (message == null) return null;
		java.util.regex.Matcher first = FIRST_SETTING.matcher(message);
		if (first.find() && options.contains(first.group())) message = "--" + message;
		return Refusals.renameSettings(message, setting -> {
			String option = Refusals.words(setting, "-");
			return options.contains(option) ? "--" + option : setting;
		});
	}

	/** Parses {@code args}, refusing options not in {@code known} (flags take no value). */
	public static Options parse(String[] args, Set<String> known, Set<String> flags) {
		Options o = new Options();
		String current = null;
		for (String arg : args) {
			if (arg.startsWith("--")) {
				String name = arg.substring(2), value = null;
				int eq = name.indexOf('=');
				if (eq >= 0) {
					value = name.substring(eq + 1);
					name = name.substring(0, eq);
				}
				if (!known.contains(name) && !flags.contains(name)) throw new UsageException("unknown option --" + name);
				o.values.computeIfAbsent(name, k -> new ArrayList<>());
				if (value != null) o.values.get(name).add(nonBlank(name, value));
				current = flags.contains(name) || value != null ? null : name;
				continue;
			}
			if (current == null) throw new UsageException("unexpected argument '" + arg + "'");
			o.values.get(current).add(nonBlank(current, arg));
		}
		for (Map.Entry<String, List<String>> e : o.values.entrySet())
			if (known.contains(e.getKey()) && e.getValue().isEmpty())
				throw new UsageException("--" + e.getKey() + " needs a value");
		return o;
	}

	/**
	 * {@code value} of {@code --name}, refused if blank: an empty path would be the current folder (whose
	 * files a run would write over), and a script's unset variable gives one. An empty {@code --channels}
	 * is every channel, as no value there is.
	 */
	private static String nonBlank(String name, String value) {
		if (value.isBlank() && !name.equals("channels")) throw new UsageException("--" + name + " is given an empty value; give its value (a " +
			"script's variable that is not set gives an empty one)");
		return value;
	}

	/** True if option {@code --name} (or flag) was given. */
	public boolean has(String name) {
		return values.containsKey(name);
	}

	/** Every value of {@code --name}, in order; empty if it was not given. */
	public List<String> all(String name) {
		return values.getOrDefault(name, List.of());
	}

	/** The single value of {@code --name}; a usage error if it was not given. */
	public String required(String name) {
		if (!has(name)) throw new UsageException("--" + name + " is required");
		return single(name);
	}

	/** The single value of {@code --name}, {@code fallback} if it was not given. */
	public String get(String name, String fallback) {
		return has(name) ? single(name) : fallback;
	}

	/** The required {@code --name} as a path of the file system (a URL is refused). */
	public Path path(String name) {
		String value = required(name);
		if (value.matches("[A-Za-z][A-Za-z0-9+.-]+://.*")) throw new UsageException("--" + name + ": " + value +
			" is a URL; give a path of the file system (on a cluster, a shared file system mounted at the same path on " +
			"every node)");
		return Paths.get(value);
	}

	/** The values of a required {@code --name} as paths. */
	public List<Path> paths(String name) {
		if (!has(name)) throw new UsageException("--" + name + " is required");
		return all(name).stream().map(Paths::get).toList();
	}

	/** The image files of a required PATH... option: files, folders, quoted globs and @lists ({@link ImageFiles#expand}). */
	public List<Path> images(String name) {
		if (!has(name)) throw new UsageException("--" + name + " is required");
		return ImageFiles.expand(all(name), "--" + name);
	}

	/** A whole-number option of int's range, {@code fallback} if absent. */
	public int integer(String name, int fallback) {
		long value = wholeNumber(name, fallback);
		if (value != (int) value) throw new UsageException("--" + name + " must be a whole number from " + Integer
			.MIN_VALUE + " to " + Integer.MAX_VALUE + ", not " + value);
		return (int) value;
	}

	/** A whole-number option, {@code fallback} if absent. */
	public long wholeNumber(String name, long fallback) {
		if (!has(name)) return fallback;
		try {
			return Long.parseLong(single(name));
		}
		catch (NumberFormatException e) {
			throw new UsageException("--" + name + " must be a whole number, not '" + single(name) + "'");
		}
	}

	/** A number option, {@code fallback} if absent. */
	public double number(String name, double fallback) {
		if (!has(name)) return fallback;
		try {
			return Double.parseDouble(single(name));
		}
		catch (NumberFormatException e) {
			throw new UsageException("--" + name + " must be a number, not '" + single(name) + "'");
		}
	}

	private String single(String name) {
		List<String> v = all(name);
		if (v.size() != 1) throw new UsageException("--" + name + " takes one value, not " + v.size());
		return v.get(0);
	}

	/** {@code --precision}, checked: float32 or bfloat16, or null if not given (the JVM-wide setting). */
	public String precision() {
		String precision = get("precision", null);
		if (precision == null) return null;
		try {
			return sc.fiji.ganomaly.engine.Precision.check(precision);
		}
		catch (IllegalArgumentException e) {
			throw new UsageException("--precision: " + e.getMessage());
		}
	}
}
