package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ScoreKind;

/**
 * Model files written by earlier versions, one per manifest shape (resources {@code legacy/}, see
 * its README and scripts/make-old-model-examples): each loads, its manifest re-reads to an equal
 * manifest keeping every number, and it scores a fixed test plane as stored: the latent and residual
 * maps bit for bit, the density score and the density map's sampled values within
 * {@link #DENSITY_ULPS} (see there), texture maps within {@link #TEXTURE_ROUNDING} (their sums are
 * taken in another order than when they were stored). Texture maps were stored by the version that
 * wrote the manifest; network maps (all examples share one tiny SavedModel) by 708a05a, whose maps
 * the writing versions give too except for examples 1-2 (see the README). Uses the public API only.
 */
public class OldModelFilesTest {

	static final String FOLDER = "/sc/fiji/ganomaly/core/legacy/";
	/** One example per manifest shape, oldest first. */
	static final List<String> EXAMPLES = List.of("1-no-scoring-no-normalization", "2-no-scoring",
		"3-scoring-without-texture", "4-texture-no-intensities", "5-texture-hand-writer", "6-texture-no-feature-set",
		"7-texture-one-fit", "8-texture-plain-lists", "9-texture-packed");
	static final int STRIDE = 4;
	/**
	 * How far a texture map's values may lie from the stored ones, relative above 1: the float
	 * roundings of features summed in another order, amplified where a window's variance is the
	 * difference of two nearly equal floats (docs/benchmarks.md, "Default score speed").
	 */
	static final double TEXTURE_ROUNDING = 3e-4;
	/**
	 * How many units in the last place the density score and the density map's sampled values may
	 * lie from the stored ones (the hash of all bits is not compared): the density is the Mahalanobis
	 * distance of the encoder's codes, and TensorFlow's kernels may give codes that differ in their
	 * last bits between CPUs, where the latent and residual maps of the same model are bit-identical.
	 */
	static final int DENSITY_ULPS = 4;

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void texturesScoreAsTheVersionThatWroteThem() throws IOException {
		List<String> failures = new ArrayList<>();
		int checked = 0;
		for (String name : EXAMPLES) {
			String expected = resource(name + "/expected-texture.txt");
			if (expected == null) continue;
			checked++;
			try (GanomalyModel model = GanomalyModel.load(assemble(name, manifest(name), tmp.newFolder().toPath()), 1)) {
				String actual = digest(model.score(testPlane(), STRIDE, "test plane"));
				String difference = valuesDifference(expected, actual, within(TEXTURE_ROUNDING));
				if (difference != null) failures.add(name + ": " + difference);
			}
		}
		assertEquals(6, checked);
		assertTrue("texture maps differ from the stored ones:\n" + String.join("\n", failures), failures.isEmpty());
	}

	@Test
	public void networkScoresAsStored() throws IOException {
		List<String> failures = new ArrayList<>();
		for (String name : EXAMPLES) {
			String expected = resource(name + "/expected-network.txt");
			assertNotNull(name + " has no expected-network.txt", expected);
			try (GanomalyModel model = GanomalyModel.load(assemble(name, manifest(name), tmp.newFolder().toPath()), 1)) {
				String[] e = expected.split("(?m)^(?=\\[)"), a = networkDigest(model, manifest(name)).split("(?m)^(?=\\[)");
				if (e.length != a.length) failures.add(name + ": " + e.length + " scores stored, " + a.length + " scored");
				else for (int i = 0; i < e.length; i++) {
					String difference = e[i].startsWith("[density]") ? valuesDifference(e[i], a[i], ulps(DENSITY_ULPS))
						: e[i].equals(a[i]) ? null : firstDifference(e[i], a[i]);
					if (difference != null) failures.add(name + ": " + difference);
				}
			}
		}
		assertTrue("network maps differ from the stored ones:\n" + String.join("\n", failures), failures.isEmpty());
	}

	@Test
	public void manifestsReadBackEqualKeepingEveryNumber() throws IOException {
		List<String> failures = new ArrayList<>();
		for (String name : EXAMPLES) {
			String old = manifest(name);
			try (GanomalyModel model = GanomalyModel.load(assemble(name, old, tmp.newFolder().toPath()), 1)) {
				JsonObject oldTree = JsonParser.parseString(old).getAsJsonObject();
				assertEquals(name, oldTree.get("threshold").getAsDouble(), model.threshold(), 0);
				String written = model.manifest().toJson();
				try (GanomalyModel again = GanomalyModel.load(assemble(name, written, tmp.newFolder().toPath()), 1)) {
					if (!again.manifest().toJson().equals(written)) failures.add(name + ": written manifest reads back different");
				}
				numbersKept(name, oldTree, JsonParser.parseString(written), failures);
			}
		}
		assertTrue(String.join("\n", failures), failures.isEmpty());
	}

