package sc.fiji.ganomaly.core.texture;

/**
 * The values computed per channel and scale s, over a Gaussian window of sigma s. Stored in the
 * manifest by {@link #id()} ({@code feature_set}).
 */
public enum FeatureSet {

	/**
	 * The local mean, the log of the local variance, the log of the local gradient energy and the
	 * log of the local energy of the Laplacian of the image smoothed at s/2.
	 */
	STATISTICS("statistics", 4, "per channel and scale: local mean, log local variance, log local gradient " +
		"energy, log local energy of the Laplacian"),

	/**
	 * {@link #STATISTICS} and two values of the local gradients: their coherence (how much they
	 * share one orientation, from the structure tensor: 0 isotropic, 1 a line or an edge) and
	 * their sparsity, log((mean |∇|)² / mean |∇|²) (0 when every gradient is alike, very
	 * negative where a few strong edges dominate). Scratches, fibres and materials of another
	 * grain differ from normal texture in these more than in its energies (docs/benchmarks.md,
	 * "Fourth pass").
	 */
	STATISTICS_AND_GRADIENTS("statistics+gradients", 6, "per channel and scale: local mean, log local " +
		"variance, log local gradient energy, log local energy of the Laplacian, gradient coherence, gradient " +
		"sparsity");

	private final String id, description;
	private final int perScale;

	FeatureSet(String id, int perScale, String description) {
		this.id = id;
		this.perScale = perScale;
		this.description = description;
	}

	/** The name in the manifest. */
	public String id() {
		return id;
	}

	/** What the values are, in words (written to manifests). */
	public String description() {
		return description;
	}

	/** Values per channel and scale. */
	public int perScale() {
		return perScale;
	}

	/** The features of the manifest's {@code id}; {@link #STATISTICS} if absent (null). */
	public static FeatureSet parse(String id) {
		for (FeatureSet f : values())
			if (f.id.equals(id)) return f;
		throw new IllegalArgumentException("manifest.json: unknown texture features '" + id + "' (this version " +
			"knows " + java.util.Arrays.stream(values()).map(FeatureSet::id).toList() + "); update the plugin");
	}
}
