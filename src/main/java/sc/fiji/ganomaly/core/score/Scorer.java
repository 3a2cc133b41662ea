package sc.fiji.ganomaly.core.score;

import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.plane.TileSource;

/**
 * Computes the raw anomaly map of one plane with one kind of score: the network's sliding window
 * ({@link NetworkScorer}) or the texture statistics ({@link TextureScorer}). {@link Scorers#of} gives
 * a model's scorer; {@link ScoreScale} puts its maps on the model's calibrated scale.
 */
public interface Scorer {

	/**
	 * The raw map of a {@code width × height} plane read tile by tile from {@code source}, or null if
	 * {@code listener} cancelled.
	 */
	RawMap map(int width, int height, TileSource source, ProgressListener listener);
}
