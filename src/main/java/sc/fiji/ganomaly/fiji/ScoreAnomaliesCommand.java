package sc.fiji.ganomaly.fiji;

import java.io.File;
import java.util.concurrent.CancellationException;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import sc.fiji.ganomaly.ij.ImagePlusScorer;
import sc.fiji.ganomaly.ij.MaskImages;
import sc.fiji.ganomaly.ij.ScoreTables;
import sc.fiji.ganomaly.core.ScoreParameters;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;

/**
 * Plugins › GANomaly › Score Anomalies: an anomaly map "&lt;title&gt; anomaly map" of the image (same
 * width, height, slices and frames; channels collapsed; calibrated scale where 0 is a typical
 * normal pixel and 1 the threshold that about 1 % of normal planes exceed), optionally a mask, and
 * the per-plane scores in the Results table. The input image is only read, a few planes at a time (a
 * virtual stack stays virtual); a map larger than half the memory Fiji has left is written to a
 * file (see {@link sc.fiji.ganomaly.ij.MapImages#claimMapFile}) and shown as a virtual stack, as the log says. In
 * the GUI a run longer than a second shows a progress window with a Stop button; stopping shows no
 * map and no table. Macro:
 * {@code run("Score Anomalies", "image=cells.tif model=/path/cells.ganomaly.zip stride=8");}
 */
@Plugin(type = Command.class, menuPath = "Plugins>GANomaly>Score Anomalies")
public class ScoreAnomaliesCommand extends CancelableCommand {

	/** The table the scores go to inside ImageJ (also headless, where only this one exists). */
	public static final String TABLE = "Results";

	@Parameter(label = "Image", persist = false)
	private ImagePlus image;

	@Parameter(label = "Model file", style = "open")
	private File model;

	@Parameter(label = ScoreParameters.STRIDE_LABEL, min = "0")
	private int stride = ScoreParameters.DEFAULT_STRIDE;

	@Parameter(label = ScoreParameters.THRESHOLD_LABEL, persist = false)
	private String threshold = ScoreParameters.MODEL_THRESHOLD;

	@Parameter(label = "Score ('model': the model's own)", choices = { "model", "latent", "residual", "density", "texture", "combined" },
		persist = false)
	private String score = ScoreKind.MODEL;

	@Parameter(label = "Create a mask of regions above the threshold", persist = false)
	private boolean createMask = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Anomaly map")
	private ImagePlus anomalyMap;

	@Parameter(type = ItemIO.OUTPUT, label = "Anomaly mask", required = false)
	private ImagePlus mask;

	@Parameter(type = ItemIO.OUTPUT, label = "Anomaly scores")
	private ResultsTable scores;

	@Parameter
	private GanomalyService ganomaly;

	@Parameter(required = false)
	private StatusService status;

	@Override
	String title() {
		return "Score Anomalies";
	}

	@Override
	boolean usedImage() {
		return true;
	}

	/**
	 * A run's map and mask (null if none) titled as no open image is, batch mode's included (which
	 * WindowManager's own makeUniqueName does not see), with one suffix for both, so that a macro
	 * pairs them by name: "x anomaly map" and "x anomaly mask", else "… map-1" and "… mask-1", and on.
	 */
	private static void unique(ImagePlus map, ImagePlus mask) {
		java.util.Set<String> taken = new java.util.HashSet<>();
		int[] ids = ij.WindowManager.getIDList();
		for (int id : ids == null ? new int[0] : ids) {
			ImagePlus open = ij.WindowManager.getImage(id);
			if (open != null && open != map && open != mask) taken.add(open.getTitle());
		}
		String suffix = "";
		for (int i = 1; taken.contains(map.getTitle() + suffix) || mask != null && taken.contains(mask.getTitle() +
			suffix); i++)
			suffix = "-" + i;
		map.setTitle(map.getTitle() + suffix);
		if (mask != null) mask.setTitle(mask.getTitle() + suffix);
	}

	@Override
	public void run() {
		try {
			ImagePlusScorer.Result r;
			ProgressWindow window = progressWindow(image);
			try {
				ProgressListener progress = new StatusProgress(title(), status, log, this::canceledByUser);
				r = ganomaly.score(image, model, stride, threshold, score, window == null ? progress : ProgressListener.all(
					progress, window));
			}
			catch (CancellationException e) { // GanomalyService.cancelAll, as the Stop button
				stoppedWithoutOutputs("stopped by the user; no map or table was made");
				return;
			}
			finally {
				if (window != null) window.close();
			}
			if (r.anomalyMap() == null) {
				stoppedWithoutOutputs("stopped by the user; no map or table was made");
				return;
			}
			// the map opens at the plane the image is on, side by side with it
			int z = Math.min(image.getZ(), r.anomalyMap().getNSlices()), t = Math.min(image.getT(), r.anomalyMap()
				.getNFrames());
			r.anomalyMap().setPosition(1, z, t);
			ij.gui.Roi selection = image.getRoi();
			if (selection != null && selection.isArea()) {
				// the map has the image's geometry: the selection marks the same pixels there, for Measure
				r.anomalyMap().setRoi((ij.gui.Roi) selection.clone());
				FijiLog.info(log, title() + ": the whole of " + image.getTitle() + " is scored; its selection is " +
					"put on the map, where Analyze > Measure reads the map's values within it");
			}
			scores = ScoreTables.of(r);
			if (createMask && r.mapFile() == null) {
				mask = MaskImages.above(r.anomalyMap(), r.threshold(), image.getTitle() + " anomaly mask");
				mask.setPosition(1, z, t);
			}
			else if (createMask) FijiLog.warn(log, title() + ": no mask of a map on disk; threshold the map " +
				"instead (values above " + r.threshold() + ")");
			// named as ImageJ names a copy, so that a macro's selectImage finds this run's map, not an earlier one's
			anomalyMap = r.anomalyMap();
			unique(anomalyMap, mask);
			if (status != null) status.showStatus(title() + ": " + r.scores().size() + " plane(s) scored");
		}
		catch (RuntimeException e) {
			fail(e);
		}
		catch (OutOfMemoryError e) {
			fail(e);
		}
	}
}
