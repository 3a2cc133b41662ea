package sc.fiji.ganomaly.bench;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ShortProcessor;
import net.imglib2.img.array.ArrayImgs;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.Precision;
import sc.fiji.ganomaly.ij.ImagePlusScorer;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;

/**
 * Scoring speed, through the path the Fiji command takes, default network (nz
 * 100, ngf = ndf = 64), patch 32, default stride (patch / 4), latent score: 32x32 images/s (one
 * window each, Fashion-MNIST test images if installed, else synthetic fields; 4,096 per API call,
 * then as the planes of one stack through the Fiji command's path), a 2048x2048 16-bit
 * image and a 512x512x100 stack (megapixels/s), optionally how time grows with the image side
 * ({@code --sweep 256,512,...}), peak memory, and the share of the FLOP peak reached. With
 * {@code --precision float32,bfloat16} the same weights are loaded once per precision and every
 * measurement alternates between them ({@code --repeats N} rounds), printing the median and spread.
 * Then the default score's raw map of a {@code --size} plane against the straightforward code
 * ({@code --texture-only}: that alone). Prints key=value lines.
 */
public final class ScoringBenchmark {

	/** SGEMM peak of the machine's two cores (measured on the reference machine): 353 GFLOP/s on 2, 188 on 1. */
	static final double DEFAULT_PEAK_GFLOPS = 353;

