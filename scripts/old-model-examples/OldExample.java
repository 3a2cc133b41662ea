package sc.fiji.ganomaly.core;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;

import sc.fiji.ganomaly.engine.NetworkSpec;

/**
 * Compiled against an OLD version's core (scripts/make-old-model-examples): writes the manifest that
 * version writes for a fixed small model, and (texture models) the map that version gives on a fixed
 * test plane. Version differences are bridged by reflection only where constructors changed.
 * Arguments: output folder, kind ("network" or "texture").
 */
public final class OldExample {

	/** The network of the shared tiny SavedModel. */
	static final int PATCH = 16, NZ = 8, NGF = 4, NDF = 4;
	static final int STRIDE = 4;

	public static void main(String[] args) throws Exception {
		Path out = Path.of(args[0]);
		boolean texture = args[1].equals("texture");
		Files.createDirectories(out);
		NetworkSpec spec = new NetworkSpec(PATCH, 1, NZ, NGF, NDF, 0, 1, 50, 1, 2e-4f, 0.5f, 0.999f, 1, 7);
		Normalization normalization = Normalization.percentiles(1, 99);
		Random random = new Random(5);
		Map<String, Object> training = new LinkedHashMap<>();
		training.put("epochs_run", 1.0);
		training.put("note", "old-model example");
		Object scoring = null;
		if (hasClass("sc.fiji.ganomaly.core.ImageScoring")) scoring = Class.forName("sc.fiji.ganomaly.core.ScoringParts")
			.getDeclaredMethod("scoring", boolean.class, Normalization.class, Random.class).invoke(null, texture,
				normalization, random);
		Manifest manifest = scoring == null
			? new Manifest(1, "ganomaly-fiji 0.1.0", spec, normalization, new ScoreCalibration(0.25, 0.75), 1.0, training)
			: construct(8, spec, normalization, training, scoring);
		String json = manifest.toJson();
		Files.writeString(out.resolve("manifest.json"), json);
		if (args.length > 3) Files.writeString(Path.of(args[3]), networkDigest(json, Path.of(args[2]), out));
		if (!texture) return;
		GanomalyModel model;
		if (hasClass("sc.fiji.ganomaly.core.LazyNetwork")) {
			// this version loads a texture model without its network: its own load, placeholder weights
			Path file = out.resolve("model.zip");
			try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
				entry(zip, "manifest.json", json.getBytes(StandardCharsets.UTF_8));
				entry(zip, "saved_model/saved_model.pb", new byte[] { 1, 2, 3 });
				entry(zip, "saved_model/variables/variables.index", new byte[] { 4, 5 });
				entry(zip, "saved_model/variables/variables.data-00000-of-00001", new byte[] { 6 });
			}
			model = GanomalyModel.load(file, 1);
			Files.delete(file);
		}
		else {
			// this version creates the network at load: the model as its load builds it, without one
			Manifest read = Manifest.fromJson(json, 1);
			Constructor<?> c = null;
			for (Constructor<?> k : GanomalyModel.class.getDeclaredConstructors())
				if (k.getParameterCount() == 4) c = k;
			c.setAccessible(true);
			model = (GanomalyModel) c.newInstance(read, null, null, false);
		}
		PlaneScore score = model.score(testPlane(), STRIDE, "test plane");
		Files.writeString(out.resolve("expected-texture.txt"), digest(score));
	}

	/**
	 * This version's network maps of the test plane under each network score the manifest has, with
	 * the SavedModel of the zip {@code network}; the format of OldModelFilesTest.networkDigest.
	 */
	static String networkDigest(String json, Path network, Path out) throws Exception {
		Path file = out.resolve("network.zip");
		try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file));
			java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(network)))
		{
			entry(zip, "manifest.json", json.getBytes(StandardCharsets.UTF_8));
			for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry())
				entry(zip, e.getName(), in.readAllBytes());
		}
		StringBuilder sb = new StringBuilder();
		try (GanomalyModel model = GanomalyModel.load(file, 1)) {
			List<String> scores = json.contains("\"scoring\"") ? List.of("latent", "residual", "density") : List.of("latent");
			for (String score : scores) {
				GanomalyModel view = model;
				for (java.lang.reflect.Method m : GanomalyModel.class.getMethods())
					if (m.getName().equals("withScore")) {
						Class<?> type = m.getParameterTypes()[0];
						@SuppressWarnings({ "unchecked", "rawtypes" })
						Object arg = type == String.class ? score : Enum.valueOf((Class) type, score.toUpperCase());
						view = (GanomalyModel) m.invoke(model, arg);
					}
				sb.append("[").append(score).append("]\n").append(digest(view.score(testPlane(), STRIDE, "test plane")));
			}
		}
		Files.delete(file);
		return sb.toString();
	}

	static Manifest construct(int n, Object spec, Object normalization, Object training, Object scoring) throws Exception {
		for (Constructor<?> k : Manifest.class.getDeclaredConstructors())
			if (k.getParameterCount() == n) return (Manifest) k.newInstance(1, "ganomaly-fiji 0.1.0", spec, normalization,
				new ScoreCalibration(0.25, 0.75), 1.0, training, scoring);
		throw new IllegalStateException("no manifest constructor of " + n);
	}

	static void entry(ZipOutputStream zip, String name, byte[] bytes) throws Exception {
		zip.putNextEntry(new ZipEntry(name));
		zip.write(bytes);
		zip.closeEntry();
	}

	static boolean hasClass(String name) {
		try {
			Class.forName(name);
			return true;
		}
		catch (ClassNotFoundException e) {
			return false;
		}
	}

	/** Diagonal stripes (100..200) with noise; with {@code disc} a bright disc of radius 6 at (40, 28). */
	static Img<FloatType> stripes(int w, int h, Random random, boolean disc) {
		float[] v = new float[w * h];
		double phase = random.nextDouble() * 6;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double s = 150 + 50 * StrictMath.sin((x + y) * 0.6 + phase) + 5 * random.nextGaussian();
				if (disc && (x - 40) * (x - 40) + (y - 28) * (y - 28) <= 36) s = 260;
				v[y * w + x] = (float) s;
			}
		return ArrayImgs.floats(v, w, h);
	}

	/** The fixed test plane: 72 x 56 stripes with a bright disc. */
	static Img<FloatType> testPlane() {
		return stripes(72, 56, new Random(42), true);
	}

	/** Plane score, map size, SHA-256 of the map's float bits (row-major, big-endian) and 200 sampled values. */
	static String digest(PlaneScore score) throws Exception {
		float[] v = score.map().values();
		ByteBuffer bytes = ByteBuffer.allocate(v.length * 4);
		for (float f : v)
			bytes.putInt(Float.floatToRawIntBits(f));
		StringBuilder sb = new StringBuilder();
		sb.append("score ").append(Integer.toHexString(Float.floatToRawIntBits(score.score()))).append('\n');
		sb.append("size ").append(score.map().width()).append(' ').append(score.map().height()).append('\n');
		sb.append("sha256 ").append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array())))
			.append('\n');
		for (int i = 0; i < v.length; i += v.length / 200)
			sb.append("value ").append(i).append(' ').append(Integer.toHexString(Float.floatToRawIntBits(v[i]))).append('\n');
		return sb.toString();
	}
}
