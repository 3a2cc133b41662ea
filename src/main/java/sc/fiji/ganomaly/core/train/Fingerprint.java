package sc.fiji.ganomaly.core.train;

import sc.fiji.ganomaly.core.api.Normalization;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.ScoringNormalization;

/**
 * What must not change between a training and its resumption from a checkpoint: the network, the
 * sampling of patches, the normalisation, the number of planes and their normalised values (a
 * 64-bit digest). Stored in checkpoints as {@link #text()}.
 */
record Fingerprint(NetworkSpec spec, int batchSize, int patchesPerEpoch, boolean augment, Normalization normalization,
		double validationFraction, int planes, long data)
{

	static Fingerprint of(NetworkSpec spec, sc.fiji.ganomaly.core.api.TrainingSettings settings,
		java.util.List<sc.fiji.ganomaly.core.plane.NormalizedPlane> planes)
	{
		return new Fingerprint(spec, settings.batchSize(), settings.patchesPerEpoch(), settings.augment(),
			settings.normalization(), settings.validationFraction(), planes.size(), digest(planes));
	}

	/** A 64-bit digest (FNV-1a over the bits) of the planes' sizes, channels and normalised values, in order. */
	static long digest(java.util.List<sc.fiji.ganomaly.core.plane.NormalizedPlane> planes) {
		long h = 0xcbf29ce484222325L;
		for (sc.fiji.ganomaly.core.plane.NormalizedPlane p : planes) {
			h = (h ^ p.width()) * 0x100000001b3L;
			h = (h ^ p.height()) * 0x100000001b3L;
			h = (h ^ p.channels()) * 0x100000001b3L;
			float[] v = p.data();
			for (int i = 0, n = p.width() * p.height() * p.channels(); i < n; i++)
				h = (h ^ Float.floatToIntBits(v[i])) * 0x100000001b3L;
		}
		return h;
	}

	/** What each part of {@link #text()} is, in order, as a message names it. */
	private static final java.util.List<String> PARTS = java.util.List.of("patch size", "channels", "nz", "ngf", "ndf",
		"extra layers", "adversarial weight", "contextual weight", "encoder weight", "learning rate", "seed", "batch size",
		"patches per epoch", "augmentation", "normalisation", "validation fraction", "training planes", "data",
		"scoring normalisation");

	/**
	 * What differs between the {@link #text()} a checkpoint stored and this training's, part by part
	 * ("batch size 64, now 32; the training images' pixels changed"); both texts where their parts
	 * do not line up.
	 */
	static String differences(String stored, String now) {
		String[] was = stored.split("/", -1), is = now.split("/", -1);
		if (Math.abs(was.length - is.length) > 1 || Math.max(was.length, is.length) > PARTS.size()) return stored +
			", now " + now;
		java.util.List<String> out = new java.util.ArrayList<>();
		for (int i = 0; i < Math.max(was.length, is.length); i++) {
			String a = i < was.length ? value(was[i]) : "the default", b = i < is.length ? value(is[i]) : "the default";
			if (a.equals(b)) continue;
			out.add(PARTS.get(i).equals("data") ? "the training images' pixels changed" : PARTS.get(i) + " " + a +
				", now " + b);
		}
		return out.isEmpty() ? stored + ", now " + now : String.join("; ", out);
	}

	/** A part of the text without the word that names it there ("batch 64": 64). */
	private static String value(String part) {
		for (String word : new String[] { "seed ", "batch ", "patches ", "planes ", "data ", "scoring " })
			if (part.startsWith(word)) return part.substring(word.length());
		return part;
	}

	/**
	 * The text stored in checkpoints. The scoring mode (it sets the validation loss) is named only when
	 * it is not the default, so that checkpoints of trainings that had no choice still resume.
	 */
	String text() {
		return spec.patchSize() + "/" + spec.channels() + "/" + spec.nz() + "/" + spec.ngf() + "/" + spec.ndf() + "/" +
			spec.extraLayers() + "/" + spec.wAdv() + "/" + spec.wCon() + "/" + spec.wEnc() + "/" + spec.learningRate() +
			"/seed " + spec.seed() + "/batch " + batchSize + "/patches " + patchesPerEpoch + "/" + augment + "/" +
			normalization + "/" + validationFraction + "/planes " + planes + "/data " + Long.toHexString(data) +
			(spec.scoringNormalization() == ScoringNormalization.DEFAULT ? "" : "/scoring " + spec.scoringNormalization()
				.id());
	}
}
