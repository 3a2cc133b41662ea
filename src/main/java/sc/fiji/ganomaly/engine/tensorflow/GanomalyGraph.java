package sc.fiji.ganomaly.engine.tensorflow;

import java.util.ArrayList;
import java.util.List;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import sc.fiji.ganomaly.engine.NetworkSpec;

/**
 * The whole GANomaly graph: generator (G_E, G_D, E) and discriminator in training mode with their
 * losses, gradients and Adam optimisers, plus a scoring path over the same weights whose batch norm
 * uses the moving statistics or each patch's own statistics ({@link NetworkSpec#scoringNormalization()}). Op names of the scoring path ({@value #INPUT}, {@value #SCORE},
 * {@value #RECONSTRUCTION}, {@value #RECONSTRUCTION_ERROR}) are part of the model file format.
 */
final class GanomalyGraph {

	static final String INPUT = "x";
	static final String SCORE = "score";
	static final String RECONSTRUCTION = "reconstruction";
	static final String RECONSTRUCTION_ERROR = "reconstruction_error";
	/** The latent code G_E(x), [N, nz]. */
	static final String LATENT = "latent";
	static final String GENERATOR = "g";
	static final String DISCRIMINATOR = "d";

	final Placeholder<TFloat32> x;
	final VariableStore variables;
	final Operand<TFloat32> generatorLoss, discriminatorLoss, adversarialLoss, contextualLoss, encoderLoss;
	final Op trainStep;
	/** Updates only the generator's moving batch-norm statistics (no weight change). */
	final Op statisticsStep;
	final Operand<TFloat32> score, reconstruction, reconstructionError, latent;

