package sc.fiji.ganomaly.core.api;

import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.ScoringNormalization;

/**
 * Training settings. Defaults are those of the GANomaly reference (patch 32, nz 100, 64 filters,
 * loss weights 1/50/1, Adam 2e-4 with beta1 0.5, batch 64, 15 epochs). Setters return this, so
 * settings read well in Java and Jython alike; {@link #validate()} names the first bad value.
 */
public final class TrainingSettings {

	private int patchSize = 32;
	private int nz = 100;
	private int ngf = 64;
	private int ndf = 64;
	private int extraLayers = 0;
	private float wAdv = 1, wCon = 50, wEnc = 1;
	/**
	 * The least false-positive rate a threshold is read at: one plane in a million, already far out on
	 * the fitted tail; below it the threshold would run to infinity and every score to 0.
	 */
	public static final double MIN_FALSE_POSITIVE_RATE = 1e-6;
	/** The false-positive rate must lie below this: half the normal planes. */
	public static final double MAX_FALSE_POSITIVE_RATE = 0.5;

	private float learningRate = 2e-4f, beta1 = 0.5f, beta2 = 0.999f;
	private int batchSize = 64;
	private int epochs = 15;
	private int patchesPerEpoch = 0;
	/** Null: chosen from the training planes ({@link ScoreKind#forPlanes}). */
	private ScoreKind score;
	/** Share of normal planes the default threshold aims to flag. */
	public static final double DEFAULT_FALSE_POSITIVE_RATE = 0.01;

	private double falsePositiveRate = DEFAULT_FALSE_POSITIVE_RATE;
	private long seed = 0;
	private double validationFraction = 0.1;
	private int threads = 0;
	private boolean augment = true;
	private int statisticsBatches = 0;
	private ScoringNormalization scoringNormalization = ScoringNormalization.DEFAULT;
	private java.nio.file.Path checkpointFolder;
	private boolean resume;
	private Normalization normalization = Normalization.DEFAULT;

	/** A copy that can be changed independently. */
	public TrainingSettings copy() {
		TrainingSettings s = new TrainingSettings();
		s.patchSize = patchSize; s.nz = nz; s.ngf = ngf; s.ndf = ndf; s.extraLayers = extraLayers;
		s.wAdv = wAdv; s.wCon = wCon; s.wEnc = wEnc;
		s.learningRate = learningRate; s.beta1 = beta1; s.beta2 = beta2;
		s.batchSize = batchSize; s.epochs = epochs; s.patchesPerEpoch = patchesPerEpoch; s.seed = seed;
		s.score = score; s.falsePositiveRate = falsePositiveRate;
		s.validationFraction = validationFraction; s.threads = threads; s.augment = augment;
		s.statisticsBatches = statisticsBatches;
		s.scoringNormalization = scoringNormalization;
		s.checkpointFolder = checkpointFolder;
		s.resume = resume;
		s.normalization = normalization;
		return s;
	}

