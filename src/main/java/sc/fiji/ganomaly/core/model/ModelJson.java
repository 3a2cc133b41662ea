package sc.fiji.ganomaly.core.model;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import sc.fiji.ganomaly.core.texture.BorderProfile;
import sc.fiji.ganomaly.core.texture.Intensities;
import sc.fiji.ganomaly.core.texture.FeatureSet;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.calibrate.MapCalibration;
import sc.fiji.ganomaly.core.json.Json;
import sc.fiji.ganomaly.core.math.DensityModel;
import sc.fiji.ganomaly.core.math.GaussianMixture;
import sc.fiji.ganomaly.core.texture.TextureModel;

/**
 * The manifest's {@code scoring} object and its parts as JSON, both ways: key names, order and what
 * each value means in the file. Readers refuse a missing or mistyped value with one line naming it;
 * values left out by earlier versions are read as {@link EarlierVersions} says.
 */
final class ModelJson {

	private ModelJson() {}

	static Map<String, Object> scoring(Scoring s) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("score", s.score().id());
		m.put("image_statistic", "maximum of the anomaly map; a plane is anomalous when it exceeds the threshold, " +
			"exactly where the map's mask is not empty");
		Map<String, Object> cal = new LinkedHashMap<>();
		for (ScoreKind k : ScoreKind.values())
			if (s.calibrations().containsKey(k)) cal.put(k.id(), calibration(s.calibrations().get(k)));
		m.put("calibrations", cal);
		m.put("residual_sigma", s.residualSigma());
		if (s.calibrations().containsKey(ScoreKind.COMBINED)) m.put("density_weight", s.densityWeight());
		if (s.density() != null) m.put("density", density(s.density()));
		if (s.texture() != null) m.put("texture", texture(s.texture()));
		return m;
	}

	static Scoring scoring(Map<String, Object> json) {
		Object score = json.get("score");
		if (!(score instanceof String s)) throw new IllegalArgumentException("manifest.json: scoring lacks 'score'");
		Object cal = json.get("calibrations");
		if (!(cal instanceof Map)) throw new IllegalArgumentException("manifest.json: scoring lacks 'calibrations'");
		Map<ScoreKind, MapCalibration> calibrations = new EnumMap<>(ScoreKind.class);
		for (Map.Entry<String, Object> e : object(cal).entrySet()) {
			ScoreKind kind = ScoreKind.parse(e.getKey());
			if (!(e.getValue() instanceof Map)) throw new IllegalArgumentException("manifest.json: calibration of " +
				e.getKey() + " is not an object");
			calibrations.put(kind, named("scoring.calibrations." + e.getKey(), () -> calibration(object(e.getValue()))));
		}
		Object density = json.get("density"), texture = json.get("texture");
		double densityWeight = EarlierVersions.densityWeight(json.get("density_weight"));
		return new Scoring(ScoreKind.parse(s), calibrations, density instanceof Map ? density(object(density)) : null,
			Json.number(json, "residual_sigma"), densityWeight, texture instanceof Map ? texture(object(texture)) : null);
	}

	static Map<String, Object> calibration(MapCalibration c) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("scale", "0 = median normal map pixel, 1 = the image threshold for a plane of that size, set so that " +
			"a share false_positive_rate of normal planes exceeds it");
		m.put("false_positive_rate", c.falsePositiveRate());
		m.put("raw_median", c.median());
		m.put("block", c.block());
		m.put("blocks", c.blocks());
		m.put("raw_block_max_quantiles", Json.doubles(c.quantiles()));
		m.put("raw_tail_start", c.tailStart());
		m.put("raw_tail_scale", c.tailScale());
		m.put("reference_area", c.referenceArea());
		m.put("raw_threshold_reference_area", c.rawThreshold(c.referenceArea()));
		return m;
	}

	static MapCalibration calibration(Map<String, Object> json) {
		return new MapCalibration(Json.number(json, "raw_median"), Json.integer(json, "block"),
			Json.doubles(json, "raw_block_max_quantiles"), Json.number(json, "raw_tail_start"),
			Json.number(json, "raw_tail_scale"), Json.integer(json, "blocks"),
			Json.number(json, "false_positive_rate"), (long) Json.number(json, "reference_area"));
	}

	static Map<String, Object> density(DensityModel d) {
		// in this order in every file (Map.of's order changes from run to run)
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("mean", Json.doubles(d.mean()));
		m.put("precision", Json.doubles(d.precision()));
		return m;
	}

	static DensityModel density(Map<String, Object> json) {
		return new DensityModel(Json.doubles(json, "mean"), Json.doubles(json, "precision"));
	}

	static Map<String, Object> mixture(GaussianMixture g) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("weights", Json.doubles(g.weights()));
		m.put("means", Json.doubles(g.means()));
		m.put("precisions", Json.doubles(g.precisions()));
		m.put("log_determinants", Json.doubles(g.logDets()));
		return m;
	}

	static GaussianMixture mixture(Map<String, Object> json) {
		return new GaussianMixture(Json.doubles(json, "weights"), Json.doubles(json, "means"),
			Json.doubles(json, "precisions"), Json.doubles(json, "log_determinants"));
	}

	static Map<String, Object> texture(TextureModel t) {
		Map<String, Object> m = new LinkedHashMap<>();
		if (!EarlierVersions.writesNoFeatureSet(t.features())) m.put("feature_set", t.features().id());
		m.put("features", t.features().description());
		m.put("scales", Json.doubles(t.scales()));
		m.put("sigma", t.sigma());
		m.put("density", mixture(t.density()));
		if (t.intensities() != null) {
			Map<String, Object> i = new LinkedHashMap<>();
			i.put("low", Json.doubles(t.intensities().low()));
			i.put("high", Json.doubles(t.intensities().high()));
			m.put("intensities", i);
		}
		if (t.border() != null) {
			Map<String, Object> b = new LinkedHashMap<>();
			b.put("median", Json.doubles(t.border().median()));
			b.put("top", Json.doubles(t.border().top()));
			m.put("border", b);
		}
		return m;
	}

	static TextureModel texture(Map<String, Object> json) {
		Object density = json.get("density");
		if (!(density instanceof Map)) throw new IllegalArgumentException("manifest.json: scoring.texture lacks 'density'");
		Object intensities = json.get("intensities"), featureSet = json.get("feature_set"), border = json.get("border");
		FeatureSet features = EarlierVersions.textureFeatures(featureSet instanceof String f ? f : null);
		Intensities range = intensities instanceof Map ? named("scoring.texture.intensities", () -> new Intensities(Json
			.doubles(object(intensities), "low"), Json.doubles(object(intensities), "high"))) : null;
		return named("scoring.texture", () -> new TextureModel(Json.doubles(json, "scales"), Json.number(json, "sigma"),
			features, named("scoring.texture.density", () -> mixture(object(density))), range, border instanceof Map ? border(
				object(border)) : null));
	}

	private static BorderProfile border(Map<String, Object> json) {
		return named("scoring.texture.border", () -> new BorderProfile(Json.doubles(json, "median"), Json.doubles(json,
			"top")));
	}

	/**
	 * What {@code make} reads, its refusal named by the manifest's {@code field} ("manifest.json:
	 * scoring.texture.border: …") unless it names the file itself.
	 */
	static <T> T named(String field, java.util.function.Supplier<T> make) {
		try {
			return make.get();
		}
		catch (IllegalArgumentException e) {
			if (e.getMessage() != null && e.getMessage().startsWith("manifest.json")) throw e;
			throw new IllegalArgumentException("manifest.json: " + field + ": " + e.getMessage(), e);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> object(Object value) {
		return (Map<String, Object>) value;
	}
}
