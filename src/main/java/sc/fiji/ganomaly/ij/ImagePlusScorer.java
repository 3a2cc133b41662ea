package sc.fiji.ganomaly.ij;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import ij.ImagePlus;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import sc.fiji.ganomaly.core.AnomalyMap;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.PlaneScore;
import sc.fiji.ganomaly.core.ProgressListener;

/**
 * Scores every plane of an ImagePlus with a model: the one piece of image-level scoring that the
 * Fiji command and the command line share.
 */
public final class ImagePlusScorer {

	/** Scores of one image: a row per plane and the anomaly map image. */
	public record Result(ImagePlus image, List<ImagePlusPlanes.Plane> planes, List<PlaneScore> scores,
			ImagePlus anomalyMap)
	{}

	private ImagePlusScorer() {}

	/** Scores all planes of {@code imp}, channels as they are. */
	public static Result score(GanomalyModel model, ImagePlus imp, int stride, ProgressListener listener) {
		return score(model, imp, stride, ImagePlusPlanes.Plane::image, listener);
	}

	/**
	 * Scores all planes of {@code imp}, each first turned into the model's input by
	 * {@code channels} (e.g. a channel selection).
	 */
	public static Result score(GanomalyModel model, ImagePlus imp, int stride,
		Function<ImagePlusPlanes.Plane, RandomAccessibleInterval<? extends RealType<?>>> channels,
		ProgressListener listener)
	{
		List<ImagePlusPlanes.Plane> planes = ImagePlusPlanes.of(imp);
		if (planes.isEmpty()) throw new IllegalArgumentException(imp.getTitle() + " has no planes to score");
		List<PlaneScore> scores = new ArrayList<>();
		List<AnomalyMap> maps = new ArrayList<>();
		for (ImagePlusPlanes.Plane plane : planes) {
			if (listener.isCanceled()) break;
			String name = ImagePlusPlanes.name(imp.getTitle(), planes.size(), plane);
			int before = scores.size();
			PlaneScore s = model.score(channels.apply(plane), stride, name, new ProgressListener() {

				@Override
				public void progress(long done, long total) {
					listener.progress(before * total + done, planes.size() * total);
				}

				@Override
				public boolean isCanceled() {
					return listener.isCanceled();
				}
			});
			if (s == null) break;
			scores.add(s);
			maps.add(s.map());
		}
		ImagePlus map = scores.size() == planes.size() ? MapImages.of(imp, maps, mapTitle(imp.getTitle())) : null;
		return new Result(imp, planes, scores, map);
	}

	/** "&lt;title&gt; anomaly map". */
	public static String mapTitle(String title) {
		return title + " anomaly map";
	}
}
