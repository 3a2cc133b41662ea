package sc.fiji.ganomaly.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ImageProcessor;
import sc.fiji.ganomaly.cli.Main;

/**
 * Benchmark steps for scripts/benchmark-spark, one per JVM so that each has its own peak memory:
 * {@code prepare DIR FILES PLANES SIZE [SCORE]} (a default-size model scoring with SCORE, latent unless
 * given, and FILES stacks of PLANES planes of SIZE² pixels), {@code cli DIR THREADS}, {@code spark DIR MASTER},
 * {@code startup DIR CACHE} (engine and model start-up of an executor with the native cache in CACHE). Prints key=value lines.
 */
public final class SparkBenchmark {

	private SparkBenchmark() {}

	public static void main(String[] args) throws IOException {
		System.setProperty("java.awt.headless", "true");
		Path dir = Paths.get(args[1]);
		switch (args[0]) {
			case "prepare" -> prepare(dir, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
				args.length > 5 ? args[5] : "latent");
			case "cli" -> {
				Path out = dir.resolve("out-cli-" + args[2]);
				long t0 = System.nanoTime();
				int code = Main.run(new String[] { "score", "--model", dir.resolve("model.ganomaly.zip").toString(),
					"--output", out.toString(), "--threads", args[2], "--input", dir.resolve("inputs").toString() },
					new PrintStream(new ByteArrayOutputStream()), System.err);
				if (code != 0) System.exit(code);
				report("cli threads=" + args[2], t0, out);
			}
			case "spark" -> {
				Path out = dir.resolve("out-spark-" + args[2].replaceAll("[^0-9a-z]", ""));
				long t0 = System.nanoTime();
				List<String> options = new ArrayList<>(List.of("--model", dir.resolve("model.ganomaly.zip").toString(),
					"--output", out.toString(), "--master", args[2], "--input", dir.resolve("inputs") + "/*.tif"));
				// further arguments are more options of ganomaly-spark score (--planes-per-task 16)
				options.addAll(Arrays.asList(args).subList(3, args.length));
				SparkScore.Summary s = SparkScore.score(options.toArray(new String[0]), new PrintStream(
					new ByteArrayOutputStream()));
				if (s.failures() > 0) throw new IllegalStateException(s.failures() + " failures");
				report("spark master=" + args[2], t0, out);
				System.out.println("engine_and_model_start_ms=" + ExecutorModels.firstLoadMillis());
				Path cli = dir.resolve("out-cli-2");
				if (Files.isDirectory(cli)) System.out.println("same_bytes_as_cli=" + sameFiles(cli, out));
			}
			case "startup" -> {
				long t0 = System.nanoTime();
				ExecutorModels.lease(dir.resolve("model.ganomaly.zip"), 1, null, null, args[2]).close();
				System.out.println(String.format(Locale.ROOT, "startup_ms=%d", (System.nanoTime() - t0) / 1_000_000));
				System.out.println("peak_rss_mib=" + peakRssMiB());
			}
			default -> throw new IllegalArgumentException("unknown step " + args[0]);
		}
		System.exit(0);
	}

	static void prepare(Path dir, int files, int planes, int size, String score) throws IOException {
		Path inputs = Files.createDirectories(dir.resolve("inputs"));
		Path images = Paths.get(System.getProperty("ganomaly.test.images", "test-images"));
		List<ImageProcessor> tiles = new ArrayList<>();
		for (String name : List.of("stack_normal.tif", "stack_anomalous.tif")) {
			ImagePlus s = IJ.openImage(images.resolve(name).toString());
			for (int i = 1; i <= s.getStackSize(); i++)
				tiles.add(s.getStack().getProcessor(i));
		}
		int k = 0;
		for (int f = 0; f < files; f++) {
			ImageStack stack = new ImageStack(size, size);
			for (int p = 0; p < planes; p++) {
				ImageProcessor plane = tiles.get(0).createProcessor(size, size);
				for (int y = 0; y < size; y += 128)
					for (int x = 0; x < size; x += 128)
						plane.insert(tiles.get(k++ % tiles.size()), x, y);
				stack.addSlice(plane);
			}
			new FileSaver(new ImagePlus("bench", stack)).saveAsTiffStack(inputs.resolve(String.format("bench_%02d.tif", f))
				.toString());
		}
		List<String> train = new ArrayList<>(List.of("train", "--model", dir.resolve("model.ganomaly.zip").toString(),
			"--epochs", "1", "--patches-per-epoch", "256", "--seed", "1", "--threads", "2", "--score", score, "--input"));
		for (int i = 1; i <= 6; i++)
			train.add(images.resolve("normal_0" + i + ".tif").toString());
		int code = Main.run(train.toArray(new String[0]), new PrintStream(new ByteArrayOutputStream()), System.err);
		if (code != 0) System.exit(code);
		System.out.println("prepared " + files + " file(s) of " + planes + " plane(s) of " + size + "x" + size);
	}

	private static void report(String what, long t0, Path out) throws IOException {
		double s = (System.nanoTime() - t0) / 1e9;
		int planes = Files.readAllLines(out.resolve("scores.csv")).size() - 1;
		System.out.println(String.format(Locale.ROOT, "run=%s planes=%d seconds=%.1f planes_per_s=%.3f peak_rss_mib=%d",
			what, planes, s, planes / s, peakRssMiB()));
	}

	/**
	 * True if every output of {@code a} (its files but the command line's hidden resume state) is in
	 * {@code b} with the same bytes.
	 */
	private static boolean sameFiles(Path a, Path b) throws IOException {
		try (var list = Files.list(a)) {
			for (Path f : list.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
				Path other = b.resolve(f.getFileName());
				if (!Files.exists(other) || !java.util.Arrays.equals(Files.readAllBytes(f), Files.readAllBytes(other)))
					return false;
			}
		}
		return true;
	}

	/** Peak resident memory of this process (VmHWM), MiB. */
	static long peakRssMiB() throws IOException {
		for (String line : Files.readAllLines(Paths.get("/proc/self/status")))
			if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
		return -1;
	}
}