	@Test
	public void scoresAModelDoesNotHaveAreRefusedByName() throws IOException {
		Map<String, String> expected = Map.of(
			"1-no-scoring-no-normalization", "this model was trained before the score 'texture' existed; it scores with " +
				"'latent' only (retrain it to use 'texture')",
			"2-no-scoring", "this model was trained before the score 'texture' existed; it scores with 'latent' only " +
				"(retrain it to use 'texture')",
			"3-scoring-without-texture", "this model has no calibration for the score 'texture' (it has latent, " +
				"residual, density)");
		for (Map.Entry<String, String> e : expected.entrySet())
			try (GanomalyModel model = GanomalyModel.load(assemble(e.getKey(), manifest(e.getKey()),
				tmp.newFolder().toPath()), 1))
			{
				model.withScore(ScoreKind.TEXTURE);
				fail(e.getKey() + " scores with texture");
			}
			catch (IllegalArgumentException refused) {
				assertEquals(e.getKey(), e.getValue(), refused.getMessage());
			}
	}

	/** Every number of {@code old} is in {@code now} at the same place (arrays may be packed); strings may change. */
	static void numbersKept(String path, JsonElement old, JsonElement now, List<String> failures) {
		if (old.isJsonObject()) {
			if (!now.isJsonObject()) {
				failures.add(path + " is no longer an object");
				return;
			}
			for (Map.Entry<String, JsonElement> e : old.getAsJsonObject().entrySet()) {
				JsonElement n = now.getAsJsonObject().get(e.getKey());
				if (n == null) {
					if (hasNumbers(e.getValue())) failures.add(path + "." + e.getKey() + " is lost");
				}
				else numbersKept(path + "." + e.getKey(), e.getValue(), n, failures);
			}
		}
		else if (old.isJsonArray()) {
			JsonArray o = old.getAsJsonArray();
			if (now.isJsonPrimitive() && now.getAsJsonPrimitive().isString() && o.size() > 0 && o.get(0).isJsonPrimitive() &&
				o.get(0).getAsJsonPrimitive().isNumber())
			{
				double[] packed = unpack(now.getAsString());
				if (packed.length != o.size()) failures.add(path + " has " + packed.length + " values, not " + o.size());
				else for (int i = 0; i < packed.length; i++)
					if (Double.compare(packed[i], o.get(i).getAsDouble()) != 0) failures.add(path + "[" + i + "] changed");
			}
			else if (!now.isJsonArray() || now.getAsJsonArray().size() != o.size()) failures.add(path + " changed length");
			else for (int i = 0; i < o.size(); i++)
				numbersKept(path + "[" + i + "]", o.get(i), now.getAsJsonArray().get(i), failures);
		}
		else if (old.isJsonPrimitive() && old.getAsJsonPrimitive().isNumber()) {
			if (!now.isJsonPrimitive() || !now.getAsJsonPrimitive().isNumber() ||
				Double.compare(old.getAsDouble(), now.getAsDouble()) != 0)
				failures.add(path + " was " + old + ", is " + now);
		}
	}

	private static boolean hasNumbers(JsonElement e) {
		if (e.isJsonObject()) return e.getAsJsonObject().entrySet().stream().anyMatch(x -> hasNumbers(x.getValue()));
		if (e.isJsonArray()) return e.getAsJsonArray().asList().stream().anyMatch(OldModelFilesTest::hasNumbers);
		return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
	}

