package sc.fiji.ganomaly.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import ij.IJ;
import ij.ImagePlus;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import sc.fiji.ganomaly.engine.Precision;
import sc.fiji.ganomaly.ij.ImagePlusPlanes;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.Metrics;
import sc.fiji.ganomaly.core.api.EpochSummary;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;

/**
 * The detection suite: for every case folder made by {@code scripts/make_detection_cases.py},
 * {@code make_object_cases.py} or {@code make_cell_cases.py} (train/, normal/, anomalous/, masks/,
 * family.txt), trains a model on train/ (or loads the case's model from {@code --models DIR} when
 * that folder has one, saving it with {@code --save-models DIR}), scores the held-out normal and
 * anomalous planes with each score and prints, per case and score, pixel ROC AUC, pixel PR AUC
 * (average precision over all pixels of all held-out planes; normal planes have empty masks), image
 * ROC AUC, and the shares of held-out normal and anomalous planes flagged at the model's threshold.
 */
public final class DetectionBenchmark {

	public static void main(String[] args) throws IOException {
		Path root = null;
		List<String> cases = new ArrayList<>(), scores = new ArrayList<>();
		TrainingSettings settings = new TrainingSettings();
		int stride = 0;
		Path saveModels = null, loadModels = null;
		boolean comparePrecision = false, fusions = false;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--cases-dir" -> root = Path.of(args[++i]);
				case "--cases" -> cases.addAll(Arrays.asList(args[++i].split(",")));
				case "--scores" -> scores.addAll(Arrays.asList(args[++i].split(",")));
				case "--epochs" -> settings.epochs(Integer.parseInt(args[++i]));
				case "--patches-per-epoch" -> settings.patchesPerEpoch(Integer.parseInt(args[++i]));
				case "--threads" -> settings.threads(Integer.parseInt(args[++i]));
				case "--seed" -> settings.seed(Long.parseLong(args[++i]));
				case "--patch-size" -> settings.patchSize(Integer.parseInt(args[++i]));
				case "--nz" -> settings.nz(Integer.parseInt(args[++i]));
				case "--ngf" -> settings.ngf(Integer.parseInt(args[++i]));
				case "--ndf" -> settings.ndf(Integer.parseInt(args[++i]));
				case "--stride" -> stride = Integer.parseInt(args[++i]);
				case "--save-models" -> saveModels = Path.of(args[++i]);
				case "--models" -> loadModels = Path.of(args[++i]);
				case "--compare-precision" -> comparePrecision = true;
				case "--fusions" -> fusions = true;
				default -> Scores.option(settings, args, i);
			}
			i += Scores.consumed(args, i);
		}
		if (root == null) throw new IllegalArgumentException("usage: DetectionBenchmark --cases-dir DIR [--cases a,b] " +
			"[--scores texture,latent,residual,density,combined,default] [--epochs N] [--patches-per-epoch N] [--threads N] [--seed N] " +
			"[--patch-size N] [--stride N] [--score NAME] [--false-positive-rate F] [--save-models DIR] [--models DIR] " +
			"[--compare-precision] [--fusions]");
		if (cases.isEmpty()) try (Stream<Path> list = Files.list(root)) {
			list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(cases::add);
		}
		List<String> table = new ArrayList<>();
		java.util.Map<FamilyScore, List<Double>> byFamily = new java.util.TreeMap<>(java.util.Comparator.comparing(
			FamilyScore::family).thenComparing(FamilyScore::score));
		for (String name : cases) {
			Path dir = root.resolve(name);
			TrainingData data = new TrainingData();
			for (Path f : files(dir.resolve("train")))
				data.add(f.getFileName().toString(), plane(f));
			// the default's score; when it needs no network but a score of the network is asked for, the
			// scores are those of a model trained for the latent score, the default's that of its own model
			ScoreKind auto = Ganomaly.score(data, settings);
			boolean networkAsked = scores.stream().anyMatch(n -> !n.equals("default") && ScoreKind.parse(n).needsNetwork());
			TrainingSettings run = !auto.needsNetwork() && networkAsked ? settings.copy().score(ScoreKind.LATENT) : settings;
			Path saved = loadModels == null ? null : loadModels.resolve(name + ".ganomaly.zip");
			if (saved != null && !Files.exists(saved)) saved = null; // no saved model of this case: trained
			long t0 = System.nanoTime();
			GanomalyModel model = saved != null ? GanomalyModel.load(saved, settings.threads()) : Ganomaly.train(data, run,
				progress(name));
			double trainSeconds = saved != null ? Double.NaN : (System.nanoTime() - t0) / 1e9;
			long t1 = System.nanoTime();
			GanomalyModel own = run == settings ? null : Ganomaly.train(data, settings, progress(name));
			double ownSeconds = own == null ? trainSeconds : (System.nanoTime() - t1) / 1e9;
			try (model; own) {
				// warm-up, so that the first score's time does not include TensorFlow's start
				model.score(plane(files(dir.resolve("normal")).get(0)), Math.max(1, model.patchSize() / 4), "warm-up");
				if (saveModels != null) {
					Files.createDirectories(saveModels);
					model.save(saveModels.resolve(name + ".ganomaly.zip"));
				}
				var t = model.manifest().training();
				System.out.printf(Locale.ROOT, "case=%s train_planes=%d train_seconds=%.1f best_epoch=%s converged=%s " +
					"calibration_blocks=%s texture_calibration_blocks=%s default_score=%s default_train_seconds=%.1f%n", name,
					data.size(), trainSeconds, t.network() == null ? null : t.network().bestEpoch(), t.network() == null ? null : t.network().converged(), t
						.figures().get("calibration_blocks"), t.figures().get("texture_calibration_blocks"), auto.id(), ownSeconds);
				GanomalyModel byDefault = own != null ? own : model;
				List<String> names = scores.isEmpty() ? List.of(Scores.defaultName(byDefault)) : scores;
				int s = stride > 0 ? stride : Math.max(1, model.patchSize() / 4);
				java.util.Map<String, Evaluation> evaluations = new java.util.HashMap<>();
				String family = family(dir);
				for (String score : names) {
					boolean isDefault = score.equals("default") || own != null && score.equals(auto.id());
					Evaluation e = isDefault ? evaluate(name, score, byDefault, dir, s, ownSeconds) : evaluate(name, score,
						Scores.select(model, score), dir, s, trainSeconds);
					table.add(e.row());
					if (fusions) evaluations.put(score, e);
					byFamily.computeIfAbsent(new FamilyScore(family, score), k -> new ArrayList<>()).add(e.imageRoc());
				}
				if (fusions) fusions(name, evaluations, table);
				if (comparePrecision) {
					Path file = Files.createTempFile("detection", ".ganomaly.zip");
					model.save(file);
					try (GanomalyModel bf16 = GanomalyModel.load(file, settings.threads(), Precision.BFLOAT16)) {
						Files.delete(file);
						for (String score : names) {
							table.add(evaluate(name, score + " bfloat16", Scores.select(bf16, score), dir, s, trainSeconds).row());
							mapDifference(name, score, Scores.select(model, score), Scores.select(bf16, score), dir, s);
						}
					}
				}
			}
		}
		System.out.println();
		System.out.println("| case | score | pixel ROC AUC | pixel PR AUC | image ROC AUC | normal planes flagged | " +
			"anomalous planes flagged | scoring s/plane | training s |");
		System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
		table.forEach(System.out::println);
		System.out.println();
		for (var e : byFamily.entrySet()) {
			var stats = e.getValue().stream().mapToDouble(Double::doubleValue).summaryStatistics();
			System.out.printf(Locale.ROOT, "family=%s score=%s cases=%d mean_image_roc_auc=%.4f min=%.4f%n",
				e.getKey().family(), e.getKey().score(), stats.getCount(), stats.getAverage(), stats.getMin());
		}
	}

	/** Prints a training's epochs and warnings to standard error. */
	private static ProgressListener progress(String name) {
		return new ProgressListener() {

			@Override
			public void epochFinished(EpochSummary s) {
				System.err.printf(Locale.ROOT, "%s epoch %d/%d G %.4f D %.4f val %.4f%s%n", name, s.epoch(), s.epochs(),
					s.generatorLoss(), s.discriminatorLoss(), s.validationLoss(), s.improved() ? " *" : "");
			}

			@Override
			public void status(String message) {
				if (message.startsWith("warning") || message.startsWith("Warning")) System.err.println(message);
			}
		};
	}

	/** The case's family of anomalies: the first line of its family.txt, else local defects. */
	private static String family(Path dir) throws IOException {
		Path f = dir.resolve("family.txt");
		return Files.exists(f) ? Files.readAllLines(f).get(0).trim().replace(' ', '-') : "local-defects";
	}

	/** A family of cases and a score: a row of the per-family summary. */
	private record FamilyScore(String family, String score) {}

	/**
	 * One score's table row and its calibrated maps of the held-out planes, for fusions: the maps one
	 * after the other in {@code pixels} (normal planes first), plane {@code i} ending at {@code planeEnds[i]}.
	 */
	private record Evaluation(String row, double imageRoc, float[] pixels, boolean[] pixelLabels, int[] planeEnds,
		int normalPlanes) {}

	/**
	 * Image and pixel ROC AUC of maps fused from the calibrated maps of texture (t) and density (d),
	 * printed and added to the table (their thresholds are not calibrated, so no flagged counts).
	 */
	private static void fusions(String name, java.util.Map<String, Evaluation> e, List<String> table) {
		Evaluation t = e.get("texture"), d = e.get("density");
		if (t == null || d == null) return;
		record Fusion(String name, java.util.function.DoubleBinaryOperator f) {}
		for (Fusion f : List.of(new Fusion("max(t,d)", Math::max), new Fusion("t+d", (a, b) -> a + b),
			new Fusion("t+2d", (a, b) -> a + 2 * b), new Fusion("t+d/2", (a, b) -> a + b / 2),
			new Fusion("softmax(t,d)", (a, b) -> Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)))),
			new Fusion("t+max(d,0)", (a, b) -> a + Math.max(b, 0))))
		{
			int planes = t.planeEnds().length, n = t.normalPlanes(), at = 0;
			float[] a = t.pixels(), b = d.pixels(), pixels = new float[a.length], normal = new float[n],
				anomalous = new float[planes - n];
			for (int i = 0; i < planes; i++) {
				float max = Float.NEGATIVE_INFINITY;
				for (; at < t.planeEnds()[i]; at++) {
					float v = (float) f.f().applyAsDouble(a[at], b[at]);
					pixels[at] = v;
					max = Math.max(max, v);
				}
				if (i < n) normal[i] = max;
				else anomalous[i - n] = max;
			}
			double pixelRoc = PixelMetrics.rocAuc(pixels, t.pixelLabels()), imageRoc = Metrics.rocAuc(normal, anomalous);
			System.out.printf(Locale.ROOT, "case=%s fusion=%s pixel_roc_auc=%.4f image_roc_auc=%.4f%n", name, f.name(),
				pixelRoc, imageRoc);
			table.add(String.format(Locale.ROOT, "| %s | %s | %.3f | | %.3f | | | | |", name, f.name(), pixelRoc, imageRoc));
		}
	}

	private static Evaluation evaluate(String name, String score, GanomalyModel model, Path dir, int stride,
		double trainSeconds)
	{
		List<Path> normal = files(dir.resolve("normal")), anomalous = files(dir.resolve("anomalous"));
		float[] normalScores = new float[normal.size()], anomalousScores = new float[anomalous.size()];
		int flagged = 0, found = 0, planes = 0;
		long pixels = 0;
		for (List<Path> files : List.of(normal, anomalous))
			for (Path f : files) {
				ImagePlus imp = IJ.openImage(f.toString());
				pixels += (long) imp.getWidth() * imp.getHeight();
			}
		float[] pixelScores = new float[(int) pixels];
		boolean[] pixelLabels = new boolean[(int) pixels];
		int[] planeEnds = new int[normal.size() + anomalous.size()];
		int at = 0;
		long t0 = System.nanoTime();
		for (int i = 0; i < normal.size(); i++) {
			PlaneScore s = model.score(plane(normal.get(i)), stride, normal.get(i).getFileName().toString());
			normalScores[i] = s.score();
			if (s.score() > model.threshold()) flagged++;
			float[] v = s.map().values();
			System.arraycopy(v, 0, pixelScores, at, v.length);
			at += v.length;
			planeEnds[planes++] = at;
		}
		for (int i = 0; i < anomalous.size(); i++) {
			Path f = anomalous.get(i);
			PlaneScore s = model.score(plane(f), stride, f.getFileName().toString());
			anomalousScores[i] = s.score();
			if (s.score() > model.threshold()) found++;
			float[] v = s.map().values();
			String base = f.getFileName().toString().replaceFirst("\\.tif$", "");
			ImagePlus mask = IJ.openImage(dir.resolve("masks").resolve(base + "_mask.tif").toString());
			byte[] m = (byte[]) mask.getProcessor().convertToByte(false).getPixels();
			if (m.length != v.length) throw new IllegalStateException("mask of " + f + " has another size");
			System.arraycopy(v, 0, pixelScores, at, v.length);
			for (int k = 0; k < m.length; k++)
				pixelLabels[at + k] = m[k] != 0;
			at += v.length;
			planeEnds[planes++] = at;
		}
		double perPlane = (System.nanoTime() - t0) / 1e9 / planes;
		double pixelRoc = PixelMetrics.rocAuc(pixelScores, pixelLabels), pixelPr = PixelMetrics.averagePrecision(
			pixelScores, pixelLabels), imageRoc = Metrics.rocAuc(normalScores, anomalousScores);
		System.out.printf(Locale.ROOT, "case=%s score=%s pixel_roc_auc=%.4f pixel_pr_auc=%.4f image_roc_auc=%.4f " +
			"normal_flagged=%d/%d anomalous_flagged=%d/%d threshold=%.4f seconds_per_plane=%.3f%n", name, score, pixelRoc,
			pixelPr, imageRoc, flagged, normal.size(), found, anomalous.size(), model.threshold(), perPlane);
		System.out.println("  normal scores: " + Arrays.toString(normalScores));
		System.out.println("  anomalous scores: " + Arrays.toString(anomalousScores));
		// image ROC AUC per kind of anomaly (the name's last part: paste, scratch, blur, missing, duplicate, ...)
		java.util.Map<String, List<Float>> kinds = new java.util.TreeMap<>();
		for (int i = 0; i < anomalous.size(); i++) {
			String base = anomalous.get(i).getFileName().toString().replaceFirst("\\.tif$", "");
			kinds.computeIfAbsent(base.substring(base.lastIndexOf('_') + 1), k -> new ArrayList<>()).add(anomalousScores[i]);
		}
		StringBuilder perKind = new StringBuilder("  image ROC AUC per kind:");
		for (var e : kinds.entrySet()) {
			float[] a = new float[e.getValue().size()];
			for (int i = 0; i < a.length; i++)
				a[i] = e.getValue().get(i);
			perKind.append(String.format(Locale.ROOT, " %s %.3f (%d)", e.getKey(), Metrics.rocAuc(normalScores, a), a.length));
		}
		System.out.println(perKind);
		return new Evaluation(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.3f | %d/%d | %d/%d | %.2f | %.0f |",
			name, score, pixelRoc, pixelPr, imageRoc, flagged, normal.size(), found, anomalous.size(), perPlane, trainSeconds),
			imageRoc, pixelScores, pixelLabels, planeEnds, normal.size());
	}

	/**
	 * Largest and mean difference of calibrated map pixels between float32 and bfloat16 over the
	 * held-out planes, and the planes whose decision (score above the threshold) differs.
	 */
	private static void mapDifference(String name, String score, GanomalyModel f32, GanomalyModel bf16, Path dir,
		int stride)
	{
		double max = 0, sum = 0, maxScore = 0;
		long count = 0;
		int flips = 0, planes = 0;
		List<Path> all = new ArrayList<>(files(dir.resolve("normal")));
		all.addAll(files(dir.resolve("anomalous")));
		for (Path f : all) {
			PlaneScore a = f32.score(plane(f), stride, "a"), b = bf16.score(plane(f), stride, "b");
			float[] va = a.map().values(), vb = b.map().values();
			for (int i = 0; i < va.length; i++) {
				double d = Math.abs(va[i] - vb[i]);
				max = Math.max(max, d);
				sum += d;
			}
			count += va.length;
			maxScore = Math.max(maxScore, Math.abs(a.score() - b.score()));
			if ((a.score() > f32.threshold()) != (b.score() > bf16.threshold())) flips++;
			planes++;
		}
		System.out.printf(Locale.ROOT, "case=%s score=%s bfloat16_map_difference_max=%.4g mean=%.4g " +
			"plane_score_difference_max=%.4g decisions_changed=%d/%d%n", name, score, max, sum / count, maxScore, flips,
			planes);
	}

	private static List<Path> files(Path dir) {
		try (Stream<Path> list = Files.list(dir)) {
			return list.filter(p -> p.toString().endsWith(".tif")).sorted().toList();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static RandomAccessibleInterval<? extends RealType<?>> plane(Path f) {
		ImagePlus imp = IJ.openImage(f.toString());
		if (imp == null) throw new IllegalArgumentException("cannot open " + f);
		return ImagePlusPlanes.of(imp).get(0).image();
	}
}
