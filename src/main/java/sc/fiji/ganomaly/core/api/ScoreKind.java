package sc.fiji.ganomaly.core.api;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The kinds of anomaly score a model can map, in the order manifests and messages list them. Manifests, the command line and macros name them by {@link #id()};
 * {@link #parse} reads those names.
 */
public enum ScoreKind {

	/** The paper's score: mean squared difference of the latent codes E(x) and E'(G(x)), per patch. */
	LATENT(true, false, false),
	/** Per-pixel |x − G(x)|, averaged over the windows covering a pixel, smoothed a little. */
	RESIDUAL(true, false, false),
	/** Squared Mahalanobis distance of a patch's latent code to a Gaussian of normal codes. */
	DENSITY(true, false, true),
	/**
	 * −2 log p of multi-scale local image statistics under a mixture of Gaussians of those of normal
	 * data (the texture model); needs no network.
	 */
	TEXTURE(false, true, false),
	/**
	 * The texture map plus 1.5 times the density map (the weight the model states), each on its
	 * calibrated scale (1 = its threshold):
	 * the network's view of the whole object and the texture statistics' view of local detail in one
	 * map, with a threshold of its own.
	 */
	COMBINED(true, true, true);

	/** The name of the default choice of training, "auto": the score {@link #forPlanes} picks. */
	public static final String AUTO = "auto";
	/** The name a scoring run gives the model's own score (also the default). */
	public static final String MODEL = "model";

	/**
	 * The default score of a model trained on planes of {@code medianArea} pixels with windows of
	 * {@code patchSize}², chosen by the detection suite (docs/benchmarks.md, "One detector for both
	 * kinds of anomaly"): {@link #COMBINED} for planes of one window (crops of single objects, where the
	 * network's latent codes see a different object), {@link #TEXTURE} for planes of two windows or
	 * more (fields, tissue, photographs, where the network's scores stay near chance and the anomaly
	 * is local).
	 */
	public static ScoreKind forPlanes(long medianArea, int patchSize) {
		return medianArea < 2L * patchSize * patchSize ? COMBINED : TEXTURE;
	}

	private final String id;
	private final boolean needsNetwork, usesTexture, usesDensity;

	ScoreKind(boolean needsNetwork, boolean usesTexture, boolean usesDensity) {
		id = name().toLowerCase(Locale.ROOT);
		this.needsNetwork = needsNetwork;
		this.usesTexture = usesTexture;
		this.usesDensity = usesDensity;
	}

	/**
	 * True if the network computes this score, so that a model scoring with it loads the engine
	 * (TensorFlow) and its SavedModel; false for {@link #TEXTURE}, computed in plain Java.
	 */
	public boolean needsNetwork() {
		return needsNetwork;
	}

	/**
	 * True if this score's maps hold the texture statistics ({@link #TEXTURE}, {@link #COMBINED}), so
	 * that its model needs a texture model and the image's intensities are compared with the training
	 * images'.
	 */
	public boolean usesTexture() {
		return usesTexture;
	}

	/**
	 * True if this score's maps hold the density of the latent codes ({@link #DENSITY}, {@link #COMBINED}),
	 * so that its model needs a density model.
	 */
	public boolean usesDensity() {
		return usesDensity;
	}

	/** The lower-case name of manifests, the command line and macros: "texture", "latent", … */
	public String id() {
		return id;
	}

	/**
	 * The score named {@code id} (as {@link #id()} gives it).
	 *
	 * @throws IllegalArgumentException naming the scores, unless {@code id} is one of them
	 */
	public static ScoreKind parse(String id) {
		return named(id, "");
	}

	/**
	 * The score a scoring run is asked for: null for {@value #MODEL} (the model's own score), else the
	 * score named {@code id}.
	 *
	 * @throws IllegalArgumentException naming "model" and the scores, unless {@code id} is one of them
	 */
	public static ScoreKind parseScoring(String id) {
		return MODEL.equals(id) ? null : named(id, MODEL + ", ");
	}

	/**
	 * The score a training is asked for: null for {@value #AUTO} (the score {@link #forPlanes} picks
	 * from the training planes), else the score named {@code id}.
	 *
	 * @throws IllegalArgumentException naming "auto" and the scores, unless {@code id} is one of them
	 */
	public static ScoreKind parseChoice(String id) {
		return AUTO.equals(id) ? null : named(id, AUTO + ", ");
	}

	/** The name of a training's choice of score: {@value #AUTO} for null, else the score's id. */
	public static String choiceId(ScoreKind choice) {
		return choice == null ? AUTO : choice.id;
	}

	/** The score named {@code id}, or the error that lists {@code first} and the scores. */
	private static ScoreKind named(String id, String first) {
		for (ScoreKind s : values())
			if (s.id.equals(id)) return s;
		throw unknown(id, first);
	}

	/** The error for a name that is no score: it lists {@code first} and the scores. */
	private static IllegalArgumentException unknown(String id, String first) {
		return new IllegalArgumentException("score must be one of " + first + ids(List.of(values())) + ", not " + id);
	}

	/** The ids of {@code scores}, comma-separated, in declaration order. */
	public static String ids(Collection<ScoreKind> scores) {
		return java.util.Arrays.stream(values()).filter(scores::contains).map(ScoreKind::id).collect(Collectors.joining(", "));
	}
}
