package sc.fiji.ganomaly.fiji;

import java.io.File;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.app.StatusService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.ui.UIService;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import ij.plugin.LutLoader;
import ij.process.LUT;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.PlaneScore;
import sc.fiji.ganomaly.core.ScoreCalibration;
import sc.fiji.ganomaly.ij.ImagePlusPlanes;
import sc.fiji.ganomaly.ij.MaskImages;
import sc.fiji.ganomaly.ij.ImagePlusScorer;

/**
 * Plugins › GANomaly › Score Anomalies: an anomaly map of the image (same width, height, slices
 * and frames; channels collapsed; calibrated scale where 0 is a typical normal patch and 1 the
 * 99th percentile of normal patches) and a results table "Anomaly scores" with a row per plane.
 * The input image is only read. Macro:
 * {@code run("Score Anomalies", "image=cells.tif model=/path/cells.ganomaly.zip stride=8");}
 */
@Plugin(type = Command.class, menuPath = "Plugins>GANomaly>Score Anomalies")
public class ScoreAnomaliesCommand extends CancelableCommand {

	/** Title of the results table. */
	public static final String TABLE = "Anomaly scores";

	@Parameter(label = "Image", persist = false)
	private ImagePlus image;

	@Parameter(label = "Model file", style = "open")
	private File model;

	@Parameter(label = "Stride (0: patch size / 4)", min = "0")
	private int stride = 0;

	@Parameter(label = "Threshold (empty: the model's)", required = false, persist = false)
	private Double threshold;

	@Parameter(label = "Create a mask of regions above the threshold", required = false, persist = false)
	private boolean createMask = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Anomaly map")
	private ImagePlus anomalyMap;

	@Parameter(type = ItemIO.OUTPUT, label = "Anomaly mask", required = false)
	private ImagePlus mask;

	@Parameter(type = ItemIO.OUTPUT, label = "Anomaly scores")
	private ResultsTable scores;

	@Parameter(required = false)
	private StatusService status;

	@Parameter(required = false)
	private UIService ui;

	@Override
	public void run() {
		try {
			if (image == null) throw new IllegalArgumentException("image: no image is open");
			if (model == null) throw new IllegalArgumentException("model: choose a model file");
			GanomalyModel m = ModelCache.get(model.toPath());
			int step = stride == 0 ? Math.max(1, m.patchSize() / 4) : stride;
			if (step < 0 || step > m.patchSize()) throw new IllegalArgumentException("stride must lie between 1 and the " +
				"patch size " + m.patchSize() + " (0: patch size / 4), not " + stride);
			double limit = threshold == null ? m.threshold() : ScoreCalibration.checkThreshold(threshold, "threshold");
			ImagePlusScorer.Result r = ImagePlusScorer.score(m, image, step,
				new StatusProgress("Score Anomalies", status, log, this::canceledByUser));
			if (r.anomalyMap() == null) {
				stop("Score Anomalies: cancelled");
				return;
			}
			anomalyMap = r.anomalyMap();
			style(anomalyMap, limit);
			scores = table(r, limit);
			if (createMask) mask = MaskImages.above(anomalyMap, limit, image.getTitle() + " anomaly mask");
			if (ui != null && !ui.isHeadless()) scores.show(TABLE);
			if (status != null) status.showStatus("Score Anomalies: " + r.scores().size() + " plane(s) scored");
		}
		catch (RuntimeException e) {
			fail("Score Anomalies", e);
		}
	}

	/** Fire LUT; display range from 0 to twice the threshold, so that the threshold is mid-scale. */
	private static void style(ImagePlus map, double threshold) {
		LUT fire = LutLoader.openLut("fire");
		if (fire == null) {
			java.awt.image.IndexColorModel cm = LutLoader.getLut("fire");
			if (cm != null) fire = new LUT(cm, 0, 255);
		}
		if (fire != null) map.setLut(fire);
		map.setDisplayRange(0, Math.max(2 * threshold, 1e-3));
	}

	/** One row per plane: image, slice, frame, score, max_map, anomalous. */
	static ResultsTable table(ImagePlusScorer.Result r, double threshold) {
		ResultsTable t = new ResultsTable();
		for (int i = 0; i < r.scores().size(); i++) {
			ImagePlusPlanes.Plane p = r.planes().get(i);
			PlaneScore s = r.scores().get(i);
			t.incrementCounter();
			t.addValue("image", r.image().getTitle());
			t.addValue("slice", p.slice());
			t.addValue("frame", p.frame());
			t.addValue("score", s.score());
			t.addValue("max_map", s.mapMax());
			t.addValue("anomalous", s.score() > threshold ? 1 : 0);
		}
		return t;
	}
}
