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
	LATENT(true),
	/** Per-pixel |x − G(x)|, averaged over the windows covering a pixel, smoothed a little. */
	RESIDUAL(true),
	/** Squared Mahalanobis distance of a patch's latent code to a Gaussian of normal codes. */
	DENSITY(true),
	/**
	 * −2 log p of multi-scale local image statistics under a mixture of Gaussians of those of normal
	 * data (the texture model); needs no network.
	 */
	TEXTURE(false);

	/**
	 * The default of new models, chosen by the detection suite (docs/benchmarks.md, "Detection
	 * suite"): {@link #TEXTURE} finds the suite's anomalies in microscopy-like images and in
	 * photographs of tissue, stars, cells and a natural surface (pixel ROC AUC 0.94–0.99), where the
	 * network's scores stay near chance. {@link #LATENT}, the paper's score, stays one switch away.
	 */
	public static final ScoreKind DEFAULT = TEXTURE;

	private final String id;
	private final boolean needsNetwork;

	ScoreKind(boolean needsNetwork) {
		id = name().toLowerCase(Locale.ROOT);
		this.needsNetwork = needsNetwork;
	}

	/**
	 * True if the network computes this score, so that a model scoring with it loads the engine
	 * (TensorFlow) and its SavedModel; false for {@link #TEXTURE}, computed in plain Java.
	 */
	public boolean needsNetwork() {
		return needsNetwork;
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
		for (ScoreKind s : values())
			if (s.id.equals(id)) return s;
		throw unknown(id);
	}

	/** The error for a name that is no score: it lists the scores. */
	static IllegalArgumentException unknown(String id) {
		return new IllegalArgumentException("score must be one of " + ids(List.of(values())) + ", not " + id);
	}

	/** The ids of {@code scores}, comma-separated, in declaration order. */
	public static String ids(Collection<ScoreKind> scores) {
		return java.util.Arrays.stream(values()).filter(scores::contains).map(ScoreKind::id).collect(Collectors.joining(", "));
	}
}
