package sc.fiji.ganomaly.fiji;

import java.io.File;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

import org.scijava.Cancelable;
import org.scijava.convert.ConvertService;
import org.scijava.display.DisplayService;
import org.scijava.io.IOService;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.prefs.PrefService;
import org.scijava.service.AbstractService;
import org.scijava.service.Service;

import ij.ImagePlus;
import sc.fiji.ganomaly.ij.ImagePlusPlanes;
import sc.fiji.ganomaly.ij.ImagePlusScorer;
import sc.fiji.ganomaly.ij.MapFiles;
import sc.fiji.ganomaly.ij.MapImages;
import sc.fiji.ganomaly.ij.ScoreFiles;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.ModelPool;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.engine.EngineMessages;
import sc.fiji.ganomaly.ij.OtherFormats;

/**
 * The {@link GanomalyService}: a {@link ModelPool} that lives and dies with its context. Its bounds
 * are the pool's defaults unless the system properties {@value #MAX_MODELS} (models kept loaded)
 * and {@value #MAX_BYTES} (their unpacked bytes) say otherwise; {@value #THREADS} sets the
 * models' threads, TensorFlow's and the texture score's (default 0: all cores). While it lives, GANomaly's warnings go to the
 * LogService (and ImageJ's Log window in the GUI), and the device saved by Plugins › GANomaly ›
 * GANomaly Options… is the one the engine loads with; where SCIFIO is present, folders are read in every
 * format it reads ({@link ScifioFormats}, looked for when a file first needs it, after SCIFIO has
 * created its formats, not by the service's own start).
 */
@Plugin(type = Service.class)
public class DefaultGanomalyService extends AbstractService implements GanomalyService {

	public static final String MAX_MODELS = "ganomaly.models.max";
	public static final String MAX_BYTES = "ganomaly.models.maxBytes";
	public static final String THREADS = "ganomaly.threads";

	// a bound below 1 keeps one model: the service must start whatever the property says
	private final ModelPool models = new ModelPool(Math.max(1, Integer.getInteger(MAX_MODELS, ModelPool.DEFAULT_MAX_MODELS)),
		Long.getLong(MAX_BYTES, ModelPool.DEFAULT_MAX_BYTES), Math.max(0, Integer.getInteger(THREADS, 0)));
	private final Set<Cancelable> running = ConcurrentHashMap.newKeySet();

	@Parameter(required = false)
	private LogService log;

	@Parameter(required = false)
	private PrefService prefs;

	@Parameter(required = false)
	private IOService io;

	@Parameter(required = false)
	private ConvertService convert;

	@Parameter(required = false)
	private DisplayService displays;

	private FijiMessages messages;
	private Supplier<OtherFormats> formats;

	@Override
	public void initialize() {
		messages = new FijiMessages(log);
		EngineMessages.setSink(messages);
		DeviceChoice.apply(prefs);
		formats = OtherFormats.useFirstFound(() -> {
			try {
				return ScifioFormats.find(io, convert, displays);
			}
			catch (RuntimeException e) { // a plugin that cannot be created: ImageJ 1.x's formats still work
				messages.accept("GANomaly: files are read with ImageJ 1.x only, not SCIFIO: " + e.getMessage());
				return null;
			}
		});
	}

	@Override
	public ModelPool.Lease model(File file) {
		return model(file, null);
	}

	@Override
	public ModelPool.Lease model(File file, ScoreKind score) {
		if (file == null) throw new IllegalArgumentException("model: choose a model file");
		return models.lease(file.toPath(), score);
	}

	@Override
	public ImagePlusScorer.Result score(ImagePlus image, File model, int stride, String threshold, String score,
		ProgressListener listener)
	{
		if (image == null) throw new IllegalArgumentException("image: no image is open");
		// checked before the model is read, which then leaves out a network that score does not use
		ScoreKind kind = ScoreFiles.score(score, "");
		Call call = new Call();
		ImagePlusScorer.Result result;
		try (ModelPool.Lease lease = model(model, kind); Running r = running(call)) {
			ScoreFiles.Settings settings = ScoreFiles.Settings.of(lease.model().info(), stride, threshold, kind, List.of(),
				MapFiles.Kind.FLOAT, "");
			// always a view of the pooled model, even for its own score (where ScoreFiles.Settings.applyTo gives the
			// model itself): FijiMacroTest's macro at -Xmx128m runs out of memory after its refusal in 2 of 4 runs when
			// the pooled model is scored directly, never through the view (why is not known)
			result = ImagePlusScorer.score(lease.model().withScore(settings.score()), image, settings.stride(),
				ImagePlusPlanes.Plane::image, ImagePlusScorer.mapBudget(), ProgressListener.all(listener, call))
				.withThreshold(settings.threshold());
		}
		catch (OutOfMemoryError e) { // the work's arrays are gone with it: one line, as the commands say it
			throw new IllegalStateException(CancelableCommand.outOfMemory(), e);
		}
		// a script's loop stops here, not at its next image; a map file finished as the stop came is not left behind
		if (call.isCanceled()) {
			if (result.mapFile() != null) try {
				java.nio.file.Files.deleteIfExists(result.mapFile());
			}
			catch (java.io.IOException e) {
				FijiLog.warn(log, "GANomaly: the map of a stopped call could not be deleted: " + result.mapFile());
			}
			throw new CancellationException("scoring " + image.getTitle() + " was stopped (" + call.getCancelReason() + ")");
		}
		if (result.mapFile() != null) FijiLog.info(log, "GANomaly: the map of " + image.getTitle() + " is larger than " +
			"half the memory left, so it was written to " + result.mapFile() + " and is opened from there as a virtual stack");
		if (result.anomalyMap() != null) MapImages.style(result.anomalyMap(), result.threshold());
		return result;
	}

	@Override
	public GanomalyModel train(TrainingData data, TrainingSettings settings, ProgressListener listener) {
		Call call = new Call();
		try (Running r = running(call)) {
			return Ganomaly.train(data, settings, ProgressListener.all(listener, call));
		}
	}

	@Override
	public int cancelAll() {
		int n = 0;
		for (Cancelable c : running) {
			c.cancel(CancelableCommand.STOPPED);
			n++;
		}
		return n;
	}

	@Override
	public Running running(Cancelable work) {
		running.add(work);
		return () -> running.remove(work);
	}

	@Override
	public ModelPool models() {
		return models;
	}

	/** A service call that {@link #cancelAll()} can stop. */
	private static final class Call implements Cancelable, ProgressListener {

		private volatile String reason;

		@Override
		public boolean isCanceled() {
			return reason != null;
		}

		@Override
		public void cancel(String why) {
			reason = why;
		}

		@Override
		public String getCancelReason() {
			return reason;
		}
	}

	/** Closes every model (at once, or when its running calls end) and deletes its unpacked folder. */
	@Override
	public void dispose() {
		models.close();
		EngineMessages.clearSink(messages);
		if (formats != null) OtherFormats.stopUsing(formats);
	}
}
