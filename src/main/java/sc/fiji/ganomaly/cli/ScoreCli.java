package sc.fiji.ganomaly.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import ij.io.FileSaver;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.PlaneScore;
import sc.fiji.ganomaly.core.ProgressListener;
import sc.fiji.ganomaly.core.ScoreCalibration;
import sc.fiji.ganomaly.ij.ImageFiles;
import sc.fiji.ganomaly.ij.ImagePlusScorer;

/** {@code ganomaly score}: anomaly maps and a CSV of scores for images. */
final class ScoreCli {

	static final String HELP = """
		usage: ganomaly score --input PATH... --model FILE --output DIR [options]

		Scores images with a trained model. Writes DIR/scores.csv (file,slice,score,anomalous: one
		row per image or stack plane) and DIR/<name>_anomaly.tif, a 32-bit map of the same width,
		height and slices, where each pixel is the mean calibrated score of the patches covering it
		(0 = median normal patch, 1 = 99th percentile of normal patches).

		  --input PATH...     images or folders (required)
		  --model FILE        model file (required)
		  --output DIR        output folder, created if needed (required)
		  --stride N          window step in pixels (default: patch size / 4)
		  --threshold T       calibrated score above which an image is anomalous (default: the model's)
		  --score NAME        latent, residual or density (default: the model's)
		  --channels C,...    use only these 1-based channels, as in training (default: all)
		  --threads N         TensorFlow threads (default 0: automatic)
		  --precision P       float32 (default) or bfloat16: about 3x faster on CPUs with AVX512_BF16
		                      or AMX, maps within the tolerance of docs/benchmarks.md; refused elsewhere
		""";

	private static final Set<String> OPTIONS = Set.of("input", "model", "output", "stride", "threshold", "channels",
		"threads", "score", "precision");

	private ScoreCli() {}

	static void run(String[] args, PrintStream out) {
		Options o = Options.parse(args, OPTIONS, Set.of());
		Path output = o.path("output");
		List<Path> files = ImageFiles.files(o.paths("input"), "--input");
		List<Integer> channels = ImageFiles.parseChannels(o.all("channels"));
		OutputChecks.outputFolder(output);
		try (GanomalyModel loaded = GanomalyModel.load(o.path("model"), o.integer("threads", 0),
			o.get("precision", null))) {
			GanomalyModel model = loaded.withScore(o.get("score", loaded.scoreName()));
			int stride = o.integer("stride", Math.max(1, model.patchSize() / 4));
			double threshold = ScoreCalibration.checkThreshold(o.number("threshold", model.threshold()), "--threshold");
			Path csv = output.resolve("scores.csv");
			try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
				w.write("file,slice,score,anomalous\n");
				for (Path file : files) {
					ImageFiles.Input input = ImageFiles.open(file, "--input");
					ImagePlusScorer.Result r = ImagePlusScorer.score(model, input.image(), stride,
						p -> ImageFiles.selectChannels(p, channels, file.getFileName().toString()), ProgressListener.NONE);
					for (int i = 0; i < r.scores().size(); i++) {
						PlaneScore s = r.scores().get(i);
						w.write(String.format(Locale.ROOT, "%s,%d,%.6f,%b%n", csvField(file.getFileName().toString()),
							r.planes().get(i).index(), s.score(), s.score() > threshold));
					}
					Path map = output.resolve(input.baseName() + "_anomaly.tif");
					if (!saveTiff(r, map)) throw new UncheckedIOException(new IOException("could not write " + map));
					out.println(file.getFileName() + ": " + r.scores().size() + " plane(s), max score " +
						String.format(Locale.ROOT, "%.3f", r.scores().stream().mapToDouble(PlaneScore::score).max().orElse(0)));
				}
			}
			catch (IOException e) {
				throw new UncheckedIOException("could not write " + csv + ": " + e.getMessage(), e);
			}
			out.println("wrote " + csv);
		}
	}

	private static boolean saveTiff(ImagePlusScorer.Result r, Path file) {
		FileSaver saver = new FileSaver(r.anomalyMap());
		return r.anomalyMap().getStackSize() > 1 ? saver.saveAsTiffStack(file.toString())
			: saver.saveAsTiff(file.toString());
	}

	/** Quotes a CSV field when it holds a comma, quote or line break. */
	static String csvField(String s) {
		if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
		return '"' + s.replace("\"", "\"\"") + '"';
	}
}
