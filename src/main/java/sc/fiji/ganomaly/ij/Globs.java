package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Globs of image files ({@code /data/*.tif}, {@code /data/**}{@code /*.tif}) as the front ends' inputs take them. */
final class Globs {

	/** Most {@code **}{@code /} of one glob (2^n patterns are matched). */
	static final int MAX_FOLDER_STARS = 6;

	private Globs() {}

	/** Whether {@code word} holds a wildcard: * ? [ or {. */
	static boolean isGlob(String word) {
		return word.indexOf('*') >= 0 || word.indexOf('?') >= 0 || word.indexOf('[') >= 0 || word.indexOf('{') >= 0;
	}

	/**
	 * The image files matching a glob, sorted: files of an image's name ({@link ImageFiles#isImageName};
	 * {@code /data/*} leaves out the CSV and model files beside the images); the folders before the
	 * first wildcard are walked, and folders that match are not read (a glob of folders alone is
	 * refused, naming a glob of their images). As in bash's globstar, {@code **}{@code /} also matches
	 * no folder ({@code /data/**}{@code /*.tif} holds {@code /data/a.tif}); hidden files and folders
	 * are left out unless the pattern names them.
	 */
	static List<Path> matches(String pattern, String option) {
		String absPattern = pattern.startsWith("/") ? pattern : Paths.get("").toAbsolutePath() + "/" + pattern;
		// **/**/ matches what **/ does; each further **/ doubles the patterns matched
		while (absPattern.contains("/**/**/"))
			absPattern = absPattern.replace("/**/**/", "/**/");
		int stars = absPattern.split("/\\*\\*/", -1).length - 1;
		if (stars > MAX_FOLDER_STARS) throw new IllegalArgumentException(option + ": the glob " + pattern + " holds " +
			stars + " folder wildcards (**/); at most " + MAX_FOLDER_STARS + " are taken");
		int wildcard = firstWildcard(absPattern);
		int slash = absPattern.lastIndexOf('/', wildcard);
		Path base = Paths.get(slash <= 0 ? "/" : absPattern.substring(0, slash));
		String rest = absPattern.substring(slash + 1);
		int depth = rest.contains("**") ? Integer.MAX_VALUE : rest.split("/").length;
		List<java.nio.file.PathMatcher> matchers = new ArrayList<>();
		for (String variant : withoutFolderStars(absPattern))
			try {
				matchers.add(java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + variant));
			}
			catch (java.util.regex.PatternSyntaxException e) { // its message spans lines and points into a regex
				String why = e.getDescription().replace("'", "").toLowerCase(java.util.Locale.ROOT);
				throw new IllegalArgumentException(option + ": " + pattern + " is no file, and no glob either (" + why +
					"); a name holding [ or { is taken as typed only when that file exists");
			}
		boolean hiddenAsked = rest.startsWith(".") || rest.contains("/.");
		if (!Files.isDirectory(base)) throw new IllegalArgumentException(option + ": " + base + " (of " + pattern +
			") is not a folder");
		try (Stream<Path> walk = Files.walk(base, depth)) {
			List<Path> matched = walk.filter(f -> !f.equals(base)).filter(f -> matchers.stream().anyMatch(m -> m.matches(f)))
				.filter(f -> hiddenAsked || !hidden(base.relativize(f))).sorted().toList();
			List<Path> images = matched.stream().filter(f -> !Files.isDirectory(f) && ImageFiles.isImageName(f)).toList();
			if (!images.isEmpty()) return images;
			List<Path> folders = matched.stream().filter(Files::isDirectory).toList();
			if (!folders.isEmpty()) throw new IllegalArgumentException(option + ": no image file matches " + pattern +
				", only the folder(s) " + folders.stream().map(f -> f.getFileName().toString()).collect(java.util.stream
					.Collectors.joining(", ")) + "; give " + (folders.size() == 1 ? "it" : "them") + ", or a glob of " +
				"their images such as '" + pattern + "/*.tif'");
			throw new IllegalArgumentException(option + ": no " + (matched.isEmpty() ? "file" : "image file") + " matches " +
				pattern);
		}
		catch (IOException | java.io.UncheckedIOException e) {
			throw new IllegalArgumentException(option + ": cannot list " + base + ": " + e.getMessage());
		}
	}

	/** {@code pattern} and the patterns it gives with any of its {@code **}{@code /} that stand for folders left out. */
	private static List<String> withoutFolderStars(String pattern) {
		List<String> variants = new ArrayList<>(List.of(pattern));
		for (int i = pattern.indexOf("**/"); i >= 0; i = pattern.indexOf("**/", i + 3)) {
			if (i > 0 && pattern.charAt(i - 1) != '/') continue; // run**/: a * within a name, as in bash
			for (String v : List.copyOf(variants)) {
				int at = v.length() - (pattern.length() - i); // the same place, counted from the end
				variants.add(v.substring(0, at) + v.substring(at + 3));
			}
		}
		return variants;
	}

	/** Whether a name of {@code relative} (a path below a glob's folder) starts with a dot. */
	private static boolean hidden(Path relative) {
		for (Path name : relative)
			if (name.toString().startsWith(".")) return true;
		return false;
	}

	private static int firstWildcard(String s) {
		int i = Integer.MAX_VALUE;
		for (char c : new char[] { '*', '?', '[', '{' }) {
			int k = s.indexOf(c);
			if (k >= 0) i = Math.min(i, k);
		}
		return i;
	}
}
