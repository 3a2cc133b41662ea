package sc.fiji.ganomaly.engine;

/**
 * Everything an engine needs to build a GANomaly network and its optimisers: shapes, widths,
 * loss weights and Adam settings. Plain values only, so that the class can be shared between the
 * host and an engine living in its own class loader.
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
 */
public record NetworkSpec(int patchSize, int channels, int nz, int ngf, int ndf, int extraLayers,
		float wAdv, float wCon, float wEnc, float learningRate, float beta1, float beta2, int threads,
		long seed)
{
	/** Patch sizes the DCGAN encoder/decoder pair supports. */
	public static final int[] PATCH_SIZES = { 16, 32, 64, 128 };

	public NetworkSpec {
		if (!isSupportedPatchSize(patchSize)) throw new IllegalArgumentException(
			"patch size must be one of 16, 32, 64 or 128, not " + patchSize);
		requirePositive("channels", channels);
		requirePositive("nz", nz);
		requirePositive("ngf", ngf);
		requirePositive("ndf", ndf);
		if (extraLayers < 0) throw new IllegalArgumentException("extra layers must be 0 or more, not " + extraLayers);
		if (threads < 0) throw new IllegalArgumentException("threads must be 0 (automatic) or more, not " + threads);
	}

	/** True for the patch sizes the network can be built for. */
	public static boolean isSupportedPatchSize(int size) {
		for (int s : PATCH_SIZES)
			if (s == size) return true;
		return false;
	}

	/** Floats in one input patch: patchSize² × channels. */
	public int patchLength() {
		return patchSize * patchSize * channels;
	}

	private static void requirePositive(String name, int value) {
		if (value <= 0) throw new IllegalArgumentException(name + " must be positive, not " + value);
	}
}
