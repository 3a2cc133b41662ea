package sc.fiji.ganomaly.engine;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How batch norm normalises in the network's scoring path. Stored in a model's manifest by
 * {@link #id()} ({@code network.scoring_normalization}).
 */
public enum ScoringNormalization {

	/** The moving statistics of training (eval mode): a patch's score does not depend on its batch. */
	MOVING("moving", true),

	/**
	 * Each patch by its own per-channel spatial mean and variance: training-mode batch norm with a
	 * batch of one, as the reference's authors scored.
	 */
	SAMPLE("sample", true),

	/**
	 * The statistics of the scored batch (the reference's test loop): a patch's score depends on the
	 * other patches of its batch, so models are never trained or stored with it; for comparisons only.
	 */
	BATCH("batch", false);

	/** Scoring normalisation of models that do not name one. */
	public static final ScoringNormalization DEFAULT = MOVING;

	private final String id;
	/** True if a model may be trained and stored with it (its scores then depend on the patch alone). */
	private final boolean storable;

	ScoringNormalization(String id, boolean storable) {
		this.id = id;
		this.storable = storable;
	}

	/** The name in manifests and settings. */
	public String id() {
		return id;
	}

	/**
	 * The storable normalisation named {@code id}.
	 *
	 * @param key   names the setting in the refusal
	 * @param shown {@code id} as the refusal shows it (a hostile file's value shortened)
	 * @throws IllegalArgumentException "KEY must be 'moving' or 'sample', not SHOWN" for any other id
	 */
	public static ScoringNormalization parse(String key, Object id, String shown) {
		for (ScoringNormalization n : values())
			if (n.storable && n.id.equals(id)) return n;
		throw new IllegalArgumentException(key + " must be " + Arrays.stream(values()).filter(n -> n.storable).map(n ->
			"'" + n.id + "'").collect(Collectors.joining(" or ")) + ", not " + shown);
	}

	@Override
	public String toString() {
		return id;
	}
}
