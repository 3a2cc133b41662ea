package sc.fiji.ganomaly.fiji;

import java.io.File;

import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.Service;

import ij.ImagePlus;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.ModelPool;
import sc.fiji.ganomaly.core.ProgressListener;
import sc.fiji.ganomaly.core.ScoreParameters;
import sc.fiji.ganomaly.core.Settings;
import sc.fiji.ganomaly.core.TrainingData;
import sc.fiji.ganomaly.ij.ImagePlusPlanes;
import sc.fiji.ganomaly.ij.ImagePlusScorer;

/**
 * The {@link GanomalyService}: a {@link ModelPool} that lives and dies with its context. Its bounds
 * are the pool's defaults unless the system properties {@value #MAX_MODELS} (models kept loaded)
 * and {@value #MAX_BYTES} (their unpacked bytes) say otherwise; {@value #THREADS} sets the
 * models' TensorFlow threads (default 0: all cores).
 */
@Plugin(type = Service.class)
public class DefaultGanomalyService extends AbstractService implements GanomalyService {

	public static final String MAX_MODELS = "ganomaly.models.max";
	public static final String MAX_BYTES = "ganomaly.models.maxBytes";
	public static final String THREADS = "ganomaly.threads";

	private final ModelPool models = new ModelPool(Integer.getInteger(MAX_MODELS, ModelPool.DEFAULT_MAX_MODELS),
		Long.getLong(MAX_BYTES, ModelPool.DEFAULT_MAX_BYTES), Math.max(0, Integer.getInteger(THREADS, 0)));

	@Override
	public ModelPool.Lease model(File file) {
		if (file == null) throw new IllegalArgumentException("model: choose a model file");
		return models.lease(file.toPath());
	}

	@Override
	public ImagePlusScorer.Result score(ImagePlus image, File model, int stride, ProgressListener listener) {
		if (image == null) throw new IllegalArgumentException("image: no image is open");
		try (ModelPool.Lease lease = model(model)) {
			GanomalyModel m = lease.model();
			return ImagePlusScorer.score(m, image, ScoreParameters.stride(stride, m.patchSize(), "stride"),
				ImagePlusPlanes.Plane::image, ImagePlusScorer.mapBudget(), listener);
		}
	}

	@Override
	public GanomalyModel train(TrainingData data, Settings settings, ProgressListener listener) {
		return Ganomaly.train(data, settings, listener);
	}

	@Override
	public ModelPool models() {
		return models;
	}

	/** Closes every model (at once, or when its running calls end) and deletes its unpacked folder. */
	@Override
	public void dispose() {
		models.close();
	}
}
