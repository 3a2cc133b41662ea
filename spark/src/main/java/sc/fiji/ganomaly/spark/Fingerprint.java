package sc.fiji.ganomaly.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sc.fiji.ganomaly.core.ModelFiles;
import sc.fiji.ganomaly.ij.OutputNames;
import sc.fiji.ganomaly.ij.ScoreFiles;

/**
 * What a Spark scoring run's parts depend on, the lines of {@code DIR/.ganomaly-spark/run.txt}: a
 * resumed run must have the same (the inputs' sizes and modification times are checked per input by
 * the plan step, {@link Parts#keepIfSameInput}).
 *
 * @param model    the model file's size and SHA-256 (a copy of it elsewhere is the same model)
 * @param settings stride, threshold, score, channels, maps, band size and precision
 * @param inputs   the inputs' absolute paths, in order
 */
record Fingerprint(String model, String settings, List<String> inputs) {

	private static final String MODEL = "model ", SETTINGS = "settings ", INPUTS = "inputs ";

	/** The lines of run.txt. */
	List<String> lines() {
		List<String> lines = new ArrayList<>(List.of(MODEL + model, SETTINGS + settings, INPUTS + inputs.size()));
		lines.addAll(inputs);
		return lines;
	}

	/** The fingerprint in {@code lines}, or null if they are not one. */
	static Fingerprint parse(List<String> lines) {
		if (lines.size() < 3 || !lines.get(0).startsWith(MODEL) || !lines.get(1).startsWith(SETTINGS) || !lines
			.get(2).startsWith(INPUTS)) return null;
		return new Fingerprint(lines.get(0).substring(MODEL.length()), lines.get(1).substring(SETTINGS.length()),
			lines.subList(3, lines.size()));
	}

	/** What differs from {@code earlier}, as the end of a sentence; null if nothing does. */
	String difference(Fingerprint earlier) {
		if (earlier == null) return "was made by another version of ganomaly-spark";
		if (!model.equals(earlier.model)) return "used another model file or version of it (" + earlier.model +
			"; now " + model + ")";
		if (!settings.equals(earlier.settings)) return "used other settings (" + earlier.settings + "; now " +
			settings + ")";
		if (!inputs.equals(earlier.inputs)) return "used other inputs (" + earlier.inputs.size() +
			" file(s); now " + inputs.size() + ")";
		return null;
	}

	/** The fingerprint of a run; reads the whole model file (its SHA-256). */
	static Fingerprint of(List<Path> files, OutputNames names, ScoreFiles.Settings s, Path model, int planesPerTask,
		String precision)
	{
		String modelLine;
		try {
			modelLine = Files.size(model) + " bytes, sha256 " + ModelFiles.sha256(model);
		}
		catch (IOException e) {
			throw new IllegalArgumentException("--model: cannot read " + model + ": " + e.getMessage());
		}
		String settings = String.format(Locale.ROOT, "stride %d, threshold %s, score %s, channels %s, maps %s, " +
			"planes-per-task %d, precision %s, outputs named below %s", s.stride(), Double.toString(s.threshold()), s
				.score().id(), s.channels().isEmpty() ? "all" : s.channels(), s.maps().option(), planesPerTask,
			precision, names.root());
		return new Fingerprint(modelLine, settings, files.stream().map(f -> f.toAbsolutePath().toString()).toList());
	}
}
