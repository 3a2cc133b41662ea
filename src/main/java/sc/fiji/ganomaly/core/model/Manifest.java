package sc.fiji.ganomaly.core.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.ScoringNormalization;
import sc.fiji.ganomaly.core.api.Normalization;
import sc.fiji.ganomaly.core.api.Refusals;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.calibrate.PatchCalibration;
import sc.fiji.ganomaly.core.json.Json;

/**
 * What a model file says about its network besides the weights: format version, network
 * settings, input normalisation, score calibration, threshold and a training summary. Written
 * as {@code manifest.json}.
 *
 * @param formatVersion   {@link #FORMAT_VERSION} when written by this version
 * @param createdBy       program and version that wrote the file
 * @param spec            the network's settings
 * @param normalization   how input intensities were mapped to [-1, 1]
 * @param calibration     the latent score's raw scale per patch, measured on held-out normal patches;
 *                        null for a model without a network (trained for a score that needs none,
 *                        {@link ScoreKind#needsNetwork()}): its file holds no SavedModel
 * @param threshold       default threshold on the calibrated scale
 * @param training        what the file says of the training: the training images' sources, how it ended,
 *                        figures for people (epochs, losses, speed)
 * @param scoring         score used for maps and how each score is calibrated; null: the latent
 *                        score per patch ({@link EarlierVersions})
 */
