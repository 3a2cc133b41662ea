package sc.fiji.ganomaly.bench;

import java.util.Locale;
import java.util.Random;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ShortProcessor;
import net.imglib2.img.array.ArrayImgs;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.ProgressListener;
import sc.fiji.ganomaly.core.Settings;
import sc.fiji.ganomaly.core.TrainingData;
import sc.fiji.ganomaly.ij.ImagePlusScorer;

/**
 * Scoring speed on large inputs, through the path the Fiji command takes: a 2048x2048 16-bit
 * image and a 512x512x100 stack, default network (nz 100, ngf = ndf = 64), patch 32 and the
 * default stride (patch / 4). Prints key=value lines: megapixels/s, patches/s and peak memory.
 */
public final class ScoringBenchmark {

	public static void main(String[] args) {
		int threads = 0, slices = 100, large = 2048, stackSize = 512;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--threads" -> threads = Integer.parseInt(args[++i]);
				case "--slices" -> slices = Integer.parseInt(args[++i]);
				case "--size" -> large = Integer.parseInt(args[++i]);
				default -> throw new IllegalArgumentException("unknown option " + args[i] +
					"; options: --threads N --slices N --size N");
			}
		}
		Random random = new Random(1);
		TrainingData data = new TrainingData().add("normal", ArrayImgs.unsignedShorts(
			(short[]) field(256, 256, random).getPixels(), 256, 256));
		// Weights do not change the speed: one short epoch is enough.
		try (GanomalyModel trained = Ganomaly.train(data, new Settings().patchSize(32).epochs(1).patchesPerEpoch(64)
			.threads(threads), null); GanomalyModel model = reload(trained, threads))
		{
			int stride = model.patchSize() / 4;
			System.out.println("threads=" + threads);
			System.out.println("patch_size=" + model.patchSize());
			System.out.println("stride=" + stride);
			ImagePlus image = new ImagePlus("large", field(large, large, random));
			ImagePlusScorer.score(model, new ImagePlus("warm-up", field(256, 256, random)), stride, ProgressListener.NONE);
			report("image_" + large + "x" + large, model, image, stride);
			ImageStack stack = new ImageStack(stackSize, stackSize);
			for (int z = 0; z < slices; z++)
				stack.addSlice(field(stackSize, stackSize, random));
			report("stack_" + stackSize + "x" + stackSize + "x" + slices, model, new ImagePlus("stack", stack), stride);
			System.out.printf(Locale.ROOT, "peak_rss_mib=%d%n", ProcessMemory.peakResidentMib());
			System.out.printf(Locale.ROOT, "max_heap_mib=%d%n", Runtime.getRuntime().maxMemory() >> 20);
		}
	}

	private static GanomalyModel reload(GanomalyModel trained, int threads) {
		try {
			java.nio.file.Path file = java.nio.file.Files.createTempFile("benchmark", ".ganomaly.zip");
			trained.save(file);
			GanomalyModel model = GanomalyModel.load(file, threads);
			java.nio.file.Files.delete(file);
			return model;
		}
		catch (java.io.IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	private static void report(String name, GanomalyModel model, ImagePlus image, int stride) {
		long t0 = System.nanoTime();
		ImagePlusScorer.Result r = ImagePlusScorer.score(model, image, stride, ProgressListener.NONE);
		double seconds = (System.nanoTime() - t0) / 1e9;
		double megapixels = (double) image.getWidth() * image.getHeight() * image.getStackSize() / 1e6;
		long patches = r.scores().stream().mapToLong(s -> s.patches()).sum();
		System.out.printf(Locale.ROOT, "%s_seconds=%.1f%n%s_megapixels_per_s=%.3f%n%s_patches_per_s=%.0f%n" +
			"%s_rss_after_mib=%d%n", name, seconds, name, megapixels / seconds, name, patches / seconds, name,
			ProcessMemory.residentMib());
	}

	/** A 16-bit field of blurred bright blobs on a noisy background, nuclei-like. */
	static ShortProcessor field(int width, int height, Random random) {
		ShortProcessor ip = new ShortProcessor(width, height);
		short[] pixels = (short[]) ip.getPixels();
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (short) (200 + 20 * random.nextGaussian());
		int blobs = width * height / 900;
		for (int b = 0; b < blobs; b++) {
			int cx = random.nextInt(width), cy = random.nextInt(height), r = 5 + random.nextInt(4);
			for (int y = Math.max(0, cy - r); y < Math.min(height, cy + r + 1); y++)
				for (int x = Math.max(0, cx - r); x < Math.min(width, cx + r + 1); x++)
					if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) pixels[y * width + x] = (short) 1500;
		}
		return ip;
	}
}
