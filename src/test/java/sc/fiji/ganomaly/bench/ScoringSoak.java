package sc.fiji.ganomaly.bench;

import java.util.Locale;
import java.util.Random;

import net.imglib2.img.array.ArrayImgs;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;

/**
 * Scores the same image many times in one JVM and prints the resident memory after a warm-up,
 * at every tenth of the runs and at the end, to show that every tensor and result is closed.
 * Prints key=value lines.
 */
public final class ScoringSoak {

	public static void main(String[] args) {
		int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
		int size = args.length > 1 ? Integer.parseInt(args[1]) : 64;
		int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
		float[] pixels = new float[size * size];
		Random random = new Random(1);
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (float) (100 + 40 * Math.sin(i * 0.37) + random.nextGaussian());
		TrainingData data = new TrainingData().add("normal", ArrayImgs.floats(pixels, size, size));
		try (GanomalyModel model = Ganomaly.train(data, new TrainingSettings().score(ScoreKind.LATENT).patchSize(32).epochs(1).patchesPerEpoch(64)
			.batchSize(32), null))
		{
			var image = ArrayImgs.floats(pixels, size, size);
			long beforeWarmUp = ProcessMemory.residentMib();
			for (int i = 0; i < warmUp; i++) // allocators and caches settle
				model.score(image, 8, "soak");
			long start = ProcessMemory.residentMib();
			System.out.printf(Locale.ROOT, "runs=%d%nimage=%dx%d%nwarm_up_runs=%d%nrss_before_warm_up_mib=%d%n" +
				"rss_start_mib=%d%n", runs, size, size, warmUp, beforeWarmUp, start);
			long t0 = System.nanoTime();
			for (int i = 1; i <= runs; i++) {
				model.score(image, 8, "soak");
				if (i % Math.max(1, runs / 10) == 0 && i < runs)
					System.out.printf(Locale.ROOT, "rss_after_%d_mib=%d%n", i, ProcessMemory.residentMib());
			}
			double seconds = (System.nanoTime() - t0) / 1e9;
			long end = ProcessMemory.residentMib();
			System.out.printf(Locale.ROOT, "rss_end_mib=%d%nrss_growth_mib=%d%nscores_per_s=%.1f%n", end, end - start,
				runs / seconds);
		}
	}
}
