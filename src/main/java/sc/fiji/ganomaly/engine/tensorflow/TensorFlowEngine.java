package sc.fiji.ganomaly.engine.tensorflow;

import java.nio.file.Files;
import java.nio.file.Path;

import org.tensorflow.TensorFlow;
import org.tensorflow.exceptions.TensorFlowException;

import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.EngineException;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.Precision;
import sc.fiji.ganomaly.engine.ScoringNetwork;
import sc.fiji.ganomaly.engine.TrainableNetwork;

/** GANomaly on TensorFlow Java 1.1.0 in graph mode. The only entry point into this package. */
public final class TensorFlowEngine implements Engine {

	private String description;

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
	public TrainableNetwork create(NetworkSpec spec) {
		try {
			return new TensorFlowTrainableNetwork(spec);
		}
		catch (TensorFlowException e) {
			throw new EngineException("TensorFlow could not build the network: " + e.getMessage(), e);
		}
	}

	@Override
	public ScoringNetwork load(Path savedModel, NetworkSpec spec) {
		return load(savedModel, spec, Precision.FLOAT32);
	}

	@Override
	public ScoringNetwork load(Path savedModel, NetworkSpec spec, String precision) {
		String reason = Precision.unsupportedReason(precision);
		if (reason != null) throw new EngineException(reason.replace("; scoring in float32", ""));
		if (!Files.isRegularFile(savedModel.resolve("saved_model.pb")))
			throw new EngineException("no saved_model.pb in " + savedModel);
		try {
			return new TensorFlowScoringNetwork(savedModel, spec, precision);
		}
		catch (TensorFlowException e) {
			throw new EngineException("TensorFlow could not load the SavedModel: " + firstLine(e.getMessage()), e);
		}
	}

	private static String firstLine(String message) {
		if (message == null) return "unknown error";
		int nl = message.indexOf('\n');
		return nl < 0 ? message : message.substring(0, nl);
	}
}
