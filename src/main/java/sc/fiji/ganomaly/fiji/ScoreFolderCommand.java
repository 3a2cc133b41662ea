package sc.fiji.ganomaly.fiji;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.ganomaly.ij.ImageFiles;
import sc.fiji.ganomaly.ij.MapFiles;
import sc.fiji.ganomaly.ij.ScoreBatch;
import sc.fiji.ganomaly.ij.ScoreFiles;
import sc.fiji.ganomaly.core.ModelPool;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.ScoreParameters;
import sc.fiji.ganomaly.core.api.ProgressListener;

/**
 * Plugins › GANomaly › Score Anomalies in Folder…: what {@code ganomaly score} does, from the menu or
 * a macro: every image of a folder scored a few planes at a time (as {@link ScoreBatch} streams)
 * into {@code <name>_anomaly.tif} maps and {@code scores.csv} in the output folder; files that
 * cannot be scored are listed in {@code failures.csv} and in the log, and the others are scored.
 * In the GUI a run longer than a second shows a progress window whose Stop button ends it after
 * the current plane, keeping the finished rows and maps (resume continues). Macro:
 * {@code run("Score Anomalies in Folder...", "folder=/data/in model=/data/m.ganomaly.zip output=/data/out");}
 */
@Plugin(type = Command.class, menuPath = "Plugins>GANomaly>Score Anomalies in Folder...")
public class ScoreFolderCommand extends CancelableCommand {

	@Parameter(label = "Folder of images", style = "directory", persist = false)
	private File folder;

	@Parameter(label = "Model file", style = "open")
	private File model;

	@Parameter(label = "Output folder (maps, scores.csv)", style = "directory", persist = false)
	private File output;

	@Parameter(label = ScoreParameters.STRIDE_LABEL, min = "0")
	private int stride = ScoreParameters.DEFAULT_STRIDE;

	@Parameter(label = ScoreParameters.THRESHOLD_LABEL, persist = false)
	private String threshold = ScoreParameters.MODEL_THRESHOLD;

	@Parameter(label = "Score ('model': the model's own)", choices = { "model", "latent", "residual", "density", "texture", "combined" },
		persist = false)
	private String score = ScoreKind.MODEL;

	@Parameter(label = "Map files", choices = { "float", "16bit", "none" })
	private String maps = MapFiles.Kind.FLOAT.option();

	@Parameter(label = "Resume an interrupted run in the output folder", persist = false)
	private boolean resume = false;

	@Parameter(label = "Stop at the first file that cannot be scored", persist = false)
	private boolean stopAtFirstFailure = false;

	@Parameter
	private GanomalyService ganomaly;

	@Parameter(required = false)
	private StatusService status;

	@Override
	String title() {
		return "Score Anomalies in Folder";
	}

	@Override
	boolean usedImage() {
		return false;
	}

	@Override
	public void run() {
		try {
			if (folder == null) throw new IllegalArgumentException("folder: give a folder of images to score");
			if (output == null) throw new IllegalArgumentException("output: give a folder for the maps and scores.csv");
			Path out = output.toPath();
			MapFiles.Kind kind = MapFiles.Kind.parse(maps, "maps");
			List<Path> files = ScoreBatch.inputs(ImageFiles.files(List.of(folder.toPath()), "folder"), out, kind !=
				MapFiles.Kind.NONE, resume, "folder"); // before the model loads
			ScoreBatch.Summary s;
			// checked before the progress window opens, which only the try below closes
			ScoreKind named = ScoreFiles.score(score, ""); // before the model is read
			ProgressWindow window = progressWindow(null);
			try (ModelPool.Lease lease = ganomaly.model(model, named); GanomalyService.Running running = ganomaly.running(
				this))
			{
				ScoreFiles.Settings settings = ScoreFiles.Settings.of(lease.model().info(), stride, threshold, named,
					List.of(), kind, "");
				ScoreBatch.outputFolder(out, "output"); // made once every input is known to be good
				ScoreBatch.Request request = new ScoreBatch.Request(files, model.toPath(), lease.model().precision(), settings,
					out, resume, stopAtFirstFailure, "folder");
				ProgressListener progress = new StatusProgress(title(), status, log, this::canceledByUser);
				s = ScoreBatch.run(lease.model(), request, window == null ? progress : ProgressListener.all(progress, window));
			}
			finally {
				if (window != null) window.close();
			}
			String line = title() + ": " + s.files() + " file(s), " + s.planes() + " plane(s) scored into " + out +
				(s.failures().isEmpty() ? "" : "; " + s.failures().size() + " file(s) could not be scored, see " +
					out.resolve(ScoreBatch.FAILURES));
			if (s.canceled()) {
				stop(title() + ": cancelled; finished rows and maps are kept (resume continues)");
				return;
			}
			FijiLog.info(log, line);
			if (status != null) status.showStatus(line);
		}
		catch (RuntimeException e) {
			fail(e);
		}
		catch (OutOfMemoryError e) {
			fail(e);
		}
	}
}