public record Manifest(int formatVersion, String createdBy, NetworkSpec spec, Normalization normalization,
		PatchCalibration calibration, double threshold, TrainingReport training, Scoring scoring)
{

	/** A null training is a report of nothing. */
	public Manifest {
		training = training == null ? TrainingReport.of(Map.of()) : training;
	}

	/** A manifest without image scoring: the latent score per patch. */
	public Manifest(int formatVersion, String createdBy, NetworkSpec spec, Normalization normalization,
		PatchCalibration calibration, double threshold, TrainingReport training)
	{
		this(formatVersion, createdBy, spec, normalization, calibration, threshold, training, null);
	}

	/** True if the model has a network (a SavedModel); false for one trained for a score that needs none. */
	public boolean hasNetwork() {
		return calibration != null;
	}

	/** The score this model's maps show. */
	public ScoreKind score() {
		return scoring == null ? ScoreKind.LATENT : scoring.score();
	}

	/**
	 * The same manifest scoring with another of its calibrated scores.
	 *
	 * @throws IllegalArgumentException if the model has no calibration for that score (a manifest
	 *                                  without scoring has only the latent score)
	 */
	public Manifest withScore(ScoreKind score) {
		if (scoring == null) {
			if (score == ScoreKind.LATENT) return this;
			throw new IllegalArgumentException("this model was trained before the score '" + score.id() + "' existed; " +
				"it scores with 'latent' only (retrain it to use '" + score.id() + "')");
		}
		if (!hasNetwork() && score.needsNetwork()) throw new IllegalArgumentException("this model has no network: it " +
			"was trained for the " + scoring.score().id() + " score, which needs none; to use '" + score.id() +
			"', train a model with the score " + score.id() + " (its file then holds every score)");
		return withScoring(scoring.withScore(score));
	}

	/** The same manifest with another scoring. */
	public Manifest withScoring(Scoring s) {
		return new Manifest(formatVersion, createdBy, spec, normalization, calibration, threshold, training, s);
	}

	/** The channels of the training images the model's channels are ({@link TrainingReport.Sources#channels}). */
	public List<Integer> inputChannels() {
		return training.sources().channels();
	}

	/** The kinds of pixels the training images had ({@link TrainingReport.Sources#pixelTypes}). */
	public List<String> inputPixelTypes() {
		return training.sources().pixelTypes();
	}

	/** How many channels the source images of {@link #inputChannels()} had; 0 when none were picked. */
	public int inputChannelCount() {
		return training.sources().channelCount();
	}

	/** The model file format this code writes and reads. */
	public static final int FORMAT_VERSION = 1;

	/** Name of this program in manifests. */
	public static final String PROGRAM = "ganomaly-fiji 0.1.0";

	/** The manifest as JSON. */
	public String toJson() {
		Map<String, Object> network = new LinkedHashMap<>();
		network.put("patch_size", spec.patchSize());
		network.put("channels", spec.channels());
		network.put("nz", spec.nz());
		network.put("ngf", spec.ngf());
		network.put("ndf", spec.ndf());
		network.put("extra_layers", spec.extraLayers());
		network.put("w_adv", spec.wAdv());
		network.put("w_con", spec.wCon());
		network.put("w_enc", spec.wEnc());
		network.put("learning_rate", spec.learningRate());
		network.put("beta1", spec.beta1());
		network.put("beta2", spec.beta2());
		network.put("seed", spec.seed());
		network.put("scoring_normalization", spec.scoringNormalization().id());
		Map<String, Object> norm = new LinkedHashMap<>();
		norm.put("mode", normalization.percentiles() ? "percentile" : "fixed");
		norm.put("low", normalization.low());
		norm.put("high", normalization.high());
		Map<String, Object> cal = null;
		if (hasNetwork()) {
			cal = new LinkedHashMap<>();
			cal.put("scale", "patch scores of the latent score: 0 = median of held-out normal patches, 1 = their 99th " +
				"percentile" + (scoring == null ? "" : " (used only by readers that do not know 'scoring')"));
			cal.put("raw_median", calibration.median());
			cal.put("raw_p99", calibration.p99());
		}
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("format", "ganomaly-model");
		root.put("format_version", formatVersion);
		root.put("created_by", createdBy);
		root.put("network", network);
		root.put("normalization", norm);
		if (cal != null) root.put("calibration", cal);
		root.put("threshold", threshold);
		if (scoring != null) root.put("scoring", ModelJson.scoring(scoring));
		root.put("training", training.toJson());
		// a model without a network has neither a per-patch calibration nor a SavedModel
		if (hasNetwork()) {
			// keys in this order in every file (Map.of's order changes from run to run)
			Map<String, Object> saved = new LinkedHashMap<>();
			saved.put("signature", "serving_default");
			saved.put("input", "x: float32 [N, size, size, channels] in [-1, 1]");
			saved.put("outputs", scoring == null ? List.of("score", "reconstruction", "reconstruction_error") : List.of(
				"score", "reconstruction", "reconstruction_error", "latent"));
			root.put("saved_model", saved);
		}
		return Json.write(root);
	}

	/**
	 * Reads a manifest; throws {@link IllegalArgumentException} saying what is missing or wrong.
	 * Threads come from the reading machine, not the file.
	 */
	public static Manifest fromJson(String json, int threads) {
		Object parsed;
		try {
			parsed = Json.parse(json);
		}
		catch (IllegalArgumentException e) {
			throw new IllegalArgumentException("manifest.json is not valid JSON (" + e.getMessage() + ")");
		}
		if (!(parsed instanceof Map)) throw new IllegalArgumentException("manifest.json is not a GANomaly model manifest " +
			"(it holds " + shown(parsed) + ", not an object)");
		Map<String, Object> root = object(parsed, "manifest");
		if (!"ganomaly-model".equals(root.get("format")))
			throw new IllegalArgumentException("manifest.json is not a GANomaly model manifest");
		int version = Json.integer(root, "format_version");
		if (version != FORMAT_VERSION) throw new IllegalArgumentException("model format version " + version +
			" is not supported by " + PROGRAM + " (it reads version " + FORMAT_VERSION + ")");
		Map<String, Object> n = object(root.get("network"), "network");
		NetworkSpec spec;
		try {
			spec = new NetworkSpec(Json.integer(n, "patch_size"), Json.integer(n, "channels"), Json.integer(n, "nz"), Json.integer(n, "ngf"),
				Json.integer(n, "ndf"), Json.integer(n, "extra_layers"), (float) Json.number(n, "w_adv"), (float) Json.number(n, "w_con"),
				(float) Json.number(n, "w_enc"), (float) Json.number(n, "learning_rate"), (float) Json.number(n, "beta1"),
				(float) Json.number(n, "beta2"), threads, (long) Json.number(n, "seed"),
				scoringNormalization(n.get("scoring_normalization")));
		}
		catch (IllegalArgumentException e) {
			String m = e.getMessage();
			// the settings named as the file names them (patchSize: patch_size)
			throw new IllegalArgumentException(m.startsWith("manifest.json") ? m : "manifest.json: network: " + snakeCase(m),
				e);
		}
		Map<String, Object> norm = object(root.get("normalization"), "normalization");
		Object mode = norm.get("mode");
		if (!"percentile".equals(mode) && !"fixed".equals(mode))
			throw new IllegalArgumentException("normalization mode must be 'percentile' or 'fixed', not " + shown(mode));
		Normalization normalization = ModelJson.named("normalization", () -> new Normalization("percentile".equals(mode),
			Json.number(norm, "low"), Json.number(norm, "high")));
		PatchCalibration calibration = null;
		if (root.containsKey("saved_model")) {
			Map<String, Object> cal = object(root.get("calibration"), "calibration");
			calibration = new PatchCalibration(Json.number(cal, "raw_median"), Json.number(cal, "raw_p99"));
		}
		else if (root.containsKey("calibration")) throw new IllegalArgumentException("manifest.json has a per-patch " +
			"calibration but no saved_model: a model has both (a network) or neither");
		Object training = root.get("training");
		Object scoring = root.get("scoring");
		return ManifestCheck.check(new Manifest(version, root.get("created_by") instanceof String by ? by : "unknown", spec, normalization,
			calibration, Json.number(root, "threshold"), training instanceof Map ? TrainingReport.fromJson(object(training,
				"training"), spec.channels()) : TrainingReport.of(Map.of()),
			scoring == null ? null : ModelJson.scoring(object(scoring, "scoring"))));
	}

	/** {@code message} with the camel-case settings it names in the manifest's spelling ({@code patch_size}). */
	private static String snakeCase(String message) {
		return Refusals.renameSettings(message, setting -> Refusals.words(setting, "_"));
	}

	/** The network's scoring normalisation; see {@link EarlierVersions#SCORING_NORMALIZATION} when absent. */
	private static ScoringNormalization scoringNormalization(Object value) {
		if (value == null) return EarlierVersions.SCORING_NORMALIZATION;
		return ScoringNormalization.parse("manifest.json: scoring_normalization", value, shown(value));
	}

	/** A value from the file for a message: a string or number, shortened, else its kind (never a whole tree). */
	private static String shown(Object value) {
		if (value instanceof String || value instanceof Number || value instanceof Boolean || value == null) {
			String s = String.valueOf(value);
			return s.length() > 40 ? s.substring(0, 40) + "..." : s;
		}
		return value instanceof Map ? "an object" : "a list";
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> object(Object value, String name) {
		if (!(value instanceof Map)) throw new IllegalArgumentException("manifest.json lacks the object '" + name + "'");
		return (Map<String, Object>) value;
	}
}
