package sc.fiji.ganomaly.engine;

import java.util.List;

/**
 * Everything an engine needs to build a GANomaly network and its optimisers: shapes, widths,
 * loss weights and Adam settings, checked when made (refusals name the settings as
 * {@code TrainingSettings} does: {@code patchSize must be …}). Plain values and types of this
 * package only, so that the class can be shared between the host and an engine living in its own
 * class loader.
 *
 * @param patchSize   square input size in pixels: 16, 32, 64 or 128
 * @param channels    input channels
 * @param nz          latent size
 * @param ngf         decoder width (filters of its last hidden layer)
 * @param ndf         encoder and discriminator width (filters of their first layer)
 * @param extraLayers extra 3x3 conv layers in each encoder and decoder
 * @param wAdv        weight of the adversarial feature-matching loss
 * @param wCon        weight of the L1 reconstruction loss
 * @param wEnc        weight of the latent (encoder) loss
 * @param learningRate Adam learning rate of both networks
 * @param beta1       Adam beta1
 * @param beta2       Adam beta2
 * @param threads     intra-op threads; 0 lets TensorFlow choose
 * @param seed        seed of the weight initialisation
 * @param scoringNormalization how batch norm normalises in the scoring path
 */
public record NetworkSpec(int patchSize, int channels, int nz, int ngf, int ndf, int extraLayers,
		float wAdv, float wCon, float wEnc, float learningRate, float beta1, float beta2, int threads,
		long seed, ScoringNormalization scoringNormalization)
{
	/** Patch sizes the DCGAN encoder/decoder pair supports. */
	public static final List<Integer> PATCH_SIZES = List.of(16, 32, 64, 128);

	/** Input channels a network takes at most (texture models and model files are sized for it). */
	public static final int MAX_CHANNELS = 4;
	/** Largest latent size and layer width: a model file's size and its manifest grow with their squares. */
	public static final int MAX_NZ = 1024, MAX_WIDTH = 1024;
	/** Most extra layers in each encoder and decoder. */
	public static final int MAX_EXTRA_LAYERS = 16;

	/** A spec with the default scoring normalisation. */
	public NetworkSpec(int patchSize, int channels, int nz, int ngf, int ndf, int extraLayers, float wAdv, float wCon,
		float wEnc, float learningRate, float beta1, float beta2, int threads, long seed)
	{
		this(patchSize, channels, nz, ngf, ndf, extraLayers, wAdv, wCon, wEnc, learningRate, beta1, beta2, threads,
			seed, ScoringNormalization.DEFAULT);
	}

	public NetworkSpec {
		if (scoringNormalization == null) throw new IllegalArgumentException("scoring normalization must be given");
		if (!isSupportedPatchSize(patchSize)) throw new IllegalArgumentException(
			"patchSize must be " + patchSizesInWords() + ", not " + patchSize);
		requireRange("channels", channels, 1, MAX_CHANNELS);
		requireRange("nz", nz, 1, MAX_NZ);
		requireWidth("ngf", ngf, patchSize);
		requireWidth("ndf", ndf, patchSize);
		requireRange("extraLayers", extraLayers, 0, MAX_EXTRA_LAYERS);
		if (threads < 0) throw new IllegalArgumentException("threads must be 0 (automatic) or positive, not " + threads);
	}

	/**
	 * The widest ngf or ndf at {@code patchSize}: at most {@link #MAX_WIDTH}, and no layer of more weights
	 * than one Java array holds (the pyramid's widest convolution has width² × patchSize² / 8).
	 */
	public static int maxWidth(int patchSize) {
		long w = MAX_WIDTH;
		while (w * w * patchSize * patchSize / 8 > Integer.MAX_VALUE - 8)
			w--;
		return (int) w;
	}

	/** The supported patch sizes in words, for messages: "16, 32, 64 or 128". */
	public static String patchSizesInWords() {
		StringBuilder words = new StringBuilder();
		for (int i = 0; i < PATCH_SIZES.size(); i++)
			words.append(i == 0 ? "" : i == PATCH_SIZES.size() - 1 ? " or " : ", ").append(PATCH_SIZES.get(i));
		return words.toString();
	}

	/** True for the patch sizes the network can be built for. */
	public static boolean isSupportedPatchSize(int size) {
		return PATCH_SIZES.contains(size);
	}

	/** The same network with another scoring normalisation. */
	public NetworkSpec withScoringNormalization(ScoringNormalization mode) {
		return new NetworkSpec(patchSize, channels, nz, ngf, ndf, extraLayers, wAdv, wCon, wEnc, learningRate, beta1,
			beta2, threads, seed, mode);
	}

	/** Floats in one input patch: patchSize² × channels. */
	public int patchLength() {
		return patchSize * patchSize * channels;
	}

	/** Refuses a layer width beyond {@link #maxWidth} at {@code patchSize}, naming it. */
	private static void requireWidth(String name, int width, int patchSize) {
		int widest = maxWidth(patchSize);
		if (width < 1 || width > widest) throw new IllegalArgumentException(name + " must be 1 to " + widest +
			(widest < MAX_WIDTH ? " with patchSize " + patchSize + " (a wider network has a layer of more weights than " +
				"one array holds)" : "") + ", not " + width);
	}

	private static void requireRange(String name, int value, int min, int max) {
		if (value < min || value > max) throw new IllegalArgumentException(name + " must be " + min + " to " + max +
			", not " + value);
	}
}
