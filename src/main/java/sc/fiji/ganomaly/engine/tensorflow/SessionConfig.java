package sc.fiji.ganomaly.engine.tensorflow;

import org.tensorflow.proto.ConfigProto;

/** Session settings shared by training and scoring: thread counts. */
final class SessionConfig {

	private SessionConfig() {}

	/** A config with {@code threads} intra-op threads (0: TensorFlow's choice). */
	static ConfigProto of(int threads) {
		return ConfigProto.newBuilder().setIntraOpParallelismThreads(threads)
			.setInterOpParallelismThreads(threads == 0 ? 0 : 1).build();
	}
}
