package sc.fiji.ganomaly.engine.tensorflow;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

import sc.fiji.ganomaly.engine.Precision;

/** Session settings shared by training and scoring: thread counts and scoring precision. */
final class SessionConfig {

	private SessionConfig() {}

	/** A config with {@code threads} intra-op threads (0: TensorFlow's choice). */
	static ConfigProto of(int threads) {
		return of(threads, Precision.FLOAT32);
	}

	/**
	 * A config with {@code threads} intra-op threads (0: TensorFlow's choice) computing in
	 * {@code precision}: for bfloat16, Grappler's oneDNN auto-mixed-precision rewrite (convolutions,
	 * batch norm and activations in bfloat16 with casts around them; inputs and outputs stay float32).
	 */
	static ConfigProto of(int threads, String precision) {
		ConfigProto.Builder c = ConfigProto.newBuilder().setIntraOpParallelismThreads(threads)
			.setInterOpParallelismThreads(threads == 0 ? 0 : 1);
		if (Precision.BFLOAT16.equals(precision)) c.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(
			RewriterConfig.newBuilder().setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON)));
		return c.build();
	}
}