	/** Throws an {@link IllegalArgumentException} naming the first invalid setting. */
	public TrainingSettings validate() {
		ScoringNormalization.parse("scoringNormalization", scoringNormalization == null ? null : scoringNormalization.id(),
			String.valueOf(scoringNormalization));
		networkSpec(1); // the network's settings: patchSize, nz, ngf, ndf, extraLayers, threads
		// the manifest records it as a JSON number, which holds whole numbers exactly up to 2^53
		if (Math.abs(seed) > 1L << 53) throw new IllegalArgumentException("seed must lie between -" + (1L << 53) +
			" and " + (1L << 53) + ", not " + seed);
		positive("batchSize", batchSize);
		positive("epochs", epochs);
		if (patchesPerEpoch < 0)
			throw new IllegalArgumentException("patchesPerEpoch must be 0 (automatic) or positive, not " + patchesPerEpoch);
		if (!(falsePositiveRate >= MIN_FALSE_POSITIVE_RATE && falsePositiveRate < MAX_FALSE_POSITIVE_RATE))
			throw new IllegalArgumentException("falsePositiveRate must lie from " + MIN_FALSE_POSITIVE_RATE + " to below " +
				MAX_FALSE_POSITIVE_RATE + ", not " + falsePositiveRate);
		if (!(validationFraction > 0 && validationFraction < 0.5)) throw new IllegalArgumentException(
			"validationFraction must lie between 0 and 0.5 (exclusive), not " + validationFraction);
		if (resume && checkpointFolder == null)
			throw new IllegalArgumentException("resume needs a checkpointFolder to resume from");
		if (statisticsBatches < 0)
			throw new IllegalArgumentException("statisticsBatches must be 0 (off) or positive, not " + statisticsBatches);
		if (!(learningRate > 0 && Float.isFinite(learningRate)))
			throw new IllegalArgumentException("learningRate must be positive, not " + learningRate);
		for (float w : new float[] { wAdv, wCon, wEnc })
			if (!(w >= 0 && Float.isFinite(w)))
				throw new IllegalArgumentException("loss weights must be finite and not negative, not " + w);
		return this;
	}

	/** The engine's view of these settings for {@code channels} input channels. */
	public NetworkSpec networkSpec(int channels) {
		return new NetworkSpec(patchSize, channels, nz, ngf, ndf, extraLayers, wAdv, wCon, wEnc, learningRate, beta1,
			beta2, threads, seed, scoringNormalization);
	}

	private static void positive(String name, long value) {
		if (value <= 0) throw new IllegalArgumentException(name + " must be positive, not " + value);
	}

	/** Side of the square patches the network sees and the texture score's window, in pixels: 16, 32, 64 or 128. */
	public int patchSize() { return patchSize; }
	public TrainingSettings patchSize(int v) { patchSize = v; return this; }
	/** Length of the network's latent code. */
	public int nz() { return nz; }
	public TrainingSettings nz(int v) { nz = v; return this; }
	/** Width of the decoder (filters of its last hidden layer). */
	public int ngf() { return ngf; }
	public TrainingSettings ngf(int v) { ngf = v; return this; }
	/** Width of the encoders and the discriminator (filters of their first layer). */
	public int ndf() { return ndf; }
	public TrainingSettings ndf(int v) { ndf = v; return this; }
	/** Extra 3 × 3 convolution layers in each encoder and decoder. */
	public int extraLayers() { return extraLayers; }
	public TrainingSettings extraLayers(int v) { extraLayers = v; return this; }
	/** Weight of the adversarial (feature-matching) loss. */
	public float wAdv() { return wAdv; }
	public TrainingSettings wAdv(float v) { wAdv = v; return this; }
	/** Weight of the L1 reconstruction loss. */
	public float wCon() { return wCon; }
	public TrainingSettings wCon(float v) { wCon = v; return this; }
	/** Weight of the latent (encoder) loss. */
	public float wEnc() { return wEnc; }
	public TrainingSettings wEnc(float v) { wEnc = v; return this; }
	/** Adam's learning rate, for the generator and the discriminator. */
	public float learningRate() { return learningRate; }
	public TrainingSettings learningRate(float v) { learningRate = v; return this; }
	/** Adam's beta1. */
	public float beta1() { return beta1; }
	public TrainingSettings beta1(float v) { beta1 = v; return this; }
	/** Adam's beta2. */
	public float beta2() { return beta2; }
	public TrainingSettings beta2(float v) { beta2 = v; return this; }
	/** Patches per training step. */
	public int batchSize() { return batchSize; }
	public TrainingSettings batchSize(int v) { batchSize = v; return this; }
	/** Epochs of the network's training; the best one (lowest held-out loss) is kept. */
	public int epochs() { return epochs; }
	public TrainingSettings epochs(int v) { epochs = v; return this; }
	/** Patches per epoch when {@link #patchesPerEpoch()} is 0 (automatic). */
	public static final int AUTO_PATCHES_PER_EPOCH = 4096;

