package sc.fiji.ganomaly.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import sc.fiji.ganomaly.ij.ImageChannels;
import sc.fiji.ganomaly.ij.ImageFiles;
import sc.fiji.ganomaly.ij.ImagePlusScorer;
import sc.fiji.ganomaly.ij.MapFiles;
import sc.fiji.ganomaly.ij.ScoreFiles;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.Metrics;
import sc.fiji.ganomaly.core.ScoreParameters;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.Refusals;
import sc.fiji.ganomaly.core.api.ScoreKind;

/** {@code ganomaly evaluate}: image-level ROC AUC, PR AUC and best F1 on labelled images. */
final class EvaluateCli {

	static final String HELP = """
		usage: ganomaly evaluate --normal PATH... --anomalous PATH... --model FILE [options]

		Scores known normal and anomalous images (every stack plane is one sample; its score is
		the maximum of its anomaly map) and prints ROC AUC, PR AUC (average precision), the best F1
		and how many planes of each kind lie above the model's threshold. Use normal images the
		model was not trained on: training planes score lower than new normal planes.

		  --normal PATH...     normal images, folders, globs or @list.txt (required)
		  --anomalous PATH...  anomalous images, folders, globs or @list.txt (required)
		  --model FILE         model file (required)
		  --stride N           window step in pixels (default 0: patch size / 4)
		  --score NAME         model (the model's own, the default), texture, combined, latent,
		                       residual or density
		  --channels C,...     use only these 1-based channels (default: the model's: images like
		                       those trained on give the channels that training's --channels
		                       picked; else all)
		  --threads N          threads of the network (TensorFlow) and of the texture score
		                       (default 0: automatic, every core)
		""";

	static final Set<String> OPTIONS = Set.of("normal", "anomalous", "model", "stride", "channels", "threads",
		"score");

	private EvaluateCli() {}

	/** A file given as normal and as anomalous would be counted on both sides of every metric. */
	static void refuseOnBothSides(List<Path> normal, List<Path> anomalous) {
		java.util.Set<Path> normals = new java.util.HashSet<>();
		for (Path f : normal)
			normals.add(f.toAbsolutePath().normalize());
		for (Path f : anomalous)
			if (normals.contains(f.toAbsolutePath().normalize())) throw new IllegalArgumentException("--anomalous: " + f +
				" is given as --normal too; each image belongs to one side");
	}

	static void run(String[] args, PrintStream out) {
		Options o = Options.parse(args, OPTIONS, Set.of());
		List<Path> normal = o.images("normal");
		List<Path> anomalous = o.images("anomalous");
		refuseOnBothSides(normal, anomalous);
		List<Integer> channels = ImageChannels.parse(o.all("channels"));
		ScoreKind asked = ScoreFiles.score(o.get("score", null), "--");
		try (GanomalyModel loaded = GanomalyModel.load(o.path("model"), ScoreParameters.threads(o.integer("threads", 0), "--threads"), null, asked)) {
			ScoreFiles.Settings settings = ScoreFiles.Settings.of(loaded.info(), o.integer("stride",
				ScoreParameters.DEFAULT_STRIDE), null, asked, channels, MapFiles.Kind.NONE);
			GanomalyModel model = settings.applyTo(loaded);
			int stride = settings.stride();
			JitWarmUp.start(model, model.score(), java.util.stream.Stream.concat(normal.stream(), anomalous
				.stream()).toList());
			float[] n = scores(model, normal, stride, channels, "--normal");
			float[] a = scores(model, anomalous, stride, channels, "--anomalous");
			out.printf(Locale.ROOT, "normal samples: %d%nanomalous samples: %d%n", n.length, a.length);
			out.printf(Locale.ROOT, "ROC AUC: %.4f%nPR AUC: %.4f%nbest F1: %.4f%n", Metrics.rocAuc(n, a),
				Metrics.prAuc(n, a), Metrics.bestF1(n, a));
			double t = model.threshold(), rate = model.falsePositiveRate();
			out.printf(Locale.ROOT, "score: %s, threshold %.4g%s%n", model.score().id(), t, Double.isNaN(rate) ? ""
				: String.format(Locale.ROOT, " (aims to flag %.3g %% of normal planes)", 100 * rate));
			out.printf(Locale.ROOT, "normal planes above the threshold: %d of %d%nanomalous planes above the threshold: " +
				"%d of %d%n", above(n, t), n.length, above(a, t), a.length);
		}
	}

	private static int above(float[] scores, double threshold) {
		int k = 0;
		for (float s : scores)
			if (ScoreParameters.isAnomalous(s, threshold)) k++;
		return k;
	}

	private static float[] scores(GanomalyModel model, List<Path> files, int stride, List<Integer> channels,
		String option)
	{
		List<Float> scores = new ArrayList<>();
		for (Path file : files) {
			ImageFiles.Input input = ImageFiles.openLazily(file, option);
			ImagePlusScorer.Result r;
			try {
				r = ImagePlusScorer.score(model, input.image(), stride, p -> ImageChannels.select(p, channels, file
					.getFileName().toString()), ImagePlusScorer.NO_MAP, ProgressListener.NONE);
			}
			catch (IllegalArgumentException e) { // the scoring names the file; the option says on which side it was given
				throw Refusals.renamed(e, ImagePlusScorer.IMAGE, option);
			}
			for (ImagePlusScorer.Row s : r.scores())
				scores.add(s.score());
		}
		float[] out = new float[scores.size()];
		for (int i = 0; i < out.length; i++)
			out[i] = scores.get(i);
		return out;
	}
}
