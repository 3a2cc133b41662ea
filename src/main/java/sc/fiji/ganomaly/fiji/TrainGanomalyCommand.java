package sc.fiji.ganomaly.fiji;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.macro.Interpreter;
import sc.fiji.ganomaly.engine.EngineMessages;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.ij.ImageFiles;
import sc.fiji.ganomaly.ij.TrainingImages;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.ModelClaim;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.Refusals;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingOutcome;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.ModelFiles;

/**
 * Plugins › GANomaly › Train GANomaly: learns normal images (a folder of them if one is given,
 * else the image, within its area selection if it has one) and writes a model file. Z slices and frames are samples, channels are input
 * channels. In the GUI the loss chart's Stop button (in a batch-mode macro a progress window's)
 * stops after the current batch and keeps the best epoch so far, as cancelling does. Macro:
 * {@code run("Train GANomaly", "folder=/data/normal model=/path/cells.ganomaly.zip epochs=10");}
 */
@Plugin(type = Command.class, menuPath = "Plugins>GANomaly>Train GANomaly")
public class TrainGanomalyCommand extends CancelableCommand {

	private static final TrainingSettings DEFAULTS = new TrainingSettings();

	@Parameter(label = "Normal image", required = false, persist = false)
	private ImagePlus image;

	@Parameter(label = "Folder of normal images (if empty: the open image)", style = "directory", required = false,
		persist = false)
	private File folder;

	// not remembered: the dialog's OK would otherwise replace the last model written without a choice
	@Parameter(label = "Model file to write", style = "save", persist = false)
	private File model;

	@Parameter(label = "Patch size", choices = { "16", "32", "64", "128" })
	private String patchSize = Integer.toString(DEFAULTS.patchSize());

	@Parameter(label = "Epochs", min = "1")
	private int epochs = DEFAULTS.epochs();

	@Parameter(label = "Batch size", min = "1")
	private int batchSize = DEFAULTS.batchSize();

	@Parameter(label = "Score for maps and threshold", choices = { "auto", "latent", "residual", "density", "texture", "combined" })
	private String score = ScoreKind.choiceId(DEFAULTS.score());

	@Parameter(label = "Random seed")
	private long seed = DEFAULTS.seed();

	@Parameter(label = "Validation fraction", min = "0.01", max = "0.49", stepSize = "0.05")
	private double validationFraction = DEFAULTS.validationFraction();

	@Parameter(label = "Resume the last stopped training of this model", persist = false)
	private boolean resume = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Training summary")
	private String summary;

	@Parameter
	private GanomalyService ganomaly;

	@Parameter(required = false)
	private StatusService status;

	@Override
	String title() {
		return "Train GANomaly";
	}

	@Override
	boolean usedImage() {
		return !hasFolder();
	}

	private boolean hasFolder() {
		return folder != null && !folder.getPath().isBlank();
	}

	@Override
	public void run() {
		try {
			TrainingSettings settings = DEFAULTS.copy().patchSize(parsePatchSize()).epochs(epochs).batchSize(batchSize).seed(seed)
				.validationFraction(validationFraction);
			if (model == null) throw new IllegalArgumentException("model: choose the model file to write");
			Path target = model.toPath();
			ModelFiles.checkTarget(target, "model", inputFiles());
			Path checkpoints = ModelFiles.checkpointFolder(target);
			settings.checkpointFolder(checkpoints).resume(resume).score(ScoreKind.parseChoice(score)).validate();
			// the model file is this training's until it is written: a second one into it is refused
			try (ModelClaim claim = ModelClaim.take(target, "model")) {
				train(settings, target, claim);
			}
		}
		catch (IllegalArgumentException e) {
			// the training data's messages name the API's input; here it is this command's image or folder
			fail(Refusals.renamed(e, TrainingData.KEY, hasFolder() ? "folder" : "image").getMessage());
		}
		catch (RuntimeException e) {
			fail(e);
		}
		catch (OutOfMemoryError e) {
			fail(e);
		}
	}

