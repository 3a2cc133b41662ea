package sc.fiji.ganomaly.engine.tensorflow;

import java.util.Arrays;
import java.util.List;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.ScoringNormalization;
import sc.fiji.ganomaly.engine.tensorflow.VariableStore.Init;

/**
 * The DCGAN encoder and decoder of the GANomaly reference, built over name-keyed variables so
 * that the same weights can be wired into a training path (batch statistics) and a scoring path
 * (stored statistics, or each sample's own statistics: see {@link NetworkSpec#scoringNormalization()}). Convolutions carry no bias, as in the reference.
 * Three layers that oneDNN runs far below its speed for the others (the encoders' last, the
 * decoder's first and last) are written as the same sums in faster ops: the weights,
 * their names and shapes are the reference's, so checkpoints and models of either graph load into
 * the other, and scores agree to float rounding (relative 1e-6).
 */
final class DcganLayers {

	private static final List<Long> STRIDE_1 = Arrays.asList(1L, 1L, 1L, 1L);
	private static final List<Long> STRIDE_2 = Arrays.asList(1L, 2L, 2L, 1L);
	private static final float BN_EPSILON = 1e-5f;
	private static final float BN_MOMENTUM = 0.1f;
	private static final Init CONV_INIT = Init.normal(0, 0.02f);

	private final Ops tf;
	private final VariableStore variables;
	/** Batch norm of the scoring path. */
	private final ScoringNormalization scoringNormalization;

	/** Where moving-statistics updates of the training path are collected; null: none. */
	private List<Op> statisticUpdates;

	DcganLayers(Ops tf, VariableStore variables, ScoringNormalization scoringNormalization) {
		this.tf = tf;
		this.variables = variables;
		this.scoringNormalization = scoringNormalization;
	}

	/** The output of an encoder: the latent code and the features before the last layer. */
	record Encoded(Operand<TFloat32> latent, Operand<TFloat32> features) {}

	/**
	 * DCGAN encoder: patch [N, s, s, c] to [N, 1, 1, nz].
	 *
	 * @param updates where to put the moving-statistics updates in training mode; null for none
	 */
	Encoded encoder(String prefix, String owner, Operand<TFloat32> x, int isize, int nc, int nz,
		int ndf, int extraLayers, boolean training, List<Op> updates)
	{
		statisticUpdates = updates;
		Operand<TFloat32> h = conv(owner, prefix + "_initial_conv_w", x, 4, nc, ndf, STRIDE_2, "SAME");
		h = leaky(h);
		int size = isize / 2;
		int channels = ndf;
		for (int i = 0; i < extraLayers; i++) {
			h = conv(owner, prefix + "_extra" + i + "_conv_w", h, 3, channels, channels, STRIDE_1, "SAME");
			h = leaky(batchNorm(owner, prefix + "_extra" + i + "_bn", h, channels, training));
		}
		while (size > 4) {
			String name = prefix + "_pyramid" + channels;
			h = conv(owner, name + "_conv_w", h, 4, channels, channels * 2, STRIDE_2, "SAME");
			h = leaky(batchNorm(owner, name + "_bn", h, channels * 2, training));
			channels *= 2;
			size /= 2;
		}
		Operand<TFloat32> z = dense(owner, prefix + "_final_conv_w", h, channels, nz);
		statisticUpdates = null;
		return new Encoded(z, h);
	}

	/** DCGAN decoder: latent [N, 1, 1, nz] to a patch [N, s, s, c] in [-1, 1]. */
	Operand<TFloat32> decoder(String prefix, String owner, Operand<TFloat32> z, int isize, int nc,
		int nz, int ngf, int extraLayers, boolean training, List<Op> updates)
	{
		statisticUpdates = updates;
		int cngf = ngf / 2;
		for (int t = 4; t != isize; t *= 2)
			cngf *= 2;
		Operand<TFloat32> h = denseUp(owner, prefix + "_initial_convt_w", z, nz, cngf);
		h = tf.nn.relu(batchNorm(owner, prefix + "_initial_bn", h, cngf, training));
		int size = 4;
		while (size < isize / 2) {
			String name = prefix + "_pyramid" + cngf;
			h = deconv(owner, name + "_convt_w", h, cngf, cngf / 2, size * 2, STRIDE_2, "SAME");
			h = tf.nn.relu(batchNorm(owner, name + "_bn", h, cngf / 2, training));
			cngf /= 2;
			size *= 2;
		}
		for (int i = 0; i < extraLayers; i++) {
			h = conv(owner, prefix + "_extra" + i + "_conv_w", h, 3, cngf, cngf, STRIDE_1, "SAME");
			h = tf.nn.relu(batchNorm(owner, prefix + "_extra" + i + "_bn", h, cngf, training));
		}
		h = phaseDeconv(owner, prefix + "_final_convt_w", h, cngf, nc);
		statisticUpdates = null;
		return tf.math.tanh(h);
	}

