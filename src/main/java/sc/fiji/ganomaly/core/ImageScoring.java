package sc.fiji.ganomaly.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which score a model's maps show and how each score is calibrated (issue 10). Models written
 * before it existed have none: they score with {@link Score#LATENT} per patch as they always did
 * (image score = highest calibrated patch score, threshold from {@link ScoreCalibration}).
 *
 * @param score         the score used by default
 * @param calibrations  map scale and image threshold of each score measured after training
 * @param density       the Gaussian of normal latent codes for {@link Score#DENSITY}; null if not measured
 * @param residualSigma Gaussian smoothing (pixels) of the residual map
 * @param texture       the model of normal local statistics for {@link Score#TEXTURE}; null if not measured
 *                      (models written before it existed)
 */
public record ImageScoring(Score score, Map<Score, MapCalibration> calibrations, DensityModel density,
		double residualSigma, TextureModel texture)
{

	/** Share of normal planes the default threshold aims to flag. */
	public static final double DEFAULT_FALSE_POSITIVE_RATE = 0.01;

	public ImageScoring {
		Objects.requireNonNull(score, "score");
		if (!calibrations.containsKey(score)) throw new IllegalArgumentException("no calibration for the score '" +
			score.id() + "'");
		calibrations = Collections.unmodifiableMap(new EnumMap<>(calibrations));
		if (score == Score.TEXTURE && texture == null) throw new IllegalArgumentException("the texture score needs a " +
			"texture model");
	}

	/** The same calibrations with another default score. */
	public ImageScoring withScore(Score other) {
		if (!calibrations.containsKey(other)) throw new IllegalArgumentException("this model has no calibration for " +
			"the score '" + other.id() + "' (it has " + Score.ids(calibrations.keySet()) + ")");
		return new ImageScoring(other, calibrations, density, residualSigma, texture);
	}

	public MapCalibration calibration() {
		return calibrations.get(score);
	}

	Map<String, Object> toJson() {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("score", score.id());
		m.put("image_statistic", "maximum of the anomaly map; a plane is anomalous when it exceeds the threshold, " +
			"exactly where the map's mask is not empty");
		Map<String, Object> cal = new LinkedHashMap<>();
		for (Score s : Score.values())
			if (calibrations.containsKey(s)) cal.put(s.id(), calibrations.get(s).toJson());
		m.put("calibrations", cal);
		m.put("residual_sigma", residualSigma);
		if (density != null) m.put("density", density.toJson());
		if (texture != null) m.put("texture", texture.toJson());
		return m;
	}

	@SuppressWarnings("unchecked")
	static ImageScoring fromJson(Map<String, Object> json) {
		Object score = json.get("score");
		if (!(score instanceof String s)) throw new IllegalArgumentException("manifest.json: scoring lacks 'score'");
		Object cal = json.get("calibrations");
		if (!(cal instanceof Map)) throw new IllegalArgumentException("manifest.json: scoring lacks 'calibrations'");
		Map<Score, MapCalibration> calibrations = new EnumMap<>(Score.class);
		for (Map.Entry<String, Object> e : ((Map<String, Object>) cal).entrySet()) {
			Score kind = Score.parse(e.getKey());
			if (!(e.getValue() instanceof Map)) throw new IllegalArgumentException("manifest.json: calibration of " +
				e.getKey() + " is not an object");
			calibrations.put(kind, MapCalibration.fromJson((Map<String, Object>) e.getValue()));
		}
		Object density = json.get("density"), texture = json.get("texture");
		return new ImageScoring(Score.parse(s), calibrations,
			density instanceof Map ? DensityModel.fromJson((Map<String, Object>) density) : null,
			Manifest.number(json, "residual_sigma"),
			texture instanceof Map ? TextureModel.fromJson((Map<String, Object>) texture) : null);
	}
}
