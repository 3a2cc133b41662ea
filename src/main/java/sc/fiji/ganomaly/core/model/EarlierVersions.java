package sc.fiji.ganomaly.core.model;

import sc.fiji.ganomaly.core.texture.FeatureSet;
import sc.fiji.ganomaly.engine.ScoringNormalization;

/**
 * What manifests written by earlier versions of this plugin leave out, and what a missing value
 * means: the one place that knows the history of the model file. Every shape listed here still
 * loads and scores as it did when it was written (OldModelFilesTest keeps examples).
 * <ul>
 * <li>no {@code scoring} object: the model scores with the latent score per patch (plane score = the
 * highest calibrated patch score, threshold 1 = the 99th percentile of normal patches);</li>
 * <li>no {@code network.scoring_normalization}: batch normalisation scores with the moving statistics
 * ({@link ScoringNormalization#MOVING});</li>
 * <li>a texture model without {@code feature_set}: the four statistics
 * ({@link FeatureSet#STATISTICS}), and its manifest is rewritten without one;</li>
 * <li>a texture model without {@code intensities}: features are computed on each plane as normalised;</li>
 * <li>a texture model without {@code border}: its maps are not corrected near the plane's border;</li>
 * <li>a scoring without {@code density_weight}: the combined map weighs the density map
 * {@value #DENSITY_WEIGHT} (the first models with the combined score);</li>
 * <li>arrays as plain lists of numbers, whatever their length (see {@code Json.doubles}).</li>
 * </ul>
 */
final class EarlierVersions {

	/** The density map's weight in the combined map of a scoring that states none. */
	static final double DENSITY_WEIGHT = 2;

	private EarlierVersions() {}

	/** The combined map's density weight of a manifest's {@code value}: {@link #DENSITY_WEIGHT} if absent. */
	static double densityWeight(Object value) {
		if (value == null) return DENSITY_WEIGHT;
		if (value instanceof Number n) return n.doubleValue();
		throw new IllegalArgumentException("manifest.json: scoring.density_weight must be a number");
	}

	/** The scoring normalisation of a manifest without one: the moving statistics. */
	static final ScoringNormalization SCORING_NORMALIZATION = ScoringNormalization.MOVING;

	/** The texture features named {@code featureSet} in a manifest: the four statistics if absent (null). */
	static FeatureSet textureFeatures(String featureSet) {
		return featureSet == null ? FeatureSet.STATISTICS : FeatureSet.parse(featureSet);
	}

	/** True if a texture model with {@code features} is written without {@code feature_set}, as it was read. */
	static boolean writesNoFeatureSet(FeatureSet features) {
		return features == FeatureSet.STATISTICS;
	}
}