	/** Trains on the command's images with {@code settings} and writes the model to {@code target}. */
	private void train(TrainingSettings settings, Path target, ModelClaim claim) {
		TrainingData data = trainingData();
		ProgressListener progress = new StatusProgress(title(), status, log, this::canceledByUser);
		LossChart curves = null;
		ProgressWindow window = null;
		// loss curves for a network; the texture statistics are fitted in seconds, with no losses to plot
		boolean network = Ganomaly.score(data, settings).needsNetwork();
		if (gui() && !Interpreter.isBatchMode() && network) {
			curves = new LossChart(title() + ": " + target.getFileName());
			curves.show(() -> cancel(STOPPED), usedImage() ? image : null);
			progress = ProgressListener.all(progress, curves);
		}
		else if (gui()) {
			window = progressWindow(null, network ? "Stop: the best model so far is written after this batch"
				: "Stop: the texture statistics are not finished, so no model is written");
			progress = ProgressListener.all(progress, window);
		}
		try {
			GanomalyModel trained;
			try {
				trained = ganomaly.train(data, settings, progress);
			}
			catch (CancellationException e) { // stopped before a model was written: a stop, not a failure
				if (curves != null) curves.finished(true);
				summary = e.getMessage();
				if (status != null) status.showStatus(summary);
				FijiLog.info(log, title() + ": " + summary);
				// in a macro, whose next lines would use an earlier model of that name, the stop ends the macro
				stoppedWithoutOutputs(summary);
				return;
			}
			finally {
				if (window != null) window.close();
			}
			try (trained) {
				claim.write(trained);
				TrainingOutcome outcome = trained.trainingOutcome();
				if (curves != null) curves.finished(outcome.canceled());
				summary = (trained.hasNetwork() ? networkSummary(outcome) : statisticsSummary(trained)) + " written to " +
					target;
				if (status != null) status.showStatus(summary);
				FijiLog.info(log, title() + ": " + summary);
				// a Stop during the epochs or the calibration still made the model: the run is finished
				finishedDespiteStop();
				// the training's listener (StatusProgress) logged the warnings as they arose; the summary repeats them
				if (outcome.convergenceWarning() != null) summary += ". Warning: " + outcome.convergenceWarning();
				if (outcome.calibrationWarning() != null) summary += ". Warning: " + outcome.calibrationWarning();
			}
		}
		catch (RuntimeException | Error e) { // the chart's Stop button has nothing left to stop
			if (curves != null) curves.failed();
			throw e;
		}
	}

	/** What a training of a network made, before "written to …": its best epoch, stopped or not. */
	private static String networkSummary(TrainingOutcome outcome) {
		return outcome.canceled() ? "Training cancelled; the best model so far (epoch " + outcome.bestEpoch() + ")"
			: "Trained; best epoch " + outcome.bestEpoch();
	}

	/**
	 * What a training without a network made, before "written to …": the statistics, why no network
	 * was trained, and that the network's settings were not used.
	 */
	private String statisticsSummary(GanomalyModel trained) {
		String id = trained.score().id();
		String chosen = ScoreKind.parseChoice(score) == null ? "score auto chose " + id +
			", as the images hold several patches; " : "";
		return "Trained the " + id + " statistics (" + chosen + "no network: the " + id + " score needs none, so " +
			"epochs, batch size and validation fraction are not used);";
	}

	private int parsePatchSize() {
		try {
			return Integer.parseInt(patchSize.trim());
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException("patchSize must be " + NetworkSpec.patchSizesInWords() + ", not " + patchSize);
		}
	}

	/** The files the training images come from: the folder's, or the image's own file (none if unsaved). */
	private List<Path> inputFiles() {
		if (hasFolder()) return ImageFiles.files(List.of(folder.toPath()), "folder");
		ij.io.FileInfo info = image == null ? null : image.getOriginalFileInfo();
		return info == null || info.directory == null || info.fileName == null || info.directory.isEmpty() ? List.of()
			: List.of(Path.of(info.directory, info.fileName));
	}

	private TrainingData trainingData() {
		TrainingImages.Loaded loaded;
		if (hasFolder()) {
			List<Path> files = ImageFiles.files(List.of(folder.toPath()), "folder");
			loaded = TrainingImages.load(files, List.of(), "folder", TrainingImages.budget());
			long subfolders = ImageFiles.folders(folder.toPath());
			FijiLog.info(log, title() + ": training on " + loaded.data().size() + " plane(s) of " + (files.size() - loaded
				.leftOut().size()) + " file(s) in " + folder + (subfolders > 0 ? "; its " + subfolders + " subfolder(s) are " +
					"not read" : ""));
		}
		else if (image != null) {
			loaded = TrainingImages.load(image, image.getTitle(), List.of(), TrainingImages.budget());
			java.awt.Rectangle r = TrainingImages.selection(image);
			if (r != null) FijiLog.info(log, title() + ": training on the selection of " + image.getTitle() +
				" (its bounding rectangle, " + r.width + "x" + r.height + " at " + r.x + ", " + r.y + ")");
		}
		else throw new IllegalArgumentException("image or folder: give a normal image or a folder of normal images");
		if (loaded.note() != null) EngineMessages.warn(title() + ": " + loaded.note());
		return loaded.data();
	}
}
