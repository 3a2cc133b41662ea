package sc.fiji.ganomaly.cli;

import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.ScoreParameters;
import sc.fiji.ganomaly.ij.ImageFiles;
import sc.fiji.ganomaly.ij.MapFiles;
import sc.fiji.ganomaly.ij.ScoreFiles;

/** {@code ganomaly score}: anomaly maps and a CSV of scores for images. */
final class ScoreCli {

	static final String HELP = """
		usage: ganomaly score --input PATH... --model FILE --output DIR [options]

		Scores images with a trained model. Writes DIR/scores.csv (file,slice,score,anomalous: one
		row per image or stack plane) and DIR/<name>_anomaly.tif, a 32-bit map of the same width,
		height and slices. Map values are on each plane's calibrated scale: 1 is the threshold
		that flags the model's share of normal planes (1 % by default) for a plane of that size;
		a plane's score is its map's maximum. (Models written before scores were calibrated per
		plane: 0 = median normal patch, 1 = 99th percentile of normal patches.)

		  --input PATH...     images, folders, globs ('/data/*.tif') or @list.txt (required)
		  --model FILE        model file (required)
		  --output DIR        output folder, created if needed (required)
		  --stride N          window step in pixels (default 0: patch size / 4)
		  --threshold T       calibrated score above which an image is anomalous, or 'model' (default:
		                      the model's)
		  --score NAME        texture, latent, residual or density (default: the model's)
		  --channels C,...    use only these 1-based channels, as in training (default: all)
		  --maps KIND         float (default), 16bit (half the size: scores -8 to 123.07 in steps of 0.002,
		                      the scale stored as the TIFF's ImageJ calibration) or none (CSV only)
		  --threads N         TensorFlow threads (default 0: automatic)
		  --precision P       float32 (default) or bfloat16: about 3x faster on CPUs with AVX512_BF16
		                      or AMX, maps within the tolerance of docs/benchmarks.md; refused elsewhere
		""";

	private static final Set<String> OPTIONS = Set.of("input", "model", "output", "stride", "threshold", "channels",
		"maps", "threads", "score", "precision");

	private ScoreCli() {}

	static void run(String[] args, PrintStream out) {
		Options o = Options.parse(args, OPTIONS, Set.of());
		Path output = o.path("output");
		o.paths("input"); // required
		List<Path> files = ImageFiles.expand(o.all("input"), "--input");
		List<Integer> channels = ImageFiles.parseChannels(o.all("channels"));
		MapFiles.Kind maps = MapFiles.Kind.parse(o.get("maps", MapFiles.Kind.FLOAT.option()), "--maps");
		OutputChecks.outputFolder(output);
		try (GanomalyModel model = GanomalyModel.load(o.path("model"), o.integer("threads", 0), o.precision())) {
			ScoreFiles.Settings settings = ScoreFiles.Settings.of(model, o.integer("stride", ScoreParameters.DEFAULT_STRIDE),
				o.get("threshold", ScoreParameters.MODEL_THRESHOLD), o.get("score", null), channels, maps);
			Path csv = output.resolve("scores.csv");
			MapFiles.writeAtomically(csv, tmp -> {
				try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
					w.write(ScoreFiles.CSV_HEADER + "\n");
					for (Path file : files) {
						ScoreFiles.FileResult r = ScoreFiles.scoreFile(model, file, settings, output, "--input");
						for (String row : r.rows())
							w.write(row + "\n");
						out.println(file.getFileName() + ": " + r.planes() + " plane(s), max score " +
							String.format(Locale.ROOT, "%.3f", r.maxScore()));
					}
				}
			});
			out.println("wrote " + csv);
		}
	}
}