	private Operand<TFloat32> conv(String owner, String name, Operand<TFloat32> x, int k, int in,
		int out, List<Long> strides, String padding)
	{
		Variable<TFloat32> w = variables.get(owner, name, Shape.of(k, k, in, out), CONV_INIT, true);
		return tf.nn.conv2d(x, w, strides, padding);
	}

	/** Transposed convolution to a square map of {@code outSize}. */
	private Operand<TFloat32> deconv(String owner, String name, Operand<TFloat32> x, int in, int out,
		int outSize, List<Long> strides, String padding)
	{
		Variable<TFloat32> w = variables.get(owner, name, Shape.of(4, 4, out, in), CONV_INIT, true);
		Operand<TInt32> batch = tf.slice(tf.shape(x), tf.constant(new int[] { 0 }), tf.constant(new int[] { 1 }));
		Operand<TInt32> shape = tf.concat(Arrays.asList(batch, tf.constant(new int[] { outSize, outSize, out })),
			tf.constant(0));
		return tf.nn.conv2dBackpropInput(shape, w, x, strides, padding);
	}

	private Operand<TFloat32> dense(String owner, String name, Operand<TFloat32> x, int in, int out) {
		return dense(tf, x, variables.get(owner, name, Shape.of(4, 4, in, out), CONV_INIT, true), in, out);
	}

	private Operand<TFloat32> denseUp(String owner, String name, Operand<TFloat32> z, int in, int out) {
		return denseUp(tf, z, variables.get(owner, name, Shape.of(4, 4, out, in), CONV_INIT, true), in, out);
	}

	private Operand<TFloat32> phaseDeconv(String owner, String name, Operand<TFloat32> x, int in, int out) {
		return phaseDeconv(tf, x, variables.get(owner, name, Shape.of(4, 4, out, in), CONV_INIT, true));
	}

