package sc.fiji.ganomaly.fiji;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.nio.file.Path;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.ui.UIService;

import ij.ImagePlus;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.ModelFile;
import sc.fiji.ganomaly.core.ProgressListener;
import sc.fiji.ganomaly.core.Settings;
import sc.fiji.ganomaly.core.TrainingData;
import sc.fiji.ganomaly.ij.ImageFiles;
import sc.fiji.ganomaly.ij.ImagePlusPlanes;

/**
 * Plugins › GANomaly › Train GANomaly: learns normal images (the given image, or a folder of
 * them) and writes a model file. Z slices and frames are samples, channels are input channels.
 * Cancelling keeps the best epoch so far. Macro:
 * {@code run("Train GANomaly", "image=cells.tif model=/path/cells.ganomaly.zip epochs=10");}
 */
@Plugin(type = Command.class, menuPath = "Plugins>GANomaly>Train GANomaly")
public class TrainGanomalyCommand extends CancelableCommand {

	@Parameter(label = "Normal image", required = false, persist = false)
	private ImagePlus image;

	@Parameter(label = "or folder of normal images", style = "directory", required = false, persist = false)
	private File folder;

	@Parameter(label = "Model file to write", style = "save")
	private File model;

	@Parameter(label = "Patch size", choices = { "16", "32", "64", "128" })
	private String patchSize = "32";

	@Parameter(label = "Epochs", min = "1")
	private int epochs = 15;

	@Parameter(label = "Batch size", min = "1")
	private int batchSize = 64;

	@Parameter(label = "Random seed")
	private int seed = 0;

	@Parameter(label = "Validation fraction", min = "0.01", max = "0.49", stepSize = "0.05")
	private double validationFraction = 0.1;

	@Parameter(label = "Resume the last stopped training of this model", required = false, persist = false)
	private boolean resume = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Training summary")
	private String summary;

	@Parameter(required = false)
	private StatusService status;

	@Parameter(required = false)
	private UIService ui;

	@Override
	public void run() {
		try {
			Settings settings = new Settings().patchSize(parsePatchSize()).epochs(epochs).batchSize(batchSize).seed(seed)
				.validationFraction(validationFraction);
			if (model == null) throw new IllegalArgumentException("model: choose the model file to write");
			Path target = model.toPath();
			ModelFile.checkTarget(target, "model");
			Path checkpoints = target.resolveSibling(target.getFileName() + ".checkpoint");
			settings.checkpointFolder(checkpoints).resume(resume).validate();
			TrainingData data = trainingData();
			ProgressListener progress = new StatusProgress("Train GANomaly", status, log, this::canceledByUser);
			if (ui != null && !ui.isHeadless() && !GraphicsEnvironment.isHeadless()) {
				LossChart curves = new LossChart("Train GANomaly: " + target.getFileName());
				curves.show();
				progress = ProgressListener.all(progress, curves);
			}
			try (GanomalyModel trained = Ganomaly.train(data, settings, progress))
			{
				trained.save(target);
				boolean stopped = Boolean.TRUE.equals(trained.manifest().training().get("canceled"));
				if (!stopped) ModelFile.deleteFolder(checkpoints); // a stopped one can be resumed
				summary = (stopped ? "Training cancelled; the best model so far (epoch " : "Trained; best epoch ") +
					trained.manifest().training().get("best_epoch") + (stopped ? ")" : "") + " written to " + target;
				if (status != null) status.showStatus(summary);
				if (log != null) log.info(summary);
			}
		}
		catch (RuntimeException e) {
			fail("Train GANomaly", e);
		}
	}

	private int parsePatchSize() {
		try {
			return Integer.parseInt(patchSize.trim());
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException("patchSize must be 16, 32, 64 or 128, not " + patchSize);
		}
	}

	private TrainingData trainingData() {
		TrainingData data = new TrainingData();
		if (image != null) addPlanes(data, image, image.getTitle());
		else if (folder != null) {
			for (Path file : ImageFiles.files(java.util.List.of(folder.toPath()), "folder"))
				addPlanes(data, ImageFiles.open(file, "folder").image(), file.getFileName().toString());
		}
		else throw new IllegalArgumentException("image or folder: give a normal image or a folder of normal images");
		return data;
	}

	private static void addPlanes(TrainingData data, ImagePlus imp, String name) {
		for (ImagePlusPlanes.Plane p : ImagePlusPlanes.of(imp))
			data.add(imp.getStackSize() > 1 ? name + " plane " + p.index() : name, p.image());
	}
}
