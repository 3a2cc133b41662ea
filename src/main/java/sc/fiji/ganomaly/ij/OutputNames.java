package sc.fiji.ganomaly.ij;

import java.io.Serializable;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * How a batch names what it writes for each input: by the input's path below the deepest folder that
 * holds every input, with / between folders ({@code A01/s1.tif} and {@code A02/s1.tif} of a plate,
 * their maps {@code A01/s1_anomaly.tif} and {@code A02/s1_anomaly.tif} in the output folder). Inputs of
 * one folder keep their file names.
 *
 * @param root that folder, absolute
 */
public record OutputNames(String root) implements Serializable {

	/** The names of a batch of {@code inputs} (absolute and normalised, as {@link ScoreBatch#distinct} makes them). */
	public static OutputNames of(List<Path> inputs) {
		Path root = null;
		boolean first = true;
		for (Path input : inputs) {
			Path folder = input.toAbsolutePath().normalize().getParent();
			if (first) root = folder;
			first = false;
			while (root != null && (folder == null || !folder.startsWith(root)))
				root = root.getParent();
		}
		// no folder in common (drives of Windows): file names, which ScoreBatch.checkNames keeps apart
		return new OutputNames(root == null ? "" : root.toString());
	}

	/** The name of {@code input} in scores.csv: its path below the root, with / between folders. */
	public String name(Path input) {
		Path relative = relative(input);
		StringBuilder s = new StringBuilder();
		for (Path part : relative)
			s.append(s.length() == 0 ? "" : "/").append(part);
		return s.toString();
	}

	/** The folder below {@code output} where the outputs of {@code input} go: {@code output} itself for a file of the root. */
	public Path folder(Path output, Path input) {
		Path parent = relative(input).getParent();
		return parent == null ? output : output.resolve(parent.toString());
	}

	/** Where the map of {@code input} goes in {@code output}. */
	public Path map(Path output, ImageFiles.Input input) {
		return MapFiles.file(folder(output, input.file()), input);
	}

	private Path relative(Path input) {
		Path abs = input.toAbsolutePath().normalize();
		return root.isEmpty() || !abs.startsWith(Paths.get(root)) ? abs.getFileName() : Paths.get(root).relativize(abs);
	}
}
