package sc.fiji.ganomaly.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import sc.fiji.ganomaly.ij.ImageChannels;
import sc.fiji.ganomaly.ij.TrainingImages;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.ModelClaim;
import sc.fiji.ganomaly.core.api.Normalization;
import sc.fiji.ganomaly.core.api.Refusals;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.Shutdown;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingOutcome;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.ModelFiles;

/** {@code ganomaly train}: learns normal images and writes a model file. */
final class TrainCli {

	static final String HELP = """
		usage: ganomaly train --input PATH... --model FILE [options]

		Trains GANomaly on normal images and writes a model file (.ganomaly.zip).
		PATH is an image (TIFF, PNG, multi-page TIFF stack) or a folder of them; every Z slice
		and time frame is a sample, every channel an input channel.

		  --input PATH...            normal images, folders, globs ('/data/*.tif') or @list.txt (required)
		  --model FILE               model file to write (required)
		  --patch-size N             16, 32, 64 or 128 (default 32)
		  --epochs N                 training epochs (default 15)
		  --batch-size N             patches per step (default 64)
		  --patches-per-epoch N      random patches per epoch (0: the default), drawn with flips
		                             and rotations (default 4096, whatever the size of the data)
		  --score NAME               score of maps and image scores, stored in the model:
		                             auto (default: combined for planes of one patch,
		                             such as crops of single cells; texture for larger
		                             planes), texture (local image statistics against
		                             those of the normal images), combined (texture plus
		                             the network's density), latent (the paper's),
		                             residual or density; a model trained for a
		                             network score calibrates all five, so that
		                             'ganomaly score --score' can pick another (a
		                             texture model scores texture only)
		  --false-positive-rate F    share of normal planes the threshold aims to flag (default 0.01)
		  --seed N                   seed of weights and sampling (default 0)
		  --channels C,...           use only these 1-based channels (default: all); the model
		                             records them, and scoring (here, in Fiji) picks the same
		                             channels of images with as many channels as these
		  --validation-fraction F    share held out to pick the best epoch (default 0.1)
		  --normalize MODE           percentile:LOW,HIGH (default percentile:1,99.8) or fixed:MIN,MAX
		  --nz N --ngf N --ndf N     latent size and widths (default 100, 64, 64)
		  --extra-layers N           extra conv layers per network (default 0)
		  --no-augment               no random flips and rotations
		  --resume                   continue a crashed or stopped training from FILE.checkpoint/
		                             (checkpoints are written there after every epoch and removed
		                             once the model is written)
		  --threads N                threads of TensorFlow and of the texture statistics
		                             (default 0: automatic)
		""";

	static final Set<String> OPTIONS = Set.of("input", "model", "patch-size", "epochs", "batch-size",
		"patches-per-epoch", "score", "false-positive-rate", "seed", "channels", "validation-fraction", "normalize", "nz", "ngf", "ndf", "extra-layers",
		"threads");

	/** The options that set how the network trains: a score that needs no network does not use them. */
	static final List<String> NETWORK_OPTIONS = List.of("epochs", "batch-size", "patches-per-epoch",
		"validation-fraction", "nz", "ngf", "ndf", "extra-layers", "no-augment");

	private TrainCli() {}

