package sc.fiji.ganomaly.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

import net.imglib2.img.array.ArrayImgs;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.Settings;
import sc.fiji.ganomaly.core.TrainingData;

/**
 * Scores the same image many times in one JVM and prints the resident memory at the start and
 * the end, to show that every tensor and result is closed. Prints key=value lines.
 */
public final class ScoringSoak {

	public static void main(String[] args) throws IOException {
		int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
		int size = args.length > 1 ? Integer.parseInt(args[1]) : 64;
		float[] pixels = new float[size * size];
		Random random = new Random(1);
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (float) (100 + 40 * Math.sin(i * 0.37) + random.nextGaussian());
		TrainingData data = new TrainingData().add("normal", ArrayImgs.floats(pixels, size, size));
		try (GanomalyModel model = Ganomaly.train(data, new Settings().patchSize(32).epochs(1).patchesPerEpoch(64)
			.batchSize(32), null))
		{
			var image = ArrayImgs.floats(pixels, size, size);
			for (int i = 0; i < 100; i++) // warm-up: allocators and caches settle
				model.score(image, 8, "soak");
			long start = rssMib();
			long t0 = System.nanoTime();
			for (int i = 0; i < runs; i++)
				model.score(image, 8, "soak");
			double seconds = (System.nanoTime() - t0) / 1e9;
			System.out.printf(Locale.ROOT, "runs=%d%nimage=%dx%d%nrss_start_mib=%d%nrss_end_mib=%d%nscores_per_s=%.1f%n", runs,
				size, size, start, rssMib(), runs / seconds);
		}
	}

	private static long rssMib() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/status")))
			if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
		return -1;
	}
}
