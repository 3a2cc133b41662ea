package sc.fiji.ganomaly.core.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.calibrate.MapCalibration;
import sc.fiji.ganomaly.core.math.DensityModel;
import sc.fiji.ganomaly.core.texture.TextureModel;

/**
 * Which score a model's maps show and how each score is calibrated. A manifest without one scores
 * with {@link ScoreKind#LATENT} per patch (see {@link EarlierVersions}).
 *
 * @param score         the score used by default
 * @param calibrations  map scale and image threshold of each score measured after training
 * @param density       the Gaussian of normal latent codes for {@link ScoreKind#DENSITY}; null if not measured
 * @param residualSigma Gaussian smoothing (pixels) of the residual map
 * @param densityWeight the density map's weight in the {@link ScoreKind#COMBINED} map (each map on
 *                      its calibrated scale)
 * @param texture       the model of normal local statistics for {@link ScoreKind#TEXTURE}; null if not measured
 */
public record Scoring(ScoreKind score, Map<ScoreKind, MapCalibration> calibrations, DensityModel density,
		double residualSigma, double densityWeight, TextureModel texture)
{

	public Scoring {
		Objects.requireNonNull(score, "score");
		if (!calibrations.containsKey(score)) throw new IllegalArgumentException("no calibration for the score '" +
			score.id() + "'");
		calibrations = Collections.unmodifiableMap(new EnumMap<>(calibrations));
		// every calibrated score can be scored: its models are here
		for (ScoreKind k : calibrations.keySet()) {
			if (k.usesTexture() && texture == null)
				throw new IllegalArgumentException("the " + k.id() + " score needs a texture model");
			if (k.usesDensity() && density == null)
				throw new IllegalArgumentException("the " + k.id() + " score needs a density model");
		}
		if (calibrations.containsKey(ScoreKind.COMBINED) && (!calibrations.containsKey(ScoreKind.TEXTURE) ||
			!calibrations.containsKey(ScoreKind.DENSITY))) throw new IllegalArgumentException("the combined score needs " +
				"the texture and density calibrations");
	}

	/** The same calibrations with another default score. */
	public Scoring withScore(ScoreKind other) {
		if (!calibrations.containsKey(other)) throw new IllegalArgumentException("this model has no calibration for " +
			"the score '" + other.id() + "' (it has " + ScoreKind.ids(calibrations.keySet()) + ")");
		return new Scoring(other, calibrations, density, residualSigma, densityWeight, texture);
	}

	public MapCalibration calibration() {
		return calibrations.get(score);
	}

}
