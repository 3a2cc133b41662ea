package sc.fiji.ganomaly.engine.tensorflow;

import java.nio.file.Path;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.EngineException;
import sc.fiji.ganomaly.engine.InvalidModelException;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.Precision;
import sc.fiji.ganomaly.engine.ScoringNetwork;
import sc.fiji.ganomaly.engine.TrainableNetwork;

/** GANomaly on TensorFlow Java 1.1.0 in graph mode. The only entry point into this package. */
public final class TensorFlowEngine implements Engine {

	private String description;

	/** Loads TensorFlow and runs its first graph, whose start-up lines stay off the console. */
	public TensorFlowEngine() {
		QuietLogs.apply(TensorFlowEngine::firstRun);
	}

	private static void firstRun() {
		try (Graph g = new Graph(); Session s = new Session(g)) {
			Ops tf = Ops.create(g);
			Operand<TFloat32> sum = tf.math.add(tf.constant(1f), tf.constant(2f));
			try (Result r = s.runner().fetch(sum).run()) {
				// the value does not matter: the run makes TensorFlow initialise its optimisation passes
			}
		}
	}

	@Override
	public synchronized String description() {
		if (description == null) {
			var devices = Devices.list();
			description = "TensorFlow " + TensorFlow.version() + " (" + Devices.kind(devices) + ": " +
				String.join(", ", devices.stream().map(d -> d.substring(d.lastIndexOf("device:") + 7)).toList()) + ")";
		}
		return description;
	}

	@Override
	public java.util.List<String> devices() {
		return Devices.list();
	}

	@Override
	public TrainableNetwork create(NetworkSpec spec) {
		try {
			return new TensorFlowTrainableNetwork(spec);
		}
		catch (RuntimeException e) {
			if (!PatchScorer.fromTensorFlow(e)) throw e;
			throw new EngineException("TensorFlow could not build the network: " + PatchScorer.firstLine(e), e);
		}
	}

	@Override
	public ScoringNetwork load(Path savedModel, NetworkSpec spec) {
		return load(savedModel, spec, Precision.FLOAT32);
	}

	@Override
	public ScoringNetwork load(Path savedModel, NetworkSpec spec, String precision) {
		String reason = Precision.unsupportedReason(precision);
		if (reason != null) throw new EngineException(reason);
		try {
			return new TensorFlowScoringNetwork(savedModel, spec, precision);
		}
		catch (RuntimeException e) {
			if (!PatchScorer.fromTensorFlow(e)) throw e;
			throw new InvalidModelException("TensorFlow could not restore its weights: " + PatchScorer.firstLine(e), e);
		}
	}
}
