package sc.fiji.ganomaly.ij;

import ij.measure.ResultsTable;
import sc.fiji.ganomaly.core.ScoreParameters;

/** The per-plane scores of an image as an ImageJ results table. */
public final class ScoreTables {

	private ScoreTables() {}

	/**
	 * One row per plane: image, slice, frame, score, max_map, anomalous (1 above the result's
	 * threshold, else 0); labelled with the plane's slice label (an image sequence's file name) where the image
	 * has them.
	 */
	public static ResultsTable of(ImagePlusScorer.Result r) {
		ResultsTable t = new ResultsTable();
		for (ImagePlusScorer.Row s : r.scores()) {
			t.incrementCounter();
			String label = MapImages.planeLabel(r.image(), s.slice(), s.frame());
			if (label != null) t.addLabel(label);
			t.addValue("image", r.image().getTitle());
			t.addValue("slice", s.slice());
			t.addValue("frame", s.frame());
			t.addValue("score", s.score());
			t.addValue("max_map", s.mapMax());
			t.addValue("anomalous", ScoreParameters.isAnomalous(s.score(), r.threshold()) ? 1 : 0);
		}
		return t;
	}
}