	/**
	 * The encoders' last layer, a 4x4 "VALID" convolution of x [N, 4, 4, in] to [N, 1, 1, out] with
	 * w [4, 4, in, out], as the matrix product it is (oneDNN's convolution kernels are slow for a 1x1
	 * output).
	 */
	static Operand<TFloat32> dense(Ops tf, Operand<TFloat32> x, Operand<TFloat32> w, int in, int out) {
		Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] { -1, 16L * in }));
		Operand<TFloat32> product = tf.linalg.matMul(flat, tf.reshape(w, tf.constant(new long[] { 16L * in, out })));
		return tf.reshape(product, tf.constant(new long[] { -1, 1, 1, out }));
	}

	/**
	 * The decoder's first layer, a 4x4 "VALID" transposed convolution of z [N, 1, 1, in] to
	 * [N, 4, 4, out] with w [4, 4, out, in], as a matrix product (the weights transposed by an op of
	 * their own: oneDNN's product with a transposed operand gives other bits for some batch sizes).
	 */
	static Operand<TFloat32> denseUp(Ops tf, Operand<TFloat32> z, Operand<TFloat32> w, int in, int out) {
		Operand<TFloat32> columns = tf.reshape(tf.linalg.transpose(w, tf.constant(new int[] { 3, 0, 1, 2 })),
			tf.constant(new long[] { in, 16L * out }));
		Operand<TFloat32> product = tf.linalg.matMul(tf.reshape(z, tf.constant(new long[] { -1, in })), columns);
		return tf.reshape(product, tf.constant(new long[] { -1, 4, 4, out }));
	}

	/**
	 * The decoder's last layer, a 4x4 stride-2 transposed convolution ("SAME", i.e. padding 1) of
	 * x [N, H, W, in] to [N, 2H, 2W, out] with w [4, 4, out, in], as a 3x3 convolution giving each of
	 * the four output phases its own channels, then depth-to-space: output pixel (2m + a, 2n + b)
	 * sums input rows m - 1, m (a = 0: kernel rows 3, 1) or m, m + 1 (a = 1: rows 2, 0), and columns
	 * alike. The same sums as the transposed convolution, which oneDNN computes about four times
	 * slower for one output channel.
	 */
	static Operand<TFloat32> phaseDeconv(Ops tf, Operand<TFloat32> x, Operand<TFloat32> w) {
		List<Operand<TFloat32>> phases = new java.util.ArrayList<>();
		for (int a = 0; a < 2; a++)
			for (int b = 0; b < 2; b++) {
				Operand<TFloat32> sub = tf.gather(tf.gather(w, tf.constant(a == 0 ? new int[] { 3, 1 } : new int[] { 2, 0 }),
					tf.constant(0)), tf.constant(b == 0 ? new int[] { 3, 1 } : new int[] { 2, 0 }), tf.constant(1));
				Operand<TFloat32> padded = tf.pad(sub, tf.constant(new int[][] { { a, 1 - a }, { b, 1 - b }, { 0, 0 }, { 0, 0 } }),
					tf.constant(0f));
				phases.add(tf.linalg.transpose(padded, tf.constant(new int[] { 0, 1, 3, 2 })));
			}
		Operand<TFloat32> kernel = tf.concat(phases, tf.constant(3));
		return tf.nn.depthToSpace(tf.nn.conv2d(x, kernel, STRIDE_1, "SAME"), 2L);
	}

	private Operand<TFloat32> batchNorm(String owner, String name, Operand<TFloat32> x, int channels,
		boolean training)
	{
		Shape shape = Shape.of(channels);
		Variable<TFloat32> gamma = variables.get(owner, name + "_gamma", shape, Init.normal(1, 0.02f), true);
		Variable<TFloat32> beta = variables.get(owner, name + "_beta", shape, Init.constant(0), true);
		Variable<TFloat32> mean = variables.get(owner, name + "_moving_mean", shape, Init.constant(0), false);
		Variable<TFloat32> var = variables.get(owner, name + "_moving_variance", shape, Init.constant(1), false);
		if (!training && scoringNormalization == ScoringNormalization.SAMPLE) return sampleNorm(x, gamma, beta);
		boolean batchStatistics = training || scoringNormalization == ScoringNormalization.BATCH;
		FusedBatchNorm<TFloat32, TFloat32> bn = tf.nn.fusedBatchNorm(x, gamma, beta, mean, var,
			FusedBatchNorm.epsilon(BN_EPSILON), FusedBatchNorm.isTraining(batchStatistics),
			FusedBatchNorm.exponentialAvgFactor(training ? BN_MOMENTUM : 1f));
		if (training && statisticUpdates != null) {
			statisticUpdates.add(tf.assign(mean, bn.batchMean()));
			statisticUpdates.add(tf.assign(var, bn.batchVariance()));
		}
		return bn.y();
	}

	/**
	 * Batch norm as training mode computes it for a batch of one: each sample [H, W, C] normalised
	 * by its own per-channel mean and (biased) variance over H and W, then scaled and shifted.
	 */
	private Operand<TFloat32> sampleNorm(Operand<TFloat32> x, Operand<TFloat32> gamma, Operand<TFloat32> beta) {
		Operand<TInt32> spatial = tf.constant(new int[] { 1, 2 });
		Operand<TFloat32> mean = tf.math.mean(x, spatial, Mean.keepDims(true));
		Operand<TFloat32> centred = tf.math.sub(x, mean);
		Operand<TFloat32> variance = tf.math.mean(tf.math.square(centred), spatial, Mean.keepDims(true));
		Operand<TFloat32> scale = tf.math.mul(tf.math.rsqrt(tf.math.add(variance, tf.constant(BN_EPSILON))), gamma);
		return tf.math.add(tf.math.mul(centred, scale), beta);
	}

	private Operand<TFloat32> leaky(Operand<TFloat32> x) {
		return tf.nn.leakyRelu(x, LeakyRelu.alpha(0.2f));
	}
}
