package sc.fiji.ganomaly.core.texture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import ij.IJ;
import ij.ImagePlus;
import sc.fiji.ganomaly.ij.ImagePlusPlanes;
import sc.fiji.ganomaly.core.Metrics;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.core.math.FloatList;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.core.plane.PlaneNormalizer;
import sc.fiji.ganomaly.core.plane.Tile;

/**
 * The detection suite for the {@code texture} score alone, in seconds instead of the full suite's
 * twenty minutes: no network is trained. For every case folder under each root given (made by
 * {@code scripts/make_detection_cases.py}, e.g. with several {@code --seed}s), fits the texture
 * model to train/ as training does (seed 7, that of training with seed 0; its border profile from its
 * own maps of train/; without it if {@code -Dsuite.noBorder=true}), scores normal/ and
 * anomalous/ and prints image ROC AUC (plane maxima), pixel ROC AUC (every third normal pixel
 * against every anomalous one) and the image ROC AUC per kind of anomaly; then the means. The
 * figures equal the full suite's texture figures (same model, same maps: the calibration is
 * monotonic for planes of one size). It does not measure thresholds: use the full suite for those.
 * Run by {@code scripts/benchmark-texture}.
 */
public final class TextureSuite {

	static NormalizedPlane load(Path f) {
		ImagePlus imp = IJ.openImage(f.toString());
		return PlaneNormalizer.apply(new TrainingSettings().normalization(), ImagePlusPlanes.of(imp).get(0).image(), f.getFileName().toString());
	}

	static List<Path> files(Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.filter(p -> p.toString().endsWith(".tif")).sorted().toList();
		}
	}

	static float[] map(TextureModel m, NormalizedPlane p) {
		return m.map(p.width(), p.height(), (x0, y0, w, h) -> new Tile(p, 0, 0), ProgressListener.NONE)
			.values();
	}

	static float max(float[] v) {
		float m = Float.NEGATIVE_INFINITY;
		for (float x : v)
			m = Math.max(m, x);
		return m;
	}

	public static void main(String[] args) throws IOException {
		double sumImage = 0, sumPixel = 0, minImage = 1;
		int n = 0;
		StringBuilder summary = new StringBuilder();
		for (String rootName : args) {
			Path root = Path.of(rootName);
			List<Path> cases;
			try (Stream<Path> s = Files.list(root)) {
				cases = s.filter(Files::isDirectory).sorted().toList();
			}
			for (Path dir : cases) {
				List<NormalizedPlane> train = new ArrayList<>();
				for (Path f : files(dir.resolve("train")))
					train.add(load(f));
				TextureModel fitted = TextureModel.fit(train.stream().map(Region::of).toList(), 7);
				// corrected near the border as training corrects it: by the fitted model's own maps of its planes
				TextureModel model = Boolean.getBoolean("suite.noBorder") ? fitted : fitted.withBorder(BorderProfile.measure(train
					.stream().map(p -> fitted.map(p.width(), p.height(), (x0, y0, w, h) -> new Tile(p, 0, 0), ProgressListener.NONE))
					.toList()));
				List<Path> normal = files(dir.resolve("normal")), anomalous = files(dir.resolve("anomalous"));
				float[] ns = new float[normal.size()], as = new float[anomalous.size()];
				FloatList np = new FloatList(), ap = new FloatList();
				for (int i = 0; i < ns.length; i++) {
					float[] v = map(model, load(normal.get(i)));
					ns[i] = max(v);
					for (int k = 0; k < v.length; k += 3)
						np.add(v[k]);
				}
				Map<String, List<Float>> kinds = new TreeMap<>();
				for (int i = 0; i < as.length; i++) {
					Path f = anomalous.get(i);
					float[] v = map(model, load(f));
					as[i] = max(v);
					String base = f.getFileName().toString().replaceFirst("\\.tif$", "");
					kinds.computeIfAbsent(base.substring(base.lastIndexOf('_') + 1), k -> new ArrayList<>()).add(as[i]);
					ImagePlus mask = IJ.openImage(dir.resolve("masks").resolve(base + "_mask.tif").toString());
					byte[] m = (byte[]) mask.getProcessor().convertToByte(false).getPixels();
					for (int k = 0; k < v.length; k++)
						if (m[k] != 0) ap.add(v[k]);
						else if (k % 3 == 0) np.add(v[k]);
				}
				double image = Metrics.rocAuc(ns, as);
				double pixel = Metrics.rocAuc(java.util.Arrays.copyOf(np.values(), np.size()), java.util.Arrays.copyOf(ap.values(),
					ap.size()));
				StringBuilder k = new StringBuilder();
				for (var e : kinds.entrySet()) {
					float[] a = new float[e.getValue().size()];
					for (int i = 0; i < a.length; i++)
						a[i] = e.getValue().get(i);
					k.append(String.format(Locale.ROOT, " %s=%.2f", e.getKey(), Metrics.rocAuc(ns, a)));
				}
				String line = String.format(Locale.ROOT, "%-22s image %.3f pixel %.3f |%s", root.getFileName() + "/" + dir
					.getFileName(), image, pixel, k);
				System.out.println(line);
				summary.append(line).append('\n');
				sumImage += image;
				sumPixel += pixel;
				minImage = Math.min(minImage, image);
				n++;
			}
		}
		System.out.printf(Locale.ROOT, "MEAN image %.4f pixel %.4f  MIN image %.3f  (%d cases)%n", sumImage / n, sumPixel /
			n, minImage, n);
	}
}
