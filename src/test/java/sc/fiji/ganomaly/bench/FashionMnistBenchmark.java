package sc.fiji.ganomaly.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import sc.fiji.ganomaly.engine.ScoringNormalization;
import sc.fiji.ganomaly.core.model.TemporaryFolders;
import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.EngineLoader;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.TrainableNetwork;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.Metrics;
import sc.fiji.ganomaly.core.api.EpochSummary;
import sc.fiji.ganomaly.core.api.Normalization;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.model.ModelFile;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;

/**
 * The GANomaly reference protocol on Fashion-MNIST: one class is the anomaly; the normal images
 * of train and test are pooled and split 80/20 (seeded); the test set is those 20 % plus every
 * image of the anomalous class. Images are resized from 28x28 to 32x32 (bilinear) and normalised
 * with the reference's mean and std (0.1307, 0.3081), or with --preprocess pad zero-padded and
 * scaled from 0..255 to [-1, 1]. Scores are per image (batch-independent). Prints key=value lines.
 */
public final class FashionMnistBenchmark {

	public static void main(String[] args) throws IOException {
		List<Integer> classes = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
		int epochs = 1, limitTrain = 0, threads = 0, ngf = 64, statistics = 0;
		long seed = 0;
		double peak = ScoringBenchmark.DEFAULT_PEAK_GFLOPS;
		ScoringNormalization scoring = ScoringNormalization.DEFAULT;
		boolean variants = false;
		Path folder = FashionMnist.DEFAULT_FOLDER;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--classes" -> {
					classes.clear();
					for (String c : args[++i].split(","))
						classes.add(Integer.parseInt(c.trim()));
				}
				case "--epochs" -> epochs = Integer.parseInt(args[++i]);
				case "--limit-train" -> limitTrain = Integer.parseInt(args[++i]);
				case "--threads" -> threads = Integer.parseInt(args[++i]);
				case "--seed" -> seed = Long.parseLong(args[++i]);
				case "--ngf" -> ngf = Integer.parseInt(args[++i]);
				case "--statistics-batches" -> statistics = Integer.parseInt(args[++i]);
				case "--data" -> folder = Path.of(args[++i]);
				case "--scoring" -> scoring = ScoringNormalization.parse("--scoring", args[++i], "'" + args[i] + "'");
				case "--peak-gflops" -> peak = Double.parseDouble(args[++i]);
				case "--variants" -> variants = true;
				case "--compare-precision" -> comparePrecision = true;
				case "--preprocess" -> resize = switch (args[++i]) {
					case "pad" -> false;
					case "resize" -> true;
					default -> throw new IllegalArgumentException("--preprocess takes pad or resize, not " + args[i]);
				};
				default -> throw new IllegalArgumentException("unknown option " + args[i] +
					"; options: --classes 0,1,.. --epochs N --limit-train N --threads N --seed N --ngf N --statistics-batches N --data DIR " +
						"--scoring moving|sample --variants --compare-precision --preprocess pad|resize --peak-gflops G");
			}
		}
		if (!Files.isDirectory(folder)) throw new IllegalArgumentException("no Fashion-MNIST in " + folder +
			"; apt-get install dataset-fashion-mnist");
		FashionMnist data = FashionMnist.pooled(folder);
		System.out.println("epochs=" + epochs);
		System.out.println("preprocess=" + (resize ? "resize" : "pad"));
		System.out.println("limit_train=" + limitTrain);
		System.out.println("threads=" + threads);
		System.out.println("statistics_batches=" + statistics);
		System.out.println("scoring=" + scoring);
		System.out.println("seed=" + seed);
		double trainSpeed = 0, scoreSpeed = 0, trainMacs = 0, scoreMacs = 0;
		for (int anomaly : classes) {
			double[] r = runClass(data, anomaly, epochs, limitTrain, threads, ngf, statistics, seed, scoring, variants);
			System.out.printf(Locale.ROOT, "auc_class_%d=%.4f%n", anomaly, r[0]);
			System.out.printf(Locale.ROOT, "best_epoch_class_%d=%d%n", anomaly, (int) r[3]);
			trainSpeed = Math.max(trainSpeed, r[1]);
			scoreSpeed = Math.max(scoreSpeed, r[2]);
			trainMacs = r[4];
			scoreMacs = r[5];
		}
		System.out.printf(Locale.ROOT, "train_images_per_s=%.1f%n", trainSpeed);
		System.out.printf(Locale.ROOT, "score_images_per_s=%.1f%n", scoreSpeed);
		// shares of the FLOP peak, counting the convolutions' multiply-adds alone (ScoringBenchmark.trainingMacs, macs)
		System.out.printf(Locale.ROOT, "peak_gflops=%.0f%n", peak);
		System.out.printf(Locale.ROOT, "train_mflop_per_image=%.1f%n", 2e-6 * trainMacs);
		System.out.printf(Locale.ROOT, "train_peak_share=%.3f%n", trainSpeed * 2e-9 * trainMacs / peak);
		System.out.printf(Locale.ROOT, "score_mflop_per_image=%.1f%n", 2e-6 * scoreMacs);
		System.out.printf(Locale.ROOT, "score_peak_share=%.3f%n", scoreSpeed * 2e-9 * scoreMacs / peak);
		System.out.printf(Locale.ROOT, "peak_rss_mib=%d%n", ProcessMemory.peakResidentMib());
	}

	/** Returns AUC, training images/s, scoring images/s, best epoch, multiply-adds of a training and a scoring image. */
	private static double[] runClass(FashionMnist data, int anomaly, int epochs, int limitTrain, int threads, int ngf,
		int statistics, long seed, ScoringNormalization scoring, boolean variants) throws IOException
	{
		List<Integer> normal = new ArrayList<>(), abnormal = new ArrayList<>();
		for (int i = 0; i < data.labels.length; i++)
			(data.labels[i] == anomaly ? abnormal : normal).add(i);
		Collections.shuffle(normal, new Random(seed));
		int trainCount = (int) Math.round(0.8 * normal.size());
		List<Integer> train = normal.subList(0, limitTrain > 0 ? Math.min(limitTrain, trainCount) : trainCount);
		List<Integer> testNormal = normal.subList(trainCount, normal.size());

		TrainingData training = new TrainingData();
		for (int i : train)
			training.add("image " + i, input(data.images[i]));
		TrainingSettings settings = new TrainingSettings().epochs(epochs).batchSize(64).seed(seed).threads(threads).ngf(ngf).ndf(ngf)
			.augment(false).normalization(resize ? REFERENCE_RANGE : Normalization.fixedRange(0, 255)).statisticsBatches(statistics)
			// an epoch is every training image once, as in the reference (the trainer holds out 10 % of the planes)
			.patchesPerEpoch(train.size() - (int) Math.round(0.1 * train.size()))
			.scoringNormalization(scoring).score(ScoreKind.LATENT);
		double[] speed = { 0 };
		ProgressListener listener = new ProgressListener() {

			@Override
			public void epochFinished(EpochSummary s) {
				speed[0] = Math.max(speed[0], s.imagesPerSecond());
				System.err.printf(Locale.ROOT, "class %d epoch %d/%d G %.4f D %.4f val %.4f%s %.1f images/s%n", anomaly,
					s.epoch(), s.epochs(), s.generatorLoss(), s.discriminatorLoss(), s.validationLoss(),
					s.improved() ? " (best)" : "", s.imagesPerSecond());
			}
		};
		try (GanomalyModel model = Ganomaly.train(training, settings, listener)) {
			float[] n = score(model, data, testNormal), a = new float[abnormal.size()];
			long t0 = System.nanoTime();
			a = score(model, data, abnormal);
			double scoreSpeed = abnormal.size() / ((System.nanoTime() - t0) / 1e9);
			Object best = model.manifest().training().network().bestEpoch();
			if (variants) compareVariants(model, data, anomaly, train, testNormal, abnormal);
			if (comparePrecision) comparePrecision(model, data, anomaly, testNormal, abnormal, threads);
			return new double[] { Metrics.rocAuc(n, a), speed[0], scoreSpeed, ((Number) best).doubleValue(),
				ScoringBenchmark.trainingMacs(model.spec()), ScoringBenchmark.macs(model.spec()) };
		}
	}

	/** Set by --compare-precision. */
	private static boolean comparePrecision;

	/**
	 * Scores the test set with the same weights in float32 and bfloat16, alternating three
	 * times for speed; prints AUC of each, the score differences (calibrated patch scale) and the
	 * scoring speeds (median of three).
	 */
	private static void comparePrecision(GanomalyModel model, FashionMnist data, int anomaly, List<Integer> testNormal,
		List<Integer> abnormal, int threads) throws IOException
	{
		Path file = Files.createTempFile("fashion-mnist", ModelFile.EXTENSION);
		model.save(file);
		try (GanomalyModel f32 = GanomalyModel.load(file, threads, sc.fiji.ganomaly.engine.Precision.FLOAT32);
				GanomalyModel bf16 = GanomalyModel.load(file, threads, sc.fiji.ganomaly.engine.Precision.BFLOAT16))
		{
			Files.delete(file);
			float[][] normal = new float[2][], anomalous = new float[2][];
			List<List<Double>> speed = List.of(new ArrayList<>(), new ArrayList<>());
			GanomalyModel[] models = { f32, bf16 };
			for (int round = 0; round < 3; round++)
				for (int k = 0; k < 2; k++) {
					normal[k] = score(models[k], data, testNormal);
					long t0 = System.nanoTime();
					anomalous[k] = score(models[k], data, abnormal);
					speed.get(k).add(abnormal.size() / ((System.nanoTime() - t0) / 1e9));
				}
			double max = 0, sum = 0;
			int count = 0;
			for (float[][] set : List.of(normal, anomalous))
				for (int i = 0; i < set[0].length; i++) {
					double d = Math.abs(set[0][i] - set[1][i]);
					max = Math.max(max, d);
					sum += d;
					count++;
				}
			String[] names = { "float32", "bfloat16" };
			for (int k = 0; k < 2; k++) {
				List<Double> s = new ArrayList<>(speed.get(k));
				s.sort(null);
				System.out.printf(Locale.ROOT, "auc_%s_class_%d=%.4f%n", names[k], anomaly, Metrics.rocAuc(normal[k],
					anomalous[k]));
				System.out.printf(Locale.ROOT, "score_images_per_s_%s=%.1f (%.1f..%.1f)%n", names[k], s.get(1), s.get(0),
					s.get(2));
			}
			System.out.printf(Locale.ROOT, "bfloat16_score_difference_class_%d=max %.4g mean %.4g (calibrated patch scale, " +
				"1 = p99 of normal patches)%n", anomaly, max, sum / count);
		}
	}

	/**
	 * Scores the test set of one trained model with each scoring normalisation, on the same
	 * weights: moving statistics, moving statistics re-estimated on 100 training batches with the
	 * final weights, per-sample statistics, and (the reference's test loop, batch-dependent) the
	 * statistics of test batches of 64, in the reference's order (normals first, then anomalies:
	 * batch64) and shuffled (batch64shuffled). Prints
	 * auc_&lt;variant&gt;_class_K lines.
	 */
	private static void compareVariants(GanomalyModel model, FashionMnist data, int anomaly, List<Integer> train,
		List<Integer> testNormal, List<Integer> abnormal) throws IOException
	{
		Path file = Files.createTempFile("fashion-mnist", ModelFile.EXTENSION);
		model.save(file);
		ModelFile.Unpacked unpacked = ModelFile.read(file, model.spec().threads());
		Files.delete(file);
		try {
			Path weights = unpacked.savedModel().resolve("variables").resolve("variables");
			Engine engine = EngineLoader.tensorflow();
			float[] normal = patches(model, data, testNormal), abnormalPatches = patches(model, data, abnormal);
			int nn = testNormal.size(), na = abnormal.size();
			for (String variant : List.of("moving", "restats", "sample", "batch64", "batch64shuffled")) {
				ScoringNormalization mode = switch (variant) {
					case "sample" -> ScoringNormalization.SAMPLE;
					case "batch64", "batch64shuffled" -> ScoringNormalization.BATCH;
					default -> ScoringNormalization.MOVING;
				};
				try (TrainableNetwork net = engine.create(model.spec().withScoringNormalization(mode))) {
					net.restoreCheckpoint(weights);
					if (variant.equals("restats")) {
						List<Integer> shuffled = new ArrayList<>(train);
						Collections.shuffle(shuffled, new Random(3));
						float[] batch = patches(model, data, shuffled.subList(0, Math.min(shuffled.size(), 100 * 64)));
						for (int first = 0; first + 64 <= batch.length / 1024; first += 64)
							net.updateStatistics(Arrays.copyOfRange(batch, first * 1024, (first + 64) * 1024), 64);
					}
					float[] sn, sa;
					if (variant.startsWith("batch64")) {
						// test order: normals first, then anomalies; shuffled (seeded) for batch64shuffled
						List<Integer> order = new ArrayList<>();
						for (int i = 0; i < nn + na; i++)
							order.add(i);
						if (variant.equals("batch64shuffled")) Collections.shuffle(order, new Random(4));
						float[] all = new float[(nn + na) * 1024];
						for (int k = 0; k < order.size(); k++) {
							int i = order.get(k);
							System.arraycopy(i < nn ? normal : abnormalPatches, (i < nn ? i : i - nn) * 1024, all, k * 1024, 1024);
						}
						float[] s = scoreRaw(net, all, nn + na, 64);
						sn = new float[nn];
						sa = new float[na];
						for (int k = 0; k < order.size(); k++) {
							int i = order.get(k);
							if (i < nn) sn[i] = s[k];
							else sa[i - nn] = s[k];
						}
					}
					else {
						sn = scoreRaw(net, normal, nn, 256);
						sa = scoreRaw(net, abnormalPatches, na, 256);
					}
					System.out.printf(Locale.ROOT, "auc_%s_class_%d=%.4f%n", variant, anomaly, Metrics.rocAuc(sn, sa));
				}
			}
		}
		finally {
			TemporaryFolders.deleteTree(unpacked.folder());
		}
	}

	/** Normalised 32x32 patches of the given images, one after the other. */
	private static float[] patches(GanomalyModel model, FashionMnist data, List<Integer> indices) {
		int length = 32 * 32;
		float[] out = new float[indices.size() * length];
		for (int k = 0; k < indices.size(); k++)
			System.arraycopy(model.normalize(input(data.images[indices.get(k)]), "image").data(), 0, out, k * length,
				length);
		return out;
	}

	/** Raw scores of n patches, {@code batch} per network call. */
	private static float[] scoreRaw(TrainableNetwork net, float[] patches, int n, int batch) {
		int length = 32 * 32;
		float[] scores = new float[n], s = new float[batch];
		for (int first = 0; first < n; first += batch) {
			int m = Math.min(batch, n - first);
			net.score(Arrays.copyOfRange(patches, first * length, (first + m) * length), m, s, null);
			System.arraycopy(s, 0, scores, first, m);
		}
		return scores;
	}

	/** Scores images one patch each, 256 per network call. */
	private static float[] score(GanomalyModel model, FashionMnist data, List<Integer> indices) {
		int length = 32 * 32, batch = 256;
		float[] scores = new float[indices.size()], buffer = new float[batch * length], s = new float[batch];
		for (int first = 0; first < indices.size(); first += batch) {
			int n = Math.min(batch, indices.size() - first);
			for (int k = 0; k < n; k++) {
				NormalizedPlane plane = model.normalize(input(data.images[indices.get(first + k)]), "test image");
				System.arraycopy(plane.data(), 0, buffer, k * length, length);
			}
			model.scorePatches(buffer, n, s);
			System.arraycopy(s, 0, scores, first, n);
		}
		return scores;
	}

	/**
	 * As the reference (the default, --preprocess resize): bilinear 28 -> 32 and its mean/std
	 * normalisation; --preprocess pad: zero padding and 0..255 -> [-1, 1].
	 */
	private static boolean resize = true;

	/**
	 * The reference's normalisation, (v / 255 - 0.1307) / 0.3081, as a fixed range: 0 maps to
	 * -0.424 and 255 to 2.822, so the range mapped to [-1, 1] is -45.24 .. 111.90.
	 */
	static final Normalization REFERENCE_RANGE = referenceRange();

	private static Normalization referenceRange() {
		double scale = 1 / (255 * 0.3081), offset = -0.1307 / 0.3081; // v -> v * scale + offset
		return Normalization.fixedRange((-1 - offset) / scale, (1 - offset) / scale);
	}

	static RandomAccessibleInterval<? extends RealType<?>> input(byte[] image) {
		return resize ? resized(image) : padded(image);
	}

	/** Bilinear 28x28 -> 32x32 with pixel centres aligned as PIL and torchvision do. */
	static Img<FloatType> resized(byte[] image) {
		float[] out = new float[32 * 32];
		double ratio = 28.0 / 32;
		for (int y = 0; y < 32; y++) {
			double sy = Math.min(Math.max((y + 0.5) * ratio - 0.5, 0), 27);
			int y0 = (int) sy, y1 = Math.min(y0 + 1, 27);
			double fy = sy - y0;
			for (int x = 0; x < 32; x++) {
				double sx = Math.min(Math.max((x + 0.5) * ratio - 0.5, 0), 27);
				int x0 = (int) sx, x1 = Math.min(x0 + 1, 27);
				double fx = sx - x0;
				double top = (image[y0 * 28 + x0] & 0xff) * (1 - fx) + (image[y0 * 28 + x1] & 0xff) * fx;
				double bottom = (image[y1 * 28 + x0] & 0xff) * (1 - fx) + (image[y1 * 28 + x1] & 0xff) * fx;
				out[y * 32 + x] = (float) (top * (1 - fy) + bottom * fy);
			}
		}
		return ArrayImgs.floats(out, 32, 32);
	}

	/** A 28x28 image centred in 32x32 with a black border. */
	static Img<UnsignedByteType> padded(byte[] image) {
		byte[] out = new byte[32 * 32];
		for (int y = 0; y < 28; y++)
			System.arraycopy(image, y * 28, out, (y + 2) * 32 + 2, 28);
		return ArrayImgs.unsignedBytes(out, 32, 32);
	}
}
