package sc.fiji.ganomaly.engine.tensorflow;

import java.util.ArrayList;
import java.util.List;

import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Adam for one network (the update of TensorFlow's ApplyAdam kernel), with its state in graph
 * variables named as TensorFlow Java's framework optimiser names them ({@code <var>-m},
 * {@code <var>-v}, and the bias-correction powers), so checkpoints written with that optimiser
 * still resume.
 * <p>
 * Why not the framework's {@code Adam}: in TensorFlow Java 1.1.0 its update of the powers
 * beta1^t and beta2^t has no dependency on the variable updates that read them. The executor then
 * runs it before some of those updates in some steps and after them in others, so those variables
 * get the bias correction of step t+1 instead of t, depending on thread timing, and seeded training
 * would differ from run to run. Here the powers advance only after every variable of the network was
 * updated.
 */
final class AdamUpdate {

	private AdamUpdate() {}

	/**
	 * The update op of one network.
	 *
	 * @param powerSuffix suffix of the power variables ("" for the first optimiser of a graph,
	 *                    "_1" for the second: the framework optimiser's names)
	 * @param variables   the network's trainable variables
	 * @param gradients   their gradients, in the same order
	 */
	static Op create(Ops tf, String name, String powerSuffix, List<Output<TFloat32>> variables,
		List<Operand<TFloat32>> gradients, float learningRate, float beta1, float beta2, float epsilon)
	{
		Ops init = tf.withInitScope();
		Variable<TFloat32> beta1Power = state(init, "beta1_power" + powerSuffix, Shape.scalar(), beta1);
		Variable<TFloat32> beta2Power = state(init, "beta2_power" + powerSuffix, Shape.scalar(), beta2);
		Operand<TFloat32> lr = tf.constant(learningRate), b1 = tf.constant(beta1), b2 = tf.constant(beta2),
				eps = tf.constant(epsilon);
		List<Op> updates = new ArrayList<>();
		for (int i = 0; i < variables.size(); i++) {
			Output<TFloat32> variable = variables.get(i);
			String varName = variable.op().name();
			Variable<TFloat32> m = state(init, varName + "-m", variable.shape(), 0);
			Variable<TFloat32> v = state(init, varName + "-v", variable.shape(), 0);
			updates.add(tf.withName(name + "_" + varName).train.applyAdam(variable, m, v, beta1Power, beta2Power, lr, b1,
				b2, eps, gradients.get(i)));
		}
		Ops after = tf.withControlDependencies(updates);
		Op p1 = after.assign(beta1Power, after.math.mul(beta1Power, b1));
		Op p2 = after.assign(beta2Power, after.math.mul(beta2Power, b2));
		return tf.withControlDependencies(List.of(p1, p2)).withName(name).noOp();
	}

	/** A variable set to {@code value} everywhere by the session's initialisers. */
	private static Variable<TFloat32> state(Ops init, String name, Shape shape, float value) {
		Variable<TFloat32> variable = init.withName(name).variable(shape, TFloat32.class);
		init.assign(variable, init.fill(init.constant(shape.asArray()), init.constant(value)));
		return variable;
	}
}
