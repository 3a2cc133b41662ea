package sc.fiji.ganomaly.engine.tensorflow;

import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The three layers {@link DcganLayers} writes in faster ops give the reference's sums: each is
 * compared with the convolution or transposed convolution it stands for, on random weights and
 * inputs, for the channel counts the networks use.
 */
public class DcganLayersTest {

	private static final List<Long> STRIDE_1 = Arrays.asList(1L, 1L, 1L, 1L);
	private static final List<Long> STRIDE_2 = Arrays.asList(1L, 2L, 2L, 1L);

	@Test
	public void encoderLastLayerIsTheValidConvolution() {
		for (int[] c : new int[][] { { 256, 100 }, { 256, 1 }, { 32, 8 } }) {
			int in = c[0], out = c[1];
			compare("dense " + in + "->" + out, Shape.of(5, 4, 4, in), Shape.of(4, 4, in, out),
				(tf, x, w) -> tf.nn.conv2d(x, w, STRIDE_1, "VALID"), (tf, x, w) -> DcganLayers.dense(tf, x, w, in, out));
		}
	}

	@Test
	public void decoderFirstLayerIsTheValidTransposedConvolution() {
		for (int[] c : new int[][] { { 100, 256 }, { 8, 32 } }) {
			int in = c[0], out = c[1];
			compare("denseUp " + in + "->" + out, Shape.of(5, 1, 1, in), Shape.of(4, 4, out, in),
				(tf, z, w) -> tf.nn.conv2dBackpropInput(tf.constant(new int[] { 5, 4, 4, out }), w, z, STRIDE_1, "VALID"),
				(tf, z, w) -> DcganLayers.denseUp(tf, z, w, in, out));
		}
	}

	@Test
	public void decoderLastLayerIsTheStrideTwoTransposedConvolution() {
		for (int[] c : new int[][] { { 64, 1, 16 }, { 64, 3, 16 }, { 8, 1, 8 }, { 16, 2, 5 } }) {
			int in = c[0], out = c[1], size = c[2];
			compare("phaseDeconv " + in + "->" + out + " at " + size, Shape.of(3, size, size, in), Shape.of(4, 4, out, in),
				(tf, x, w) -> tf.nn.conv2dBackpropInput(tf.constant(new int[] { 3, 2 * size, 2 * size, out }), w, x,
					STRIDE_2, "SAME"),
				(tf, x, w) -> DcganLayers.phaseDeconv(tf, x, w));
		}
	}

	interface Layer {
		Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x, Operand<TFloat32> w);
	}

	private static void compare(String what, Shape input, Shape weights, Layer reference, Layer rewritten) {
		Random random = new Random(what.hashCode());
		try (Graph g = new Graph(); Session s = new Session(g)) {
			Ops tf = Ops.create(g);
			Operand<TFloat32> x = tf.constant(input, DataBuffers.of(gaussian(input.size(), random)));
			Operand<TFloat32> w = tf.constant(weights, DataBuffers.of(gaussian(weights.size(), random)));
			Operand<TFloat32> a = reference.apply(tf, x, w), b = rewritten.apply(tf, x, w);
			try (Result r = s.runner().fetch(a).fetch(b).run()) {
				TFloat32 ta = (TFloat32) r.get(0), tb = (TFloat32) r.get(1);
				assertTrue(what + ": shapes " + ta.shape() + " and " + tb.shape(), ta.shape().equals(tb.shape()));
				float[] va = new float[(int) ta.size()], vb = new float[(int) tb.size()];
				ta.copyTo(DataBuffers.of(va, false, false));
				tb.copyTo(DataBuffers.of(vb, false, false));
				double max = 0, scale = 0;
				for (int i = 0; i < va.length; i++) {
					max = Math.max(max, Math.abs(va[i] - vb[i]));
					scale = Math.max(scale, Math.abs(va[i]));
				}
				assertTrue(what + ": outputs all zero", scale > 0);
				assertTrue(what + ": largest difference " + max + " of values up to " + scale, max <= 1e-5 * scale);
			}
		}
	}

	private static float[] gaussian(long n, Random random) {
		float[] v = new float[(int) n];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) random.nextGaussian();
		return v;
	}
}
