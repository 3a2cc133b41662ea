package sc.fiji.ganomaly.core.score;

import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.model.Manifest;
import sc.fiji.ganomaly.core.model.Scoring;

/** The scorer of each kind of score: where a model's kind of score becomes a type. */
public final class Scorers {

	/** Patches per network call when scoring. */
	public static final int BATCH = 256;

	/** Largest tile side in pixels normalised at once: 1024 x 1024 floats per channel, 4 MiB. */
	public static final int TILE = 1024;

	private Scorers() {}

	/**
	 * The scorer of {@code manifest}'s score: the texture statistics (on the network's threads, 0: every
	 * core), the network's sliding window with {@code batch} windows per network call over tiles of
	 * at most {@code tileSize} pixels square, or for the combined score both, texture and density.
	 *
	 * @param network the model's network, created by the first scorer that uses it
	 * @throws IllegalArgumentException unless 1 ≤ stride ≤ the patch size
	 */
	public static Scorer of(Manifest manifest, LazyNetwork network, int stride, int batch, int tileSize) {
		int p = manifest.spec().patchSize();
		if (stride <= 0 || stride > p) throw new IllegalArgumentException("stride must lie between 1 and the patch size " +
			p + ", not " + stride);
		Scoring s = manifest.scoring();
		ScoreKind kind = manifest.score();
		if (!kind.needsNetwork()) {
			network.precisionUnusedBy(kind);
			return new TextureScorer(s.texture(), manifest.spec().threads());
		}
		if (kind == ScoreKind.COMBINED) return new CombinedScorer(new TextureScorer(s.texture(), manifest.spec()
			.threads()), s.calibrations().get(ScoreKind.TEXTURE), network(network, ScoreKind.DENSITY, s, stride, batch,
				tileSize), s.calibrations().get(ScoreKind.DENSITY), s.densityWeight());
		return network(network, kind, s, stride, batch, tileSize);
	}

	private static Scorer network(LazyNetwork network, ScoreKind kind, Scoring s, int stride, int batch, int tileSize) {
		double smoothing = kind == ScoreKind.RESIDUAL ? s.residualSigma() : 0;
		return new NetworkScorer(network, capacity -> PatchValues.of(network.get(), kind, s == null ? null : s.density(),
			capacity), stride, batch, tileSize, smoothing);
	}
}
