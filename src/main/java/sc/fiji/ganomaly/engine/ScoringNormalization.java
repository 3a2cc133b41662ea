package sc.fiji.ganomaly.engine;

import java.util.Arrays;
import java.util.Optional;
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
	private final boolean storable;

	ScoringNormalization(String id, boolean storable) {
		this.id = id;
		this.storable = storable;
	}

	/** The name in manifests and settings. */
	public String id() {
		return id;
	}

	/** True if a model may be trained and stored with it (its scores then depend on the patch alone). */
	public boolean storable() {
		return storable;
	}

	/** The storable normalisation named {@code id}, if there is one. */
	public static Optional<ScoringNormalization> storable(Object id) {
		return Arrays.stream(values()).filter(n -> n.storable && n.id.equals(id)).findFirst();
	}

	/** The ids of the storable normalisations, for messages: "'moving' or 'sample'". */
	public static String storableInWords() {
		return Arrays.stream(values()).filter(n -> n.storable).map(n -> "'" + n.id + "'").collect(Collectors.joining(
			" or "));
	}

	@Override
	public String toString() {
		return id;
	}
}