	GanomalyGraph(Graph graph, NetworkSpec spec) {
		Ops tf = Ops.create(graph);
		variables = new VariableStore(tf);
		DcganLayers layers = new DcganLayers(tf, variables, spec.scoringNormalization());
		int s = spec.patchSize(), c = spec.channels(), nz = spec.nz(), ngf = spec.ngf(),
				ndf = spec.ndf(), extra = spec.extraLayers();
		x = tf.withName(INPUT).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, c)));

		// Training path: batch statistics, moving statistics of the generator updated.
		List<Op> statistics = new ArrayList<>();
		Operand<TFloat32> z = layers.encoder("gen_enc", GENERATOR, x, s, c, nz, ndf, extra, true, statistics).latent();
		Operand<TFloat32> fake = layers.decoder("gen_dec", GENERATOR, z, s, c, nz, ngf, extra, true, statistics);
		Operand<TFloat32> zHat = layers.encoder("gen_enc2", GENERATOR, fake, s, c, nz, ndf, extra, true, statistics).latent();
		DcganLayers.Encoded real = layers.encoder("dis", DISCRIMINATOR, x, s, c, 1, ndf, extra, true, null);
		DcganLayers.Encoded forged = layers.encoder("dis", DISCRIMINATOR, fake, s, c, 1, ndf, extra, true, null);

		adversarialLoss = tf.withName("loss_adversarial").math.mean(tf.math.squaredDifference(real.features(), forged.features()), allAxes(tf, 4));
		contextualLoss = tf.withName("loss_contextual").math.mean(tf.math.abs(tf.math.sub(x, fake)), allAxes(tf, 4));
		encoderLoss = tf.withName("loss_encoder").math.mean(tf.math.squaredDifference(z, zHat), allAxes(tf, 4));
		generatorLoss = tf.withName("loss_generator").math.add(
			tf.math.add(tf.math.mul(tf.constant(spec.wAdv()), adversarialLoss),
				tf.math.mul(tf.constant(spec.wCon()), contextualLoss)),
			tf.math.mul(tf.constant(spec.wEnc()), encoderLoss));
		discriminatorLoss = tf.withName("loss_discriminator").math.mul(tf.constant(0.5f),
			tf.math.add(bceWithLogits(tf, real.latent(), 1f), bceWithLogits(tf, forged.latent(), 0f)));

		// Both networks step on gradients of the same forward pass, as the reference does (its
		// discriminator step sees the fake made before the generator step). The gate makes every
		// gradient exist before any variable is assigned.
		List<Output<TFloat32>> gVars = variables.trainable(GENERATOR);
		List<Output<TFloat32>> dVars = variables.trainable(DISCRIMINATOR);
		Output<?>[] gGrads = graph.addGradients(generatorLoss.asOutput(), gVars.toArray(new Output<?>[0]));
		Output<?>[] dGrads = graph.addGradients(discriminatorLoss.asOutput(), dVars.toArray(new Output<?>[0]));
		List<Op> gradientOps = new ArrayList<>();
		List<Operand<TFloat32>> gradients = new ArrayList<>();
		for (Output<?> g : concat(gGrads, dGrads)) {
			Operand<TFloat32> identity = tf.identity(g.expect(TFloat32.class));
			gradients.add(identity);
			gradientOps.add((Op) identity);
		}
		Ops gated = tf.withControlDependencies(gradientOps);
		List<Operand<TFloat32>> gGated = new ArrayList<>(), dGated = new ArrayList<>();
		for (int i = 0; i < gVars.size(); i++)
			gGated.add(gated.identity(gradients.get(i)));
		for (int i = 0; i < dVars.size(); i++)
			dGated.add(gated.identity(gradients.get(gVars.size() + i)));
		Op applyG = AdamUpdate.create(tf, "train_generator", "", gVars, gGated, spec.learningRate(), spec.beta1(),
			spec.beta2(), 1e-8f);
		Op applyD = AdamUpdate.create(tf, "train_discriminator", "_1", dVars, dGated, spec.learningRate(), spec.beta1(),
			spec.beta2(), 1e-8f);
		List<Op> step = new ArrayList<>(statistics);
		step.add(applyG);
		step.add(applyD);
		trainStep = tf.withControlDependencies(step).withName("train_step").noOp();
		statisticsStep = tf.withControlDependencies(statistics).withName("statistics_step").noOp();

		ScoringPath scoring = scoringPath(tf, layers, x, spec);
		score = scoring.score();
		reconstruction = scoring.reconstruction();
		reconstructionError = scoring.reconstructionError();
		latent = scoring.latent();
	}

	/** The outputs of the scoring path, named {@value #SCORE}, {@value #RECONSTRUCTION}, {@value #RECONSTRUCTION_ERROR} and {@value #LATENT}. */
	record ScoringPath(Operand<TFloat32> score, Operand<TFloat32> reconstruction, Operand<TFloat32> reconstructionError,
			Operand<TFloat32> latent)
	{}

	/**
	 * The scoring path alone in an empty {@code graph}: the input {@value #INPUT}, the generator's
	 * variables (named as in the whole graph, so a whole graph's checkpoint restores them) and the
	 * outputs. Returns the variables, which start uninitialised.
	 */
	static VariableStore scoring(Graph graph, NetworkSpec spec) {
		Ops tf = Ops.create(graph);
		VariableStore variables = new VariableStore(tf);
		int s = spec.patchSize();
		Placeholder<TFloat32> x = tf.withName(INPUT).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s,
			spec.channels())));
		scoringPath(tf, new DcganLayers(tf, variables, spec.scoringNormalization()), x, spec);
		return variables;
	}

	/**
	 * Scoring path: moving statistics or each patch's own (spec.scoringNormalization()), so that a
	 * patch's score does not depend on its batch (except in the comparison mode "batch").
	 */
	private static ScoringPath scoringPath(Ops tf, DcganLayers layers, Operand<TFloat32> x, NetworkSpec spec) {
		int s = spec.patchSize(), c = spec.channels(), nz = spec.nz(), ngf = spec.ngf(), ndf = spec.ndf(),
				extra = spec.extraLayers();
		Operand<TFloat32> zs = layers.encoder("gen_enc", GENERATOR, x, s, c, nz, ndf, extra, false, null).latent();
		Operand<TFloat32> fakes = layers.decoder("gen_dec", GENERATOR, zs, s, c, nz, ngf, extra, false, null);
		Operand<TFloat32> zsHat = layers.encoder("gen_enc2", GENERATOR, fakes, s, c, nz, ndf, extra, false, null).latent();
		int[] perPatch = { 1, 2, 3 };
		return new ScoringPath(
			tf.withName(SCORE).math.mean(tf.math.squaredDifference(zs, zsHat), tf.constant(perPatch)),
			tf.withName(RECONSTRUCTION).identity(fakes),
			tf.withName(RECONSTRUCTION_ERROR).math.mean(tf.math.abs(tf.math.sub(x, fakes)), tf.constant(perPatch)),
			tf.withName(LATENT).reshape(zs, tf.constant(new int[] { -1, nz })));
	}

	/** Numerically stable mean binary cross-entropy of logits against a constant label. */
	private static Operand<TFloat32> bceWithLogits(Ops tf, Operand<TFloat32> logits, float label) {
		Operand<TFloat32> loss = tf.math.add(
			tf.math.sub(tf.math.maximum(logits, tf.constant(0f)), tf.math.mul(logits, tf.constant(label))),
			tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logits)))));
		return tf.math.mean(loss, allAxes(tf, 4));
	}

	private static Operand<TInt32> allAxes(Ops tf, int rank) {
		int[] axes = new int[rank];
		for (int i = 0; i < rank; i++)
			axes[i] = i;
		return tf.constant(axes);
	}

	private static Output<?>[] concat(Output<?>[] a, Output<?>[] b) {
		Output<?>[] all = new Output<?>[a.length + b.length];
		System.arraycopy(a, 0, all, 0, a.length);
		System.arraycopy(b, 0, all, a.length, b.length);
		return all;
	}
}