	/** A packed array: base64 of little-endian doubles. */
	private static double[] unpack(String text) {
		ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(text)).order(ByteOrder.LITTLE_ENDIAN);
		double[] out = new double[bytes.remaining() / Double.BYTES];
		bytes.asDoubleBuffer().get(out);
		return out;
	}

	/** The scores a manifest calibrates besides texture (the latent score alone if it has no scoring). */
	static List<String> networkScores(String manifest) {
		JsonObject root = JsonParser.parseString(manifest).getAsJsonObject();
		if (!root.has("scoring")) return List.of("latent");
		return root.getAsJsonObject("scoring").getAsJsonObject("calibrations").keySet().stream()
			.filter(s -> !s.equals("texture")).toList();
	}

	/** The digests of the test plane's maps under each network score of the model, in manifest order. */
	static String networkDigest(GanomalyModel model, String manifest) {
		StringBuilder sb = new StringBuilder();
		for (String score : networkScores(manifest)) {
			GanomalyModel view = model.withScore(ScoreKind.parse(score));
			sb.append("[").append(score).append("]\n").append(digest(view.score(testPlane(), STRIDE, "test plane")));
		}
		return sb.toString();
	}

	/** The example's stored manifest. */
	static String manifest(String name) {
		String text = resource(name + "/manifest.json");
		assertNotNull(name + " has no manifest.json", text);
		return text;
	}

	/** A model file in {@code folder}: {@code manifest} and the examples' shared tiny SavedModel. */
	static Path assemble(String name, String manifest, Path folder) throws IOException {
		Path file = folder.resolve(name + ".zip");
		try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file));
			ZipInputStream network = new ZipInputStream(OldModelFilesTest.class.getResourceAsStream(FOLDER +
				"tiny-network.zip")))
		{
			zip.putNextEntry(new ZipEntry("manifest.json"));
			zip.write(manifest.getBytes(StandardCharsets.UTF_8));
			zip.closeEntry();
			for (ZipEntry e = network.getNextEntry(); e != null; e = network.getNextEntry()) {
				zip.putNextEntry(new ZipEntry(e.getName()));
				network.transferTo(zip);
				zip.closeEntry();
			}
		}
		return file;
	}

	private static String resource(String path) {
		try (InputStream in = OldModelFilesTest.class.getResourceAsStream(FOLDER + path)) {
			return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Whether a value scored now is close enough to the one stored. */
	private interface Closeness {

		boolean test(float stored, float now);
	}

	/** Within {@code tolerance}, relative above 1. */
	private static Closeness within(double tolerance) {
		return (x, y) -> Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(x));
	}

	/** Within {@code ulps} units in the last place of the stored value. */
	private static Closeness ulps(int ulps) {
		return (x, y) -> Math.abs(x - y) <= ulps * Math.ulp(x);
	}

	/**
	 * The first line of two digests whose size differs or whose score or value is not {@code close},
	 * or null; the hash of all bits is not compared.
	 */
	private static String valuesDifference(String expected, String actual, Closeness close) {
		String[] e = expected.split("\n"), a = actual.split("\n");
		if (e.length != a.length) return "expected " + e.length + " lines, got " + a.length;
		for (int i = 0; i < e.length; i++) {
			if (e[i].startsWith("sha256 ")) continue;
			String[] ew = e[i].split(" "), aw = a[i].split(" ");
			boolean same = ew.length == aw.length && ew[0].equals(aw[0]);
			if (same && (ew[0].equals("score") || ew[0].equals("value"))) {
				float x = Float.intBitsToFloat(Integer.parseUnsignedInt(ew[ew.length - 1], 16)),
						y = Float.intBitsToFloat(Integer.parseUnsignedInt(aw[aw.length - 1], 16));
				same = close.test(x, y) && (ew.length == 2 || ew[1].equals(aw[1]));
			}
			else same = same && e[i].equals(a[i]);
			if (!same) return "line " + (i + 1) + ": expected '" + e[i] + "', got '" + a[i] + "'";
		}
		return null;
	}

	private static String firstDifference(String expected, String actual) {
		String[] e = expected.split("\n"), a = actual.split("\n");
		for (int i = 0; i < Math.min(e.length, a.length); i++)
			if (!e[i].equals(a[i])) return "line " + (i + 1) + ": expected '" + e[i] + "', got '" + a[i] + "'";
		return "expected " + e.length + " lines, got " + a.length;
	}

	/**
	 * The fixed test plane: 72 x 56 diagonal stripes (100..200) with noise and a bright disc of
	 * radius 6 at (40, 28); the same formula as scripts/old-model-examples/OldExample.java.
	 */
	static Img<FloatType> testPlane() {
		int w = 72, h = 56;
		Random random = new Random(42);
		float[] v = new float[w * h];
		double phase = random.nextDouble() * 6;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double s = 150 + 50 * StrictMath.sin((x + y) * 0.6 + phase) + 5 * random.nextGaussian();
				if ((x - 40) * (x - 40) + (y - 28) * (y - 28) <= 36) s = 260;
				v[y * w + x] = (float) s;
			}
		return ArrayImgs.floats(v, w, h);
	}

	/**
	 * Plane score and map as text: the score's float bits, the map's size, SHA-256 of its float bits
	 * (row-major, big-endian) and 200 sampled values' bits; the format of OldExample.java.
	 */
	static String digest(PlaneScore score) {
		float[] v = score.map().values();
		ByteBuffer bytes = ByteBuffer.allocate(v.length * 4);
		for (float f : v)
			bytes.putInt(Float.floatToRawIntBits(f));
		StringBuilder sb = new StringBuilder();
		sb.append("score ").append(Integer.toHexString(Float.floatToRawIntBits(score.score()))).append('\n');
		sb.append("size ").append(score.map().width()).append(' ').append(score.map().height()).append('\n');
		try {
			sb.append("sha256 ").append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array())))
				.append('\n');
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException(e);
		}
		for (int i = 0; i < v.length; i += v.length / 200)
			sb.append("value ").append(i).append(' ').append(Integer.toHexString(Float.floatToRawIntBits(v[i]))).append('\n');
		return sb.toString();
	}
}
