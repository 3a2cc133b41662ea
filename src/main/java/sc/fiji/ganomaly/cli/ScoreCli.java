package sc.fiji.ganomaly.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import sc.fiji.ganomaly.ij.ScoreBatch;
import sc.fiji.ganomaly.ij.ScoreFiles;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.Shutdown;

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
		  --threshold T       calibrated score above which a plane is anomalous, or 'model' (default:
		                      the model's)
		  --score NAME        model (the model's own, the default), texture, combined, latent,
		                      residual or density
		  --channels C,...    use only these 1-based channels (default: the model's: images like
		                      those trained on give the channels that training's --channels
		                      picked, recorded in the model; else all)
		  --maps KIND         float (default), 16bit (half the size: scores -8 to 123.07 in steps of 0.002,
		                      the scale stored as the TIFF's ImageJ calibration) or none (CSV only)
		  --threads N         threads of the network (TensorFlow) and of the texture score
		                      (default 0: automatic, every core)
		  --precision P       float32 (default) or bfloat16: about 3x faster on CPUs with AVX512_BF16
		                      or AMX, maps within the tolerance of docs/benchmarks.md; refused elsewhere
		  --resume            continue an interrupted run in DIR (same inputs, model and options):
		                      finished rows and map planes are kept, the rest is scored
		  --stop-at-first-failure
		                      end with exit code 2 at the first input that cannot be scored (default:
		                      list it in DIR/failures.csv, score the others, exit code 3)

		Planes are scored a few at a time (small ones together, up to 512 x 512 pixels; a larger one
		alone), their map planes written and their rows appended to scores.csv before the next are
		read, so stacks of any size score with little memory; progress goes to standard error.
		Maps appear under their names only when complete.
		""";

	private static final Set<String> FLAGS = Set.of(ScoreOptions.RESUME, "stop-at-first-failure");

	private ScoreCli() {}

	/** Scores; returns the exit code: 0, or {@value ScoreBatch#SOME_FAILED} when some inputs could not be scored. */
	static int run(String[] args, PrintStream out, PrintStream err) {
		Options o = Options.parse(args, ScoreOptions.NAMES, FLAGS);
		ScoreOptions options = ScoreOptions.of(o); // every option checked before the model loads
		Path output = options.output();
		List<Path> files = options.files();
		// a network the asked score does not use is not loaded (TensorFlow's start-up, about a second)
		try (GanomalyModel model = GanomalyModel.load(options.model(), options.threads().orElse(0), options.precision(),
			options.score()))
		{
			ScoreFiles.Settings settings = options.settings(model.info());
			OutputChecks.outputFolder(output); // made once every option is known to be good
			// the precision used, not as asked, so that a resumed run with another environment is refused
			ScoreBatch.Request request = new ScoreBatch.Request(files, options.model(), model.precision(), settings,
				output, options.resume(), o.has("stop-at-first-failure"), "--input");
			JitWarmUp.start(model, settings.score(), files);
			// Ctrl-C or SIGTERM ends the JVM at once (the planes finished are kept, of a stack too): say how to go on,
			// on a line of its own (the progress line may have no end yet)
			Runnable interrupted = () -> err.println("\nganomaly score: interrupted; what was scored is kept in " + output +
				": run the same command with --resume to score the rest");
			Shutdown.afterWork(interrupted);
			ScoreBatch.Summary s;
			ScoringProgress progress = new ScoringProgress(err);
			try {
				s = ScoreBatch.run(model, request, progress);
			}
			finally {
				progress.end(); // a failure's line or the summary starts a line of its own
				Shutdown.forget(interrupted);
			}
			out.println("scored " + s.files() + " file(s), " + s.planes() + " plane(s)" + (s.resumedPlanes() > 0 ? " (" +
				s.resumedPlanes() + " of them by the earlier run)" : "") + "; wrote " + output.resolve(ScoreBatch.SCORES));
			if (s.failures().isEmpty()) return 0;
			err.println("ganomaly score: " + s.failures().size() + " file(s) could not be scored; see " +
				output.resolve(ScoreBatch.FAILURES));
			return ScoreBatch.SOME_FAILED;
		}
	}
}
