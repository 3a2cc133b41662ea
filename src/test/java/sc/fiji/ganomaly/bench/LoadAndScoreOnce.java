package sc.fiji.ganomaly.bench;

import java.nio.file.Path;
import java.util.Locale;

import sc.fiji.ganomaly.ij.ImageFiles;
import sc.fiji.ganomaly.ij.ImagePlusPlanes;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ScoreKind;

/**
 * What a short scoring run costs: loads a model file and scores the first plane of one image once,
 * printing the time and resident memory of each step as key=value lines (a fresh JVM each run, so
 * the figures include TensorFlow's start-up when the score needs the network).
 * <p>
 * usage: {@code scripts/run-test-main sc.fiji.ganomaly.bench.LoadAndScoreOnce MODEL IMAGE [SCORE [PRECISION]]}
 * (SCORE: the model's own if omitted; PRECISION: float32 or bfloat16, the JVM-wide setting if omitted)
 */
public final class LoadAndScoreOnce {

	private LoadAndScoreOnce() {}

	public static void main(String[] args) {
		Path modelFile = Path.of(args[0]), imageFile = Path.of(args[1]);
		String precision = args.length > 3 ? args[3] : null;
		long rssStart = ProcessMemory.residentMib();
		var image = ImageFiles.open(imageFile, "image").image();
		ImagePlusPlanes.Plane plane = ImagePlusPlanes.of(image, 1, 1).get(0);
		long t0 = System.nanoTime();
		try (GanomalyModel loaded = GanomalyModel.load(modelFile, 0, precision)) {
			long t1 = System.nanoTime(), rssLoaded = ProcessMemory.residentMib();
			GanomalyModel model = args.length > 2 ? loaded.withScore(ScoreKind.parse(args[2])) : loaded;
			PlaneScore s = model.score(plane.image(), Math.max(1, model.patchSize() / 4), "plane");
			long t2 = System.nanoTime();
			System.out.printf(Locale.ROOT, "score=%s%nprecision=%s%nplane_score=%.6f%nload_ms=%d%nscore_ms=%d%n" +
				"rss_start_mib=%d%nrss_loaded_mib=%d%nrss_scored_mib=%d%npeak_rss_mib=%d%n", model.score().id(),
				loaded.precision(), s.score(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, rssStart, rssLoaded,
				ProcessMemory.residentMib(), ProcessMemory.peakResidentMib());
		}
	}
}
