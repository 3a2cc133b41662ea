package sc.fiji.ganomaly.engine.tensorflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.types.TFloat32;

import sc.fiji.ganomaly.engine.EngineException;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.TrainableNetwork;
import sc.fiji.ganomaly.engine.TrainingLosses;

/** A GANomaly network in a TensorFlow graph session, trained one batch at a time. */
final class TensorFlowTrainableNetwork extends SessionNetwork implements TrainableNetwork {

	/** The reference re-initialises the discriminator when its loss falls below this. */
	static final float DISCRIMINATOR_COLLAPSE = 1e-5f;

	private final NetworkSpec spec;
	private final Graph graph;
	private final GanomalyGraph network;
	private final Session session;
	private final PatchScorer scorer;
	private final Random random;

	TensorFlowTrainableNetwork(NetworkSpec spec) {
		this.spec = spec;
		this.graph = new Graph();
		Session s = null;
		try {
			network = new GanomalyGraph(graph, spec);
			s = new Session(graph, SessionConfig.of(spec.threads()));
			s.initialize();
			random = new Random(spec.seed());
			network.variables.initialize(s, random, null);
			scorer = new PatchScorer(s, spec);
			session = s;
		}
		catch (RuntimeException | Error e) {
			// a graph waits for its sessions to close before it closes
			if (s != null) s.close();
			graph.close();
			throw e;
		}
	}

	@Override
	PatchScorer scorer() {
		return scorer;
	}

	@Override
	public NetworkSpec spec() {
		return spec;
	}

	/** Trainable parameters of the generator ("g") or discriminator ("d"). */
	long parameterCount(String owner) {
		return network.variables.parameterCount(owner);
	}

	@Override
	public TrainingLosses trainStep(float[] batch, int n) {
		float[] losses = new float[5];
		try (TFloat32 input = scorer.input(batch, n);
				Result result = session.runner().feed(network.x, input)
					.fetch(network.generatorLoss).fetch(network.discriminatorLoss)
					.fetch(network.adversarialLoss).fetch(network.contextualLoss).fetch(network.encoderLoss)
					.addTarget(network.trainStep).run())
		{
			for (int i = 0; i < losses.length; i++)
				losses[i] = ((TFloat32) result.get(i)).getFloat();
		}
		catch (RuntimeException e) {
			throw PatchScorer.failure(e);
		}
		boolean reset = losses[1] < DISCRIMINATOR_COLLAPSE;
		if (reset) network.variables.initialize(session, random, GanomalyGraph.DISCRIMINATOR);
		return new TrainingLosses(losses[0], losses[1], losses[2], losses[3], losses[4], reset);
	}

	@Override
	public void updateStatistics(float[] batch, int n) {
		try (TFloat32 input = scorer.input(batch, n);
				Result result = session.runner().feed(network.x, input).addTarget(network.statisticsStep).run())
		{
			// nothing to fetch
		}
		catch (RuntimeException e) {
			throw PatchScorer.failure(e);
		}
	}

	@Override
	public void saveCheckpoint(Path prefix) {
		try {
			session.save(prefix.toString());
		}
		catch (RuntimeException e) {
			throw checkpointFailure("write", prefix, e);
		}
	}

	@Override
	public void restoreCheckpoint(Path prefix) {
		try {
			session.restore(prefix.toString());
		}
		catch (RuntimeException e) {
			throw checkpointFailure("read", prefix, e);
		}
	}

	private static RuntimeException checkpointFailure(String verb, Path prefix, RuntimeException e) {
		if (!PatchScorer.fromTensorFlow(e)) return e;
		return new EngineException("TensorFlow could not " + verb + " the checkpoint " + prefix + ": " + PatchScorer
			.firstLine(e), e);
	}

	@Override
	public void exportSavedModel(Path directory) {
		try {
			Files.createDirectories(directory);
			SavedModelBundle.exporter(directory.toString()).withSession(session)
				.withSignature(Signature.builder().key(Signature.DEFAULT_KEY).input(GanomalyGraph.INPUT, network.x)
					.output(GanomalyGraph.SCORE, network.score)
					.output(GanomalyGraph.RECONSTRUCTION, network.reconstruction)
					.output(GanomalyGraph.RECONSTRUCTION_ERROR, network.reconstructionError)
					.output(GanomalyGraph.LATENT, network.latent).build())
				.export();
		}
		catch (IOException e) {
			throw new EngineException("could not write the SavedModel to " + directory + ": " + e.getMessage(), e);
		}
		catch (RuntimeException e) {
			throw PatchScorer.failure(e);
		}
	}

	@Override
	public void close() {
		session.close();
		graph.close();
	}
}
