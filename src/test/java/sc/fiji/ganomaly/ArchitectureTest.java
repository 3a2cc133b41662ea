package sc.fiji.ganomaly;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.Test;

/**
 * The package tree of docs/architecture.md, read from the sources: which package uses which (imports
 * and fully qualified names in code), no cycle between packages, the front ends on core's API
 * packages only, and files short enough to read in one sitting.
 */
public class ArchitectureTest {

	private static final String ROOT = "sc.fiji.ganomaly";
	/** The API packages: what the front ends may use of core. */
	static final Set<String> API = Set.of(ROOT + ".core", ROOT + ".core.api");
	static final Set<String> FRONT_ENDS = Set.of(ROOT + ".ij", ROOT + ".fiji", ROOT + ".cli", ROOT + ".spark");
	/** Lines a file may have without saying at its top why it needs more. */
	static final int MAX_LINES = 300;

	private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
	private static final Pattern USE = Pattern.compile("\\b(" + Pattern.quote(ROOT) + "(?:\\.[a-z]\\w*)*)\\.[A-Z]");

	/** Every main source file of the plugin and the Spark module. */
	static List<Path> sources() {
		List<Path> files = new ArrayList<>();
		for (String dir : new String[] { "src/main/java", "spark/src/main/java" }) {
			Path root = Path.of(dir);
			if (!Files.isDirectory(root)) continue;
			try (Stream<Path> walk = Files.walk(root)) {
				walk.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		}
		return files;
	}

	/** The code of a file without comments, string and character literals (which name packages without using them). */
	static String code(String source) {
		StringBuilder out = new StringBuilder(source.length());
		int n = source.length();
		for (int i = 0; i < n; i++) {
			char c = source.charAt(i);
			if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
				while (i < n && source.charAt(i) != '\n')
					i++;
				out.append('\n');
			}
			else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
				int end = source.indexOf("*/", i + 2);
				i = end < 0 ? n : end + 1;
				out.append(' ');
			}
			else if (c == '"' || c == '\'') {
				boolean block = c == '"' && source.startsWith("\"\"\"", i);
				String close = block ? "\"\"\"" : String.valueOf(c);
				i += block ? 3 : 1;
				while (i < n && !source.startsWith(close, i))
					i += source.charAt(i) == '\\' ? 2 : 1;
				i += close.length() - 1;
				out.append("\"\"");
			}
			else out.append(c);
		}
		return out.toString();
	}

	/** For each package, the packages of this project its code uses. */
	static Map<String, Set<String>> uses() throws IOException {
		Map<String, Set<String>> uses = new TreeMap<>();
		for (Path f : sources()) {
			String source = Files.readString(f);
			Matcher p = PACKAGE.matcher(source);
			assertTrue(f + " has no package", p.find());
			String from = p.group(1);
			Set<String> to = uses.computeIfAbsent(from, k -> new TreeSet<>());
			Matcher m = USE.matcher(code(source));
			while (m.find())
				if (!m.group(1).equals(from)) to.add(m.group(1));
		}
		return uses;
	}

	@Test
	public void noPackageDependsOnItselfThroughOthers() throws IOException {
		Map<String, Set<String>> uses = uses();
		for (String start : uses.keySet()) {
			List<String> cycle = cycleFrom(start, start, uses, new ArrayList<>(List.of(start)), new TreeSet<>());
			assertTrue("package cycle: " + cycle, cycle == null);
		}
		assertTrue("core has subpackages", uses.keySet().stream().filter(p -> p.startsWith(ROOT + ".core.")).count() >= 6);
	}

	@Test
	public void frontEndsUseOnlyCoresApi() throws IOException {
		List<String> wrong = new ArrayList<>();
		uses().forEach((from, to) -> {
			if (FRONT_ENDS.contains(from)) for (String p : to)
				if (p.startsWith(ROOT + ".core") && !API.contains(p)) wrong.add(from + " -> " + p);
		});
		assertEquals(List.of(), wrong);
	}

	@Test
	public void layersPointDown() throws IOException {
		List<String> wrong = new ArrayList<>();
		uses().forEach((from, to) -> {
			for (String p : to) {
				boolean fromEngine = from.startsWith(ROOT + ".engine"), fromCore = from.startsWith(ROOT + ".core");
				if (fromEngine && !p.startsWith(ROOT + ".engine")) wrong.add(from + " -> " + p);
				if (fromCore && !p.startsWith(ROOT + ".core") && !p.startsWith(ROOT + ".engine")) wrong.add(from + " -> " + p);
				if (fromCore && p.startsWith(ROOT + ".engine.")) wrong.add(from + " -> " + p + " (core sees only the " +
					"engine's interfaces)");
			}
		});
		assertEquals(List.of(), wrong);
	}

	/**
	 * The last column of docs/architecture.md's package tables names every package of this project
	 * that a package's code uses, and no other: core's packages by their last name ("api" for
	 * {@code core.api}), {@code core} in the front ends' rows for core's API packages; words for libraries
	 * are not checked.
	 */
	@Test
	public void thePackageTablesNameWhatEachPackageUses() throws IOException {
		Map<String, Set<String>> actual = uses(), documented = documentedUses();
		List<String> wrong = new ArrayList<>();
		documented.forEach((from, named) -> {
			Set<String> used = new TreeSet<>(actual.getOrDefault(from, Set.of()));
			if (!from.startsWith(ROOT + ".core") && named.contains(ROOT + ".core")) {
				// a front end's "core": the API packages, either or both
				named.remove(ROOT + ".core");
				used.removeAll(API);
			}
			Set<String> missing = new TreeSet<>(used), stale = new TreeSet<>(named);
			missing.removeAll(named);
			stale.removeAll(used);
			if (!missing.isEmpty()) wrong.add(from + " uses " + missing + ", which its row does not name");
			if (!stale.isEmpty()) wrong.add(from + "'s row names " + stale + ", which it does not use");
		});
		assertEquals(List.of(), wrong);
		assertTrue("rows read: " + documented.keySet(), documented.keySet().containsAll(Set.of(ROOT + ".fiji", ROOT +
			".cli", ROOT + ".ij", ROOT + ".engine", ROOT + ".core.train", ROOT + ".core.api", ROOT + ".core.math")));
	}

	/** For each package row of docs/architecture.md's tables, the packages of this project its last column names. */
	static Map<String, Set<String>> documentedUses() throws IOException {
		Map<String, Set<String>> rows = new TreeMap<>();
		Pattern row = Pattern.compile("^\\| `([a-z.]+)`( \\([^)]*\\))? \\|.*\\| ([^|]*) \\|$");
		for (String line : Files.readAllLines(Path.of("docs/architecture.md"))) {
			Matcher m = row.matcher(line);
			if (!m.matches() || m.group(3).equals("everything below") || line.contains("and its packages")) continue;
			String from = ROOT + "." + m.group(1);
			boolean inCore = from.startsWith(ROOT + ".core.");
			Set<String> named = new TreeSet<>();
			// the column's items, without what parentheses say of them
			for (String item : m.group(3).replaceAll("\\([^)]*\\)", "").split(",")) {
				String word = item.trim().replace("the engine's", "engine").split("[ `]")[0];
				if (word.equals("engine") || word.equals("ij") || word.equals("cli") || word.equals("core")) named.add(ROOT +
					"." + word);
				else if (inCore && word.matches("[a-z]+")) named.add(ROOT + ".core." + word);
			}
			rows.put(from, named);
		}
		return rows;
	}

	@Test
	public void longFilesSayWhyAtTheirTop() throws IOException {
		List<String> wrong = new ArrayList<>();
		for (Path f : sources()) {
			List<String> lines = Files.readAllLines(f);
			if (lines.size() <= MAX_LINES) continue;
			String top = String.join("\n", lines.subList(0, Math.min(lines.size(), 60)));
			if (!top.contains("Longer than " + MAX_LINES + " lines")) wrong.add(f + ": " + lines.size() + " lines");
		}
		assertEquals("files over " + MAX_LINES + " lines whose class comment does not say \"Longer than " + MAX_LINES +
			" lines because ...\"", List.of(), wrong);
	}

	@Test
	public void aCycleIsFound() {
		Map<String, Set<String>> uses = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
		assertEquals(List.of("a", "b", "c", "a"), cycleFrom("a", "a", uses, new ArrayList<>(List.of("a")), new TreeSet<>()));
		assertEquals(null, cycleFrom("d", "d", Map.of("d", Set.of("a"), "a", Set.of()), new ArrayList<>(List.of("d")),
			new TreeSet<>()));
	}

	/** A path from {@code at} back to {@code start}, or null. */
	private static List<String> cycleFrom(String start, String at, Map<String, Set<String>> uses, List<String> path,
		Set<String> seen)
	{
		for (String next : uses.getOrDefault(at, Set.of())) {
			if (next.equals(start)) {
				List<String> cycle = new ArrayList<>(path);
				cycle.add(next);
				return cycle;
			}
			if (!seen.add(next)) continue;
			path.add(next);
			List<String> found = cycleFrom(start, next, uses, path, seen);
			if (found != null) return found;
			path.remove(path.size() - 1);
		}
		return null;
	}
}