	/** Trains; returns the exit code: 0, or 3 when the model was written but some input files could not be read. */
	static int run(String[] args, PrintStream out, PrintStream err) {
		Options o = Options.parse(args, OPTIONS, Set.of("no-augment", "resume"));
		Path model = o.path("model");
		TrainingSettings d = new TrainingSettings(); // the defaults, shared with the Fiji command
		TrainingSettings settings = d.copy().patchSize(o.integer("patch-size", d.patchSize())).epochs(o.integer("epochs", d.epochs()))
			.batchSize(o.integer("batch-size", d.batchSize()))
			.patchesPerEpoch(o.integer("patches-per-epoch", d.patchesPerEpoch()))
			.falsePositiveRate(o.number("false-positive-rate", d.falsePositiveRate()))
			.seed(o.wholeNumber("seed", d.seed())).validationFraction(o.number("validation-fraction", d.validationFraction()))
			.nz(o.integer("nz", d.nz())).ngf(o.integer("ngf", d.ngf())).ndf(o.integer("ndf", d.ndf()))
			.extraLayers(o.integer("extra-layers", d.extraLayers())).threads(o.integer("threads", d.threads()))
			.augment(!o.has("no-augment"))
			.normalization(o.has("normalize") ? normalization(o.get("normalize", null)) : d.normalization())
			.checkpointFolder(ModelFiles.checkpointFolder(model)).resume(o.has("resume"));
		try {
			settings.score(ScoreKind.parseChoice(o.get("score", ScoreKind.choiceId(d.score()))));
		}
		catch (IllegalArgumentException e) {
			throw new IllegalArgumentException("--score: " + e.getMessage());
		}
		settings.validate();
		List<Path> inputs = o.images("input");
		OutputChecks.modelTarget(model, inputs);
		// the model file is this training's until it is written: a second one into it is refused
		try (ModelClaim claim = ModelClaim.take(model, "--model")) {
			List<Integer> channels = ImageChannels.parse(o.all("channels"));
			TrainingImages.Loaded loaded = TrainingImages.load(inputs, channels,
				"--input", TrainingImages.budget());
			if (loaded.note() != null) err.println("warning: " + loaded.note()); // with the other warnings
			TrainingData data = loaded.data();
			out.println("training on " + data.size() + " image plane(s), patch " + settings.patchSize());
			ConsoleProgress progress = new ConsoleProgress(out, err);
			// Ctrl-C or SIGTERM stops the epochs as Fiji's Stop does; the exit waits for the best model to be written
			// and the claim to be given back (closed before the work, so before the JVM exits; closing twice is none)
			ScoreKind score = Ganomaly.score(data, settings);
			String stopping = score.needsNetwork() ? "stopping after this batch; the best epoch so far, if there is " +
				"one, is calibrated and written to " + model + " (kill the process to abandon it)" : "stopping; the " + score
					.id() + " statistics are written only when complete, so no model is written";
			try (Shutdown.Work work = Shutdown.begin(() -> {
				progress.stop();
				err.println("ganomaly train: " + stopping);
			}); ModelClaim held = claim; GanomalyModel trained = train(data, settings, progress))
			{
				claim.write(trained);
				TrainingOutcome outcome = trained.trainingOutcome();
				List<String> unused = NETWORK_OPTIONS.stream().filter(o::has).map(n -> "--" + n).toList();
				if (!trained.hasNetwork() && !unused.isEmpty()) err.println("warning: " + String.join(", ", unused) +
					" not used: the " + trained.score().id() + " score trains no network");
				out.println((trained.hasNetwork() ? (outcome.canceled() ? "stopped; best epoch " : "best epoch ") + outcome
					.bestEpoch() + (outcome.convergenceWarning() != null ? " (not converged: see the warning)" : "")
					: "no network (the " + trained.score().id() + " score needs none)") + "; score " + trained.score().id() +
					", threshold " + trained.threshold() + " (aims to flag " + String.format(java.util.Locale.ROOT, "%.3g", 100 *
						trained.falsePositiveRate()) + " % of normal planes); model written to " + model + (outcome.canceled() &&
							trained.hasNetwork() ? "; --resume --epochs N goes on from the last full epoch" : ""));
			}
			return loaded.leftOut().isEmpty() ? 0 : 3; // as a scoring batch whose files could not all be read
		}
	}

	/**
	 * Trains; a refusal of one input plane ("a.tif: pixel (3, 3) is NaN; …") names the option, as the
	 * refusals of reading it do.
	 */
	private static GanomalyModel train(TrainingData data, TrainingSettings settings, ConsoleProgress progress) {
		try {
			return Ganomaly.train(data, settings, progress);
		}
		catch (IllegalArgumentException e) {
			String m = e.getMessage();
			if (m != null && data.samples().stream().anyMatch(s -> m.startsWith(s.name() + ": ")))
				throw Refusals.of("--input", e);
			// the training data's messages name the API's input; here it is this option
			throw Refusals.renamed(e, TrainingData.KEY, "--input");
		}
	}

	/** Parses "percentile:1,99.8" or "fixed:0,255". */
	static Normalization normalization(String text) {
		String[] parts = text.split("[:,]");
		try {
			if (parts.length == 3 && parts[0].equals("percentile"))
				return Normalization.percentiles(Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
			if (parts.length == 3 && parts[0].equals("fixed"))
				return Normalization.fixedRange(Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
		}
		catch (NumberFormatException e) {
			// fall through to the usage message
		}
		catch (IllegalArgumentException e) {
			throw new UsageException("--normalize: " + e.getMessage());
		}
		throw new UsageException("--normalize must be percentile:LOW,HIGH or fixed:MIN,MAX, not '" + text + "'");
	}
}