	/**
	 * Random patches drawn per epoch; 0: automatic, {@value #AUTO_PATCHES_PER_EPOCH} whatever the
	 * size of the data, so that small data sets are sampled many times over (with augmentation)
	 * and the amount of training is what the network needs, not how many tiles cover the images.
	 */
	public int patchesPerEpoch() { return patchesPerEpoch; }
	public TrainingSettings patchesPerEpoch(int v) { patchesPerEpoch = v; return this; }
	/**
	 * The score of the model's maps and image scores, or null (the default, "auto") for the one
	 * {@link ScoreKind#forPlanes} picks from the training planes: combined (texture plus density) for
	 * planes of one window, texture (multi-scale local image statistics against a mixture of
	 * Gaussians of normal ones) for larger planes. The others: latent (the paper's), residual
	 * (per-pixel reconstruction error) or density (Mahalanobis distance of the latent code to normal
	 * codes). A model trained for a score of the network calibrates every score; a texture model, which
	 * trains no network, only the texture score. The model stores which one it uses by default.
	 */
	public ScoreKind score() { return score; }
	/** Sets the score; null for the one {@link ScoreKind#forPlanes} picks ("auto"). */
	public TrainingSettings score(ScoreKind v) { score = v; return this; }
	/** Share of normal planes the image threshold aims to flag (default 0.01). */
	public double falsePositiveRate() { return falsePositiveRate; }
	public TrainingSettings falsePositiveRate(double v) { falsePositiveRate = v; return this; }
	/** Seed of every random choice of a training: the weights, the patches drawn, the held-out split, the texture fit. */
	public long seed() { return seed; }
	public TrainingSettings seed(long v) { seed = v; return this; }
	/** Share of the normal data held out to choose the best epoch and calibrate scores. */
	public double validationFraction() { return validationFraction; }
	public TrainingSettings validationFraction(double v) { validationFraction = v; return this; }
	/** Intra-op threads of TensorFlow and cores of the texture model's fit and calibration; 0: automatic (every core). */
	public int threads() { return threads; }
	public TrainingSettings threads(int v) { threads = v; return this; }
	/** Random flips and 90° rotations of training patches. */
	public boolean augment() { return augment; }
	public TrainingSettings augment(boolean v) { augment = v; return this; }
	/**
	 * Batches of training patches run after training to re-estimate the generator's batch-norm
	 * statistics with the final weights (0: keep the running averages from training).
	 */
	public int statisticsBatches() { return statisticsBatches; }
	public TrainingSettings statisticsBatches(int v) { statisticsBatches = v; return this; }
	/**
	 * How batch norm normalises when scoring: {@link ScoringNormalization#MOVING} (the running
	 * statistics of training) or {@link ScoringNormalization#SAMPLE} (each patch by its own
	 * per-channel mean and variance). Either way a patch's score does not depend on the other patches
	 * scored with it. Stored in the model.
	 */
	public ScoringNormalization scoringNormalization() { return scoringNormalization; }
	public TrainingSettings scoringNormalization(ScoringNormalization v) { scoringNormalization = v; return this; }
	/** Sets the scoring normalisation by its id, as a script writes it ("moving", "sample"). */
	public TrainingSettings scoringNormalization(String id) {
		scoringNormalization = ScoringNormalization.parse("scoringNormalization", id, "'" + id + "'");
		return this;
	}
	/** Where the state is saved after each epoch, for resuming; null: no checkpoints. */
	public java.nio.file.Path checkpointFolder() { return checkpointFolder; }
	public TrainingSettings checkpointFolder(java.nio.file.Path v) { checkpointFolder = v; return this; }
	/** Continue from the last epoch saved in the checkpoint folder. */
	public boolean resume() { return resume; }
	public TrainingSettings resume(boolean v) { resume = v; return this; }
	/** How each plane's intensities are scaled before the network and the texture score see them. */
	public Normalization normalization() { return normalization; }
	public TrainingSettings normalization(Normalization v) { normalization = v; return this; }
}