	public static void main(String[] args) throws Exception {
		int threads = 0, slices = 100, large = 2048, stackSize = 512, repeats = 1, images = 7000, imageBatch = 4096;
		double peak = DEFAULT_PEAK_GFLOPS;
		List<String> precisions = List.of(Precision.FLOAT32);
		List<Integer> sweep = List.of();
		boolean skipLarge = false, textureOnly = false;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--threads" -> threads = Integer.parseInt(args[++i]);
				case "--slices" -> slices = Integer.parseInt(args[++i]);
				case "--size" -> large = Integer.parseInt(args[++i]);
				case "--repeats" -> repeats = Integer.parseInt(args[++i]);
				case "--images" -> images = Integer.parseInt(args[++i]);
				case "--image-batch" -> imageBatch = Integer.parseInt(args[++i]);
				case "--peak-gflops" -> peak = Double.parseDouble(args[++i]);
				case "--precision" -> precisions = List.of(args[++i].split(","));
				case "--sweep" -> sweep = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
				case "--sweep-only" -> skipLarge = true;
				case "--texture-only" -> textureOnly = true;
				default -> throw new IllegalArgumentException("unknown option " + args[i] +
					"; options: --threads N --slices N --size N --repeats N --images N --image-batch N --peak-gflops G " +
					"--precision float32,bfloat16 --sweep 256,512,... --sweep-only --texture-only");
			}
		}
		if (textureOnly) {
			texture(large, peak);
			return;
		}
		Random random = new Random(1);
		TrainingData data = new TrainingData().add("normal", ArrayImgs.unsignedShorts(
			(short[]) field(256, 256, random).getPixels(), 256, 256));
		java.nio.file.Path file = Files.createTempFile("benchmark", ".ganomaly.zip");
		// Weights do not change the speed: one short epoch is enough.
		try (GanomalyModel trained = Ganomaly.train(data, new TrainingSettings().score(ScoreKind.LATENT).patchSize(32).epochs(1).patchesPerEpoch(64)
			.threads(threads), null))
		{
			trained.save(file);
		}
		Map<String, GanomalyModel> models = new LinkedHashMap<>();
		try {
			for (String p : precisions)
				models.put(p, GanomalyModel.load(file, threads, p));
			Files.delete(file);
			GanomalyModel any = models.values().iterator().next();
			int stride = any.patchSize() / 4;
			double mflop = 2e-6 * macs(any.spec());
			System.out.println("threads=" + threads);
			System.out.println("patch_size=" + any.patchSize());
			System.out.println("stride=" + stride);
			System.out.println("score=" + any.score().id());
			System.out.printf(Locale.ROOT, "mflop_per_window=%.1f%n", mflop);
			System.out.printf(Locale.ROOT, "peak_gflops=%.0f%n", peak);
			for (GanomalyModel m : models.values())
				ImagePlusScorer.score(m, new ImagePlus("warm-up", field(256, 256, random)), stride, ProgressListener.NONE);

			float[] patches = patches32(any, images, random);
			System.out.println("images_32x32_per_call=" + imageBatch);
			Map<String, List<Double>> perImage = new LinkedHashMap<>();
			for (int r = 0; r < repeats; r++)
				for (var e : models.entrySet())
					perImage.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(patchesPerSecond(e.getValue(), patches, imageBatch));
			for (String p : precisions) {
				report(p, "images_32x32_per_s", perImage.get(p));
				report(p, "images_32x32_peak_share", scale(perImage.get(p), mflop * 1e-3 / peak));
			}
			// the same images as the planes of a stack, through the Fiji command's path (maps included)
			ImagePlus stack = stack32(patches, images);
			Map<String, List<Double>> perPlane = new LinkedHashMap<>();
			for (int r = 0; r < repeats; r++)
				for (var e : models.entrySet())
					perPlane.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(images / time(e.getValue(), stack,
						stride)[0]);
			for (String p : precisions) {
				report(p, "stack_of_32x32_planes_per_s", perPlane.get(p));
				report(p, "stack_of_32x32_peak_share", scale(perPlane.get(p), mflop * 1e-3 / peak));
			}

			List<int[]> inputs = new ArrayList<>();
			for (int side : sweep)
				inputs.add(new int[] { side, side, 1 });
			if (!skipLarge) {
				inputs.add(new int[] { large, large, 1 });
				inputs.add(new int[] { stackSize, stackSize, slices });
			}
			for (int[] in : inputs) {
				ImagePlus image = image(in[0], in[1], in[2], new Random(in[0] * 31L + in[2]));
				String name = (in[2] == 1 ? "image_" : "stack_") + in[0] + "x" + in[1] + (in[2] == 1 ? "" : "x" + in[2]);
				Map<String, List<double[]>> runs = new LinkedHashMap<>();
				for (int r = 0; r < repeats; r++)
					for (var e : models.entrySet())
						runs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(time(e.getValue(), image, stride));
				for (String p : precisions) {
					List<double[]> rs = runs.get(p);
					double megapixels = (double) in[0] * in[1] * in[2] / 1e6;
					List<Double> seconds = rs.stream().map(x -> x[0]).toList();
					List<Double> windowsPerS = rs.stream().map(x -> x[1] / x[0]).toList();
					report(p, name + "_seconds", seconds);
					report(p, name + "_megapixels_per_s", seconds.stream().map(s -> megapixels / s).toList());
					report(p, name + "_windows_per_s", windowsPerS);
					report(p, name + "_peak_share", scale(windowsPerS, mflop * 1e-3 / peak));
					System.out.printf(Locale.ROOT, "%s_%s_windows=%d%n", p, name, (long) rs.get(0)[1]);
					System.out.printf(Locale.ROOT, "%s_%s_rss_after_mib=%d%n", p, name, ProcessMemory.residentMib());
				}
			}
			System.out.printf(Locale.ROOT, "peak_rss_mib=%d%n", ProcessMemory.peakResidentMib());
			System.out.printf(Locale.ROOT, "max_heap_mib=%d%n", Runtime.getRuntime().maxMemory() >> 20);
		}
		finally {
			models.values().forEach(GanomalyModel::close);
		}
		texture(large, peak);
	}

	/**
	 * The default score's raw map of a {@code side²} plane, the straightforward code (one pixel at a
	 * time, one thread) against the plugin's, in this run: seconds, ratio, largest difference, share
	 * of the peak.
	 */
	private static void texture(int side, double peak) {
		for (String line : sc.fiji.ganomaly.core.texture.TextureBenchmark.run(side, peak))
			System.out.println(line);
	}

	/** Multiply-adds of one latent-score window: encoder, decoder and encoder of the generator. */
	static long macs(NetworkSpec s) {
		// the decoder mirrors the encoder: a transposed convolution costs what its forward convolution costs
		return 3 * encoder(s, s.nz());
	}

	/**
	 * Multiply-adds of one image of a training step (GanomalyGraph): forward through the generator's
	 * encoder, decoder and second encoder and the discriminator on the image and its reconstruction;
	 * the generator's gradients (each layer's weights and input, but the first encoder's input), through
	 * the discriminator's features of the reconstruction (inputs only: the adversarial loss compares
	 * features); the discriminator's gradients on both (weights and inputs, but the image's). A layer's
	 * weight or input gradient costs what its forward pass costs.
	 */
	static long trainingMacs(NetworkSpec s) {
		long generatorEncoder = encoder(s, s.nz()), decoder = generatorEncoder, discriminator = encoder(s, 1);
		// the discriminator's features: its encoder without the last layer
		long first = firstLayer(s), features = encoder(s, 0);
		long forward = 2 * generatorEncoder + decoder + 2 * discriminator;
		long generatorGradients = (2 * generatorEncoder - first) + 2 * decoder + 2 * generatorEncoder + features;
		long discriminatorGradients = 2 * (2 * discriminator - first);
		return forward + generatorGradients + discriminatorGradients;
	}

	/** Multiply-adds of the DCGAN encoder of one window down to {@code out} values (0: its features alone). */
	private static long encoder(NetworkSpec s, int out) {
		long enc = firstLayer(s), size = s.patchSize() / 2, ch = s.ndf();
		for (int i = 0; i < s.extraLayers(); i++)
			enc += size * size * ch * 9L * ch;
		while (size > 4) {
			enc += (size / 2) * (size / 2) * (ch * 2) * 16L * ch;
			size /= 2;
			ch *= 2;
		}
		return enc + out * 16L * ch;
	}

	private static long firstLayer(NetworkSpec s) {
		long size = s.patchSize() / 2;
		return size * size * s.ndf() * 16L * s.channels();
	}

	private static List<Double> scale(List<Double> values, double factor) {
		return values.stream().map(v -> v * factor).toList();
	}

	private static void report(String precision, String name, List<Double> values) {
		List<Double> s = new ArrayList<>(values);
		s.sort(null);
		System.out.printf(Locale.ROOT, "%s_%s=%.4g%n", precision, name, s.get(s.size() / 2));
		if (s.size() > 1) System.out.printf(Locale.ROOT, "%s_%s_spread=%.4g..%.4g (n=%d)%n", precision, name, s.get(0),
			s.get(s.size() - 1), s.size());
	}

	/** Seconds and windows of scoring one image through the Fiji command's path. */
	private static double[] time(GanomalyModel model, ImagePlus image, int stride) {
		long t0 = System.nanoTime();
		ImagePlusScorer.Result r = ImagePlusScorer.score(model, image, stride, ProgressListener.NONE);
		double seconds = (System.nanoTime() - t0) / 1e9;
		return new double[] { seconds, r.scores().stream().mapToLong(s -> s.patches()).sum() };
	}

	/**
	 * Images/s of scoring single 32x32 images, {@code batch} per {@link GanomalyModel#scorePatches}
	 * call (which makes network calls of at most 256, two at once; 256: one call at a time, the
	 * Fashion-MNIST benchmark's way).
	 */
	private static double patchesPerSecond(GanomalyModel model, float[] patches, int batch) {
		int length = 32 * 32, n = patches.length / length;
		float[] buffer = new float[batch * length], scores = new float[batch];
		long t0 = System.nanoTime();
		for (int first = 0; first < n; first += batch) {
			int m = Math.min(batch, n - first);
			System.arraycopy(patches, first * length, buffer, 0, m * length);
			model.scorePatches(buffer, m, scores);
		}
		return n / ((System.nanoTime() - t0) / 1e9);
	}

	/** Normalised 32x32 images: Fashion-MNIST test images if installed, else synthetic fields. */
	private static float[] patches32(GanomalyModel model, int n, Random random) throws java.io.IOException {
		float[] out = new float[n * 1024];
		boolean mnist = Files.isDirectory(FashionMnist.DEFAULT_FOLDER);
		FashionMnist data = mnist ? FashionMnist.pooled(FashionMnist.DEFAULT_FOLDER) : null;
		System.out.println("images_32x32=" + (mnist ? "fashion-mnist" : "synthetic") + " " + n);
		for (int i = 0; i < n; i++) {
			NormalizedPlane p = mnist ? model.normalize(FashionMnistBenchmark.resized(data.images[i]), "image")
				: model.normalize(ArrayImgs.unsignedShorts((short[]) field(32, 32, random).getPixels(), 32, 32), "image");
			System.arraycopy(p.data(), 0, out, i * 1024, 1024);
		}
		return out;
	}

	/** A stack of the first {@code n} 32x32 images of {@code patches} (normalised values) as float planes. */
	private static ImagePlus stack32(float[] patches, int n) {
		ImageStack stack = new ImageStack(32, 32);
		for (int i = 0; i < n; i++)
			stack.addSlice(new ij.process.FloatProcessor(32, 32, Arrays.copyOfRange(patches, i * 1024, (i + 1) * 1024)));
		return new ImagePlus("32x32 planes", stack);
	}

	private static ImagePlus image(int width, int height, int slices, Random random) {
		if (slices == 1) return new ImagePlus("image", field(width, height, random));
		ImageStack stack = new ImageStack(width, height);
		for (int z = 0; z < slices; z++)
			stack.addSlice(field(width, height, random));
		return new ImagePlus("stack", stack);
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
