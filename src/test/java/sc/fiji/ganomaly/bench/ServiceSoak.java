package sc.fiji.ganomaly.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.process.FloatProcessor;
import net.imglib2.img.array.ArrayImgs;
import sc.fiji.ganomaly.fiji.DefaultGanomalyService;
import sc.fiji.ganomaly.fiji.GanomalyService;
import sc.fiji.ganomaly.fiji.ScoreAnomaliesCommand;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.ModelPool;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.model.TemporaryFolders;

/**
 * Runs Score Anomalies through CommandService with three models in turn, CALLS times in one
 * context, and prints the resident memory after a warm-up, at every tenth of the calls and at the
 * end. With MAX_MODELS below 3 the service's pool evicts and reloads a model on every call, which
 * shows that closing a model frees its session and files. Prints key=value lines.
 * usage: ServiceSoak [CALLS] [MAX_MODELS] [WARM_UP]
 */
public final class ServiceSoak {

	public static void main(String[] args) throws Exception {
		int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
		int maxModels = args.length > 1 ? Integer.parseInt(args[1]) : ModelPool.DEFAULT_MAX_MODELS;
		int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 300;
		int size = 64, models = 3;
		Path dir = Files.createTempDirectory("ganomaly-soak");
		File[] files = new File[models];
		for (int m = 0; m < models; m++) {
			float[] pixels = pixels(size, m);
			TrainingData data = new TrainingData().add("normal", ArrayImgs.floats(pixels, size, size));
			try (GanomalyModel model = Ganomaly.train(data, new TrainingSettings().score(ScoreKind.LATENT).patchSize(32).epochs(1).patchesPerEpoch(64)
				.batchSize(32).seed(m), null))
			{
				files[m] = dir.resolve("m" + m + ".ganomaly.zip").toFile();
				model.save(files[m].toPath());
			}
		}
		ImagePlus image = new ImagePlus("soak", new FloatProcessor(size, size, pixels(size, 9)));
		System.setProperty(DefaultGanomalyService.MAX_MODELS, Integer.toString(maxModels));
		Context context = new Context(CommandService.class, GanomalyService.class);
		CommandService commands = context.service(CommandService.class);
		long beforeWarmUp = ProcessMemory.residentMib();
		for (int i = 0; i < warmUp; i++)
			score(commands, image, files[i % models]);
		long start = ProcessMemory.residentMib();
		System.out.printf(Locale.ROOT, "calls=%d%nmodels=%d%nmax_models_loaded=%d%nwarm_up_calls=%d%n" +
			"rss_before_warm_up_mib=%d%nrss_start_mib=%d%n", calls, models, maxModels, warmUp, beforeWarmUp, start);
		long t0 = System.nanoTime();
		for (int i = 1; i <= calls; i++) {
			score(commands, image, files[i % models]);
			if (i % Math.max(1, calls / 10) == 0 && i < calls)
				System.out.printf(Locale.ROOT, "rss_after_%d_mib=%d%n", i, ProcessMemory.residentMib());
		}
		double seconds = (System.nanoTime() - t0) / 1e9;
		long end = ProcessMemory.residentMib();
		System.out.printf(Locale.ROOT, "rss_end_mib=%d%nrss_growth_mib=%d%ncalls_per_s=%.1f%n", end, end - start,
			calls / seconds);
		context.dispose();
		System.out.printf(Locale.ROOT, "unpacked_folders_after_dispose=%d%n", TemporaryFolders.live().size());
		for (File f : files)
			Files.deleteIfExists(f.toPath());
		Files.deleteIfExists(dir);
	}

	private static void score(CommandService commands, ImagePlus image, File model) throws Exception {
		CommandModule m = commands.run(ScoreAnomaliesCommand.class, true, "image", image, "model", model).get();
		if (m.isCanceled()) throw new IllegalStateException(m.getCancelReason());
	}

	private static float[] pixels(int size, long seed) {
		float[] pixels = new float[size * size];
		Random random = new Random(seed);
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (float) (100 + 40 * Math.sin(i * 0.37) + random.nextGaussian());
		return pixels;
	}
}
