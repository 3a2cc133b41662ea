package sc.fiji.ganomaly.fiji;

import java.io.File;

import org.scijava.Cancelable;
import org.scijava.service.SciJavaService;

import ij.ImagePlus;
import sc.fiji.ganomaly.ij.ImagePlusScorer;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.ModelPool;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;

/**
 * GANomaly in a SciJava context: owns the loaded models, shares them between commands and scripts
 * running at once, and releases them (sessions and unpacked folders) when the context is
 * disposed. TensorFlow itself is loaded once per JVM, in a class loader of its own, and its thread
 * pools are shared by all models, so parallel runs do not multiply threads. In Jython:
 *
 * <pre>
 * #@ GanomalyService ganomaly
 * #@ ImagePlus imp
 * #@ File model
 * result = ganomaly.score(imp, model)   # map: result.anomalyMap(), rows: result.scores()
 * </pre>
 *
 * Another script (or thread) stops whatever GANomaly runs with {@code ganomaly.cancelAll()}.
 */
public interface GanomalyService extends SciJavaService {

	/**
	 * A lease on the model of a file: loaded once and shared; never closed while a lease is open,
	 * so close the lease (try-with-resources) when done.
	 *
	 * @throws IllegalArgumentException naming the file and what is wrong with it
	 */
	ModelPool.Lease model(File file);

	/**
	 * {@link #model(File)} for a caller that will score with {@code score} (null: the model's own): a
	 * model loaded now leaves out a network that score does not use (TensorFlow stays unloaded for
	 * the texture score).
	 */
	ModelPool.Lease model(File file, ScoreKind score);

	/**
	 * Scores every plane of an image with the model of a file, as Score Anomalies does. The map is
	 * shown as Score Anomalies shows its (Fire, from 0 to twice the threshold). A map larger than half
	 * the memory left is written beside the image's file (an image sequence's: beside its folder; or
	 * to a temporary folder), {@code <name>_anomaly.tif}, and returned as a virtual stack of it
	 * ({@code mapFile()} names it; the log says so).
	 *
	 * @param stride    window step in pixels, 0 for a quarter of the patch size
	 * @param threshold a number on the map's scale, or "model" (null: the same) for the model's own;
	 *                  the result's {@code threshold()} is the one used
	 * @param score     a score's name ("texture", "latent", …), or "model" (null: the same) for the
	 *                  model's own
	 * @return the scores and the map, or a result without a map if {@code listener} cancelled
	 * @throws IllegalArgumentException naming the parameter that is wrong ("stride must lie between …")
	 * @throws java.util.concurrent.CancellationException if {@link #cancelAll} stopped it, so that a
	 *         script's loop over images ends there
	 * @throws IllegalStateException if Java ran out of memory, saying how much it may use
	 */
	ImagePlusScorer.Result score(ImagePlus image, File model, int stride, String threshold, String score,
		ProgressListener listener);

	/** Scores every plane of an image with the model's own score and threshold. */
	default ImagePlusScorer.Result score(ImagePlus image, File model, int stride, ProgressListener listener) {
		return score(image, model, stride, null, null, listener);
	}

	/** Scores every plane of an image at the default stride. */
	default ImagePlusScorer.Result score(ImagePlus image, File model) {
		return score(image, model, 0, ProgressListener.NONE);
	}

	/** {@link #score(ImagePlus, File)} with the model file's path, as a script's text input gives it. */
	default ImagePlusScorer.Result score(ImagePlus image, String model) {
		return score(image, model == null ? null : new File(model));
	}

	/**
	 * Trains a model on normal images; the caller saves and closes it. Cancelled through
	 * {@code listener} or {@link #cancelAll}, it keeps the best epoch so far, or throws a
	 * {@code java.util.concurrent.CancellationException} when no step was trained.
	 */
	GanomalyModel train(TrainingData data, TrainingSettings settings, ProgressListener listener);

	/**
	 * Stops every GANomaly command and {@link #score}/{@link #train} call now running in this
	 * context, as their Stop buttons do: a training writes its best model so far (a {@link #train}
	 * stopped before its first step throws a {@code CancellationException}), scoring keeps what was
	 * finished and writes nothing half-done. Returns how many were asked to stop.
	 */
	int cancelAll();

	/** Makes {@code work} stoppable by {@link #cancelAll()} until the returned handle is closed. */
	Running running(Cancelable work);

	/** A registration of running work; closing it ends the registration. */
	interface Running extends AutoCloseable {

		@Override
		void close();
	}

	/** The models loaded now. */
	ModelPool models();
}
