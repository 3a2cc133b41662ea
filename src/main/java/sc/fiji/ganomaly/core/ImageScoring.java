package sc.fiji.ganomaly.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which score a model's maps show and how each score is calibrated (issue 10). Models written
 * before it existed have none: they score with {@link #LATENT} per patch as they always did
 * (image score = highest calibrated patch score, threshold from {@link ScoreCalibration}).
 *
 * @param score         the score used by default: {@link #LATENT}, {@link #RESIDUAL}, {@link #DENSITY} or
 *                      {@link #TEXTURE}
 * @param calibrations  map scale and image threshold of each score measured after training
 * @param density       the Gaussian of normal latent codes for {@link #DENSITY}; null if not measured
 * @param residualSigma Gaussian smoothing (pixels) of the residual map
 * @param texture       the model of normal local statistics for {@link #TEXTURE}; null if not measured
 *                      (models written before it existed)
 */
public record ImageScoring(String score, Map<String, MapCalibration> calibrations, DensityModel density,
		double residualSigma, TextureModel texture)
{

	/** The paper's score: mean squared difference of the latent codes E(x) and E'(G(x)), per patch. */
	public static final String LATENT = "latent";
	/** Per-pixel |x − G(x)|, averaged over the windows covering a pixel, smoothed a little. */
	public static final String RESIDUAL = "residual";
	/** Squared Mahalanobis distance of a patch's latent code to a Gaussian of normal codes. */
	public static final String DENSITY = "density";
	/**
	 * Squared Mahalanobis distance of multi-scale local image statistics to those of normal data
	 * ({@link TextureModel}); needs no network.
	 */
	public static final String TEXTURE = "texture";
	/** The scores, in the order benchmarks list them. */
	public static final List<String> NAMES = List.of(LATENT, RESIDUAL, DENSITY, TEXTURE);
	/**
	 * The default of new models, chosen by the detection suite (docs/benchmarks.md, "Detection
	 * suite"): {@link #TEXTURE} finds the suite's anomalies in microscopy-like images and in
	 * photographs of tissue, stars, cells and a natural surface (pixel ROC AUC 0.94–0.99), where the
	 * network's scores stay near chance. {@link #LATENT}, the paper's score, stays one switch away.
	 */
	public static final String DEFAULT = TEXTURE;
	/** Share of normal planes the default threshold aims to flag. */
	public static final double DEFAULT_FALSE_POSITIVE_RATE = 0.01;

	public ImageScoring {
		check(score);
		if (!calibrations.containsKey(score)) throw new IllegalArgumentException("no calibration for the score '" +
			score + "'");
		calibrations = Map.copyOf(calibrations);
		if (TEXTURE.equals(score) && texture == null) throw new IllegalArgumentException("the texture score needs a " +
			"texture model");
	}

	/** Scoring without a texture model (as models before the texture score). */
	public ImageScoring(String score, Map<String, MapCalibration> calibrations, DensityModel density,
		double residualSigma)
	{
		this(score, calibrations, density, residualSigma, null);
	}

	/** Throws unless {@code name} is a score. */
	public static String check(String name) {
		if (!NAMES.contains(name)) throw new IllegalArgumentException("score must be one of " +
			String.join(", ", NAMES) + ", not " + name);
		return name;
	}

	/** The same calibrations with another default score. */
	public ImageScoring withScore(String name) {
		check(name);
		if (!calibrations.containsKey(name)) throw new IllegalArgumentException("this model has no calibration for " +
			"the score '" + name + "' (it has " + String.join(", ", calibrations.keySet()) + ")");
		return new ImageScoring(name, calibrations, density, residualSigma, texture);
	}

	public MapCalibration calibration() {
		return calibrations.get(score);
	}

	Map<String, Object> toJson() {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("score", score);
		m.put("image_statistic", "maximum of the anomaly map; a plane is anomalous when it exceeds the threshold, " +
			"exactly where the map's mask is not empty");
		Map<String, Object> cal = new LinkedHashMap<>();
		for (String name : NAMES)
			if (calibrations.containsKey(name)) cal.put(name, calibrations.get(name).toJson());
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
		Map<String, MapCalibration> calibrations = new LinkedHashMap<>();
		for (Map.Entry<String, Object> e : ((Map<String, Object>) cal).entrySet()) {
			check(e.getKey());
			if (!(e.getValue() instanceof Map)) throw new IllegalArgumentException("manifest.json: calibration of " +
				e.getKey() + " is not an object");
			calibrations.put(e.getKey(), MapCalibration.fromJson((Map<String, Object>) e.getValue()));
		}
		Object density = json.get("density"), texture = json.get("texture");
		return new ImageScoring(check(s), calibrations,
			density instanceof Map ? DensityModel.fromJson((Map<String, Object>) density) : null,
			Manifest.number(json, "residual_sigma"),
			texture instanceof Map ? TextureModel.fromJson((Map<String, Object>) texture) : null);
	}
}
