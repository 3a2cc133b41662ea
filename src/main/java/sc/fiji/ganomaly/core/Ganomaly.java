package sc.fiji.ganomaly.core;

import java.nio.file.Path;

import sc.fiji.ganomaly.engine.EngineLoader;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.train.Trainer;

/**
 * The GANomaly API that Fiji commands, the command line and scripts share: train a model on
 * normal images, load a saved one.
 *
 * <pre>
 * TrainingData data = new TrainingData().add("normal", img);
 * try (GanomalyModel model = Ganomaly.train(data, new TrainingSettings().epochs(5), ProgressListener.NONE)) {
 *     model.save(Paths.get("cells.ganomaly.zip"));
 *     PlaneScore s = model.score(otherImg, 8, "other");
 * }
 * </pre>
 */
public final class Ganomaly {

	private Ganomaly() {}

	/**
	 * Trains a model on normal images. For a score of the network, the best epoch by validation loss
	 * on held-out normal patches is kept; cancelling through the listener ends training early and
	 * keeps the best epoch so far. For the texture score (what {@code auto} picks for images of several
	 * patches) only the texture statistics are fitted, in seconds, and TensorFlow is not loaded.
	 *
	 * @throws IllegalArgumentException on bad data or settings, naming what is wrong
	 * @throws java.util.concurrent.CancellationException when cancelled before the first training step
	 *                                   (there is no model to keep)
	 */
	public static GanomalyModel train(TrainingData data, TrainingSettings settings, ProgressListener listener) {
		return GanomalyModel.of(new Trainer(settings, EngineLoader::tensorflow, listener).train(data));
	}

	/**
	 * The score a training of {@code data} with {@code settings} gives its model: the one asked for, else
	 * the one {@code auto} picks from the images' size. A network is trained only if it
	 * {@linkplain ScoreKind#needsNetwork() needs one}.
	 *
	 * @throws IllegalArgumentException if {@code data} is empty
	 */
	public static ScoreKind score(TrainingData data, TrainingSettings settings) {
		return Trainer.score(settings, data);
	}

	/** Loads a model file; see {@link GanomalyModel#load(Path, int)}. */
	public static GanomalyModel load(Path file) {
		return GanomalyModel.load(file);
	}
}
