package sc.fiji.ganomaly.core.model;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.Rule;
import org.junit.Test;
import sc.fiji.ganomaly.core.math.GaussianMixture;
import org.junit.rules.TemporaryFolder;

import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.core.TinyModels;
import sc.fiji.ganomaly.core.calibrate.MapCalibration;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.json.Json;
import sc.fiji.ganomaly.core.texture.BorderProfile;
import sc.fiji.ganomaly.core.texture.TextureModel;

/**
 * Model archives are read by their central directory with limits enforced while unpacking, and
 * their manifests are compact, exact and checked value by value.
 */
public class ModelArchiveTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** Entries as ModelFile writes them, in order. */
	private static Map<String, byte[]> entries(Manifest m) {
		Map<String, byte[]> e = new LinkedHashMap<>();
		e.put("manifest.json", m.toJson().getBytes(StandardCharsets.UTF_8));
		e.put("saved_model/saved_model.pb", new byte[] { 1, 2, 3 });
		e.put("saved_model/variables/variables.data-00000-of-00001", new byte[] { 6 });
		e.put("saved_model/variables/variables.index", new byte[] { 4, 5 });
		return e;
	}

	private Path zip(String name, Map<String, byte[]> entries) throws IOException {
		Path file = tmp.getRoot().toPath().resolve(name);
		try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
			for (Map.Entry<String, byte[]> e : entries.entrySet()) {
				zip.putNextEntry(new ZipEntry(e.getKey()));
				zip.write(e.getValue());
				zip.closeEntry();
			}
		}
		return file;
	}

	private static String refusal(Path file) {
		try {
			ModelFile.Unpacked u = ModelFile.read(file, 1);
			TemporaryFolders.delete(u.folder());
			fail("accepted " + file);
			return null;
		}
		catch (IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().startsWith("model: " + file + " is not a valid GANomaly model file: "));
			assertFalse(e.getMessage(), e.getMessage().contains("\n"));
			return e.getMessage();
		}
	}

	@Test
	public void zerosThatWouldFillADiskAreRefusedEarly() throws IOException {
		Path file = bomb("bomb.ganomaly.zip", new byte[1 << 20], 256, 9);
		assertTrue(Files.size(file) < 1 << 20);
		long start = System.nanoTime();
		String message = refusal(file);
		double seconds = (System.nanoTime() - start) / 1e9;
		assertTrue(message, message.contains("variables.data-00000-of-00001 unpacks to more than 64 times its packed " +
			"size, which trained weights never do"));
		assertTrue(seconds + " s", seconds < 10);
	}

	@Test
	public void weightsThatCompressLessButExceedTheNetworksSizeAreRefused() throws IOException {
		long limit = ModelArchive.maxVariableBytes(ModelFileTest.manifest().spec());
		assertTrue("limit " + limit, limit < 200 << 20);
		// one random byte in eight: packs about five times smaller, within the ratio allowed
		byte[] sparse = new byte[1 << 20];
		java.util.Random random = new java.util.Random(1);
		for (int i = 0; i < sparse.length; i += 8)
			sparse[i] = (byte) random.nextInt();
		Path file = bomb("sparse.ganomaly.zip", sparse, (int) (limit >> 20) + 1, 1);
		String message = refusal(file);
		assertTrue(message, message.contains("variables.data-00000-of-00001 unpacks to more than " + (limit >> 20) +
			" MiB in all"));
	}

	/**
	 * A central directory that claims more packed bytes than the file holds (entries pointing at one
	 * deflate stream, each claiming gigabytes, would let each unpack to 64 times its claim) is refused
	 * before anything is unpacked; so are weights split over two files, which GANomaly never writes.
	 */
	@Test
	public void packedSizesBeyondTheFileAndSplitWeightsAreRefused() throws IOException {
		Path file = bomb("claims.ganomaly.zip", new byte[1 << 16], 1, 9);
		byte[] bytes = Files.readAllBytes(file);
		java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		int patched = 0;
		for (int at = 0; at + 46 < bytes.length; at++) {
			if (b.getInt(at) != 0x02014b50) continue; // a central directory header
			String name = new String(bytes, at + 46, b.getShort(at + 28), StandardCharsets.UTF_8);
			if (name.contains("variables.data")) {
				b.putInt(at + 20, 0x7ffffff0); // its packed size
				patched++;
			}
		}
		assertEquals(1, patched);
		Files.write(file, bytes);
		String message = refusal(file);
		assertTrue(message, message.matches(".*: its entries claim 2147\\d{6} packed bytes, more than the file's " +
			Files.size(file)));
		assertTrue(TemporaryFolders.live().isEmpty());

		Map<String, byte[]> split = entries(ModelFileTest.manifest());
		split.put("saved_model/variables/variables.data-00001-of-00002", new byte[] { 7 });
		assertTrue(refusal(zip("split.ganomaly.zip", split)).endsWith("its weights are split into 2 files; GANomaly " +
			"writes them as one"));
	}

	/** A value of the file in a message cannot move the terminal's cursor or break the line. */
	@Test
	public void controlCharactersOfTheFileAreShownAsQuestionMarks() throws IOException {
		Map<String, byte[]> e = entries(ModelFileTest.manifest());
		String json = new String(e.get("manifest.json"), StandardCharsets.UTF_8);
		assertTrue(json, json.contains("\"fixed\""));
		e.put("manifest.json", json.replace("\"fixed\"", "\"\\u001b[2K\\u001b[1Ascored\\nall\"").getBytes(
			StandardCharsets.UTF_8));
		String message = refusal(zip("escape.ganomaly.zip", e));
		assertTrue(message, message.endsWith("not ?[2K?[1Ascored?all"));
	}

	/** The test model with {@code copies} times {@code block} as its weights' data, deflated at {@code level}. */
	private Path bomb(String name, byte[] block, int copies, int level) throws IOException {
		Path file = tmp.getRoot().toPath().resolve(name);
		try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
			zip.setLevel(level);
			for (Map.Entry<String, byte[]> e : entries(ModelFileTest.manifest()).entrySet()) {
				zip.putNextEntry(new ZipEntry(e.getKey()));
				if (e.getKey().contains("variables.data")) {
					for (int i = 0; i < copies; i++)
						zip.write(block);
				}
				else zip.write(e.getValue());
				zip.closeEntry();
			}
		}
		return file;
	}

	@Test
	public void fiftyThousandEntriesAreRefusedWithoutCreatingThem() throws IOException {
		Map<String, byte[]> e = entries(ModelFileTest.manifest());
		for (int i = 0; i < 50_000; i++)
			e.put("saved_model/variables/x" + i, new byte[0]);
		Path file = zip("many.ganomaly.zip", e);
		long start = System.nanoTime();
		assertTrue(refusal(file).endsWith("it has 50004 entries; a model has at most 64"));
		assertTrue(TemporaryFolders.live().isEmpty());
		assertTrue((System.nanoTime() - start) / 1e9 < 5);
	}

	@Test
	public void aPrependedArchiveIsNotWhatLoads() throws IOException {
		Manifest real = ModelFileTest.manifest(), other = new Manifest(real.formatVersion(), real.createdBy(),
			new NetworkSpec(16, 1, 8, 8, 8, 0, 1, 50, 1, 2e-4f, 0.5f, 0.999f, 0, 99), real.normalization(),
			real.calibration(), real.threshold(), TrainingReport.of(Map.of()));
		byte[] a = Files.readAllBytes(zip("other.zip", entries(other))), b = Files.readAllBytes(zip("real.zip",
			entries(real)));
		byte[] both = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, both, a.length, b.length);
		Path file = Files.write(tmp.getRoot().toPath().resolve("prepended.ganomaly.zip"), both);
		ModelFile.Unpacked u = ModelFile.read(file, 1);
		try {
			assertEquals(7, u.manifest().spec().seed());
			assertEquals(32, u.manifest().spec().patchSize());
		}
		finally {
			TemporaryFolders.delete(u.folder());
		}
	}

	@Test
	public void unexpectedAndDuplicateEntriesAreRefused() throws IOException {
		Map<String, byte[]> e = entries(ModelFileTest.manifest());
		e.put("saved_model/assets/run.sh", new byte[] { 1 });
		assertTrue(refusal(zip("extra.ganomaly.zip", e)).endsWith("it has the entry saved_model/assets/run.sh, which " +
			"model files never have (they hold manifest.json and saved_model/)"));
		e = entries(ModelFileTest.manifest());
		e.put("../../escape", new byte[] { 1 });
		assertTrue(refusal(zip("escape.ganomaly.zip", e)).contains("it has the entry ../../escape"));
		// a second manifest.json: written under another name of the same length, renamed in the bytes
		e = entries(ModelFileTest.manifest());
		e.put("manifesX.json", "{}".getBytes(StandardCharsets.UTF_8));
		byte[] bytes = Files.readAllBytes(zip("twice.zip", e));
		byte[] from = "manifesX.json".getBytes(StandardCharsets.UTF_8), to = "manifest.json".getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i + from.length <= bytes.length; i++)
			if (Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) System.arraycopy(to, 0, bytes, i, to.length);
		Path twice = Files.write(tmp.getRoot().toPath().resolve("twice.ganomaly.zip"), bytes);
		assertTrue(refusal(twice).endsWith("it has the entry manifest.json twice"));
	}

	@Test
	public void anOversizedManifestIsRefusedWhileReading() throws IOException {
		Map<String, byte[]> e = entries(ModelFileTest.manifest());
		byte[] big = new byte[(int) ModelArchive.MAX_MANIFEST_BYTES + 10];
		Arrays.fill(big, (byte) ' ');
		e.put("manifest.json", big);
		assertTrue(refusal(zip("big.ganomaly.zip", e)).endsWith("its manifest.json is larger than 16 MiB"));
	}

	/** The largest model (patch 128, 4 channels, default widths: 594 MB of variables measured) fits its limit. */
	@Test
	public void theLargestDefaultModelFitsItsLimits() {
		NetworkSpec big = new NetworkSpec(128, 4, 100, 64, 64, 1, 1, 50, 1, 2e-4f, 0.5f, 0.999f, 0, 1);
		long limit = ModelArchive.maxVariableBytes(big);
		assertTrue("limit " + limit, limit > 1.5 * 596_174_864L && limit < 4L << 30);
	}

	/** Packed arrays read back exactly; lists as older versions wrote them read back exactly too. */
	@Test
	public void manifestsAreCompactAndExactAndOldListsStillLoad() {
		Manifest m = TinyModels.textureManifest(2, 3);
		String json = m.toJson();
		Manifest back = Manifest.fromJson(json, 1);
		assertBitEqual(m, back);
		assertTrue(json.length() + " chars", json.length() < 400_000);
		// an older writer's manifest: every array a list of numbers, pretty-printed
		String old = Json.write(unpack(Json.parse(json)));
		assertTrue(old.length() > 2 * json.length());
		assertFalse(old.contains("\"precisions\": \""));
		assertBitEqual(m, Manifest.fromJson(old, 1));
		double[] odd = { -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1.0 / 3, -Math.PI, 1e-310 };
		double[] many = new double[1000];
		for (int i = 0; i < many.length; i++)
			many[i] = odd[i % odd.length] * Math.pow(0.5, i % 5);
		Object packed = Json.doubles(many);
		assertTrue(packed instanceof String);
		assertArrayEquals(bits(many), bits(Json.doubles(Json.parse(Json.write(packed)), "x")));
	}

	/** A texture model's border profile reads back exactly; one whose quantile is not above its median is refused. */
	@Test
	public void aBorderProfileReadsBackAndABadOneIsRefused() {
		Manifest m = TinyModels.textureManifest(1, 5);
		double[] median = new double[BorderProfile.DEPTH + 1], top = new double[BorderProfile.DEPTH + 1];
		for (int d = 0; d <= BorderProfile.DEPTH; d++) {
			median[d] = -100 + 8.0 / (d + 1) + 1.0 / 3;
			top[d] = median[d] + 5 + Math.PI / (d + 2);
		}
		Manifest bordered = withTexture(m, m.scoring().texture().withBorder(new BorderProfile(median, top)));
		Manifest back = Manifest.fromJson(bordered.toJson(), 1);
		assertArrayEquals(bits(median), bits(back.scoring().texture().border().median()));
		assertArrayEquals(bits(top), bits(back.scoring().texture().border().top()));
		assertBitEqual(bordered, back);
		assertNull("a model without one reads back without one", Manifest.fromJson(m.toJson(), 1).scoring().texture()
			.border());
		top[3] = median[3];
		String bad = bordered.toJson().replaceFirst("\"border\": *\\{[^}]*\\}", "\"border\": {\"median\": " + Arrays
			.toString(median) + ", \"top\": " + Arrays.toString(top) + "}");
		assertMessage(() -> Manifest.fromJson(bad, 1), "manifest.json: scoring.texture.border: at distance 3 the " +
			"quantile " + top[3] + " must lie above the median " + median[3] + " by at least 1.0E-6, both within ±1.0E12");
	}

	private static Manifest withTexture(Manifest m, TextureModel texture) {
		Scoring s = m.scoring();
		return new Manifest(m.formatVersion(), m.createdBy(), m.spec(), m.normalization(), m.calibration(), m.threshold(),
			m.training(), new Scoring(s.score(), s.calibrations(), s.density(), s.residualSigma(), s.densityWeight(), texture));
	}

	@Test
	public void badPackedArraysAreRefusedNamingTheField() {
		assertMessage(() -> Json.doubles("not base64!", "precisions"), "'precisions' is neither a list of numbers nor base64");
		assertMessage(() -> Json.doubles("AAAA", "means"), "'means' holds 3 bytes, not a whole number of doubles");
		assertMessage(() -> Json.doubles("AAAAAAAA+H8=", "means"), "'means' must hold finite numbers"); // NaN
	}

	/** A texture mixture whose precision is not positive definite is refused at load, not at its first map. */
	@Test
	public void aTexturePrecisionThatIsNotPositiveDefiniteIsRefused() {
		Manifest m = TinyModels.textureManifest(1, 4);
		TextureModel t = m.scoring().texture();
		GaussianMixture g = t.density();
		double[] precisions = g.precisions().clone();
		int d = g.dim();
		for (int i = d * d; i < 2 * d * d; i++)
			precisions[i] = -precisions[i];
		TextureModel bad = new TextureModel(t.scales(), t.sigma(), t.features(), new GaussianMixture(g.weights(), g
			.means(), precisions, g.logDets()), t.intensities(), t.border());
		Scoring s = m.scoring();
		String json = new Manifest(m.formatVersion(), m.createdBy(), m.spec(), m.normalization(), m.calibration(), m
			.threshold(), m.training(), new Scoring(s.score(), s.calibrations(), s.density(), s.residualSigma(), s.densityWeight(),
				bad)).toJson();
		assertMessage(() -> Manifest.fromJson(json, 1), "manifest.json: scoring.texture.density.precisions: component 2 of " +
			g.components() + " is not positive definite");
	}

	@Test
	public void manifestValuesOutOfRangeAreRefusedNamingTheField() {
		String json = TinyModels.textureManifest(1, 4).toJson();
		assertMessage(() -> Manifest.fromJson(json.replaceFirst("\"sigma\": 4.0", "\"sigma\": 1.0E9"), 1),
			"manifest.json: scoring.texture.sigma must be 0 to 64, not 1000000000");
		assertMessage(() -> Manifest.fromJson(json.replaceFirst("\"channels\": 1", "\"channels\": 5"), 1),
			"manifest.json: network: channels must be 1 to 4, not 5");
		assertMessage(() -> Manifest.fromJson(json.replaceFirst("\"channels\": 1", "\"channels\": 2"), 1),
			"manifest.json: scoring.texture.density has 24 values per pixel, but 4 scales of statistics+gradients for 2 " +
				"channel(s) make 48");
		assertMessage(() -> Manifest.fromJson(json.replaceFirst("\"nz\": 8", "\"nz\": 100"), 1),
			"manifest.json: scoring.density has 8 values per code, but the network's latent size nz is 100");
		assertMessage(() -> Manifest.fromJson(json.replaceFirst("\"patch_size\": 16", "\"patch_size\": 17"), 1),
			"manifest.json: network: patch_size must be 16, 32, 64 or 128, not 17");
		assertMessage(() -> Manifest.fromJson(json.replaceFirst("\"raw_median\": [-0-9.E]+", "\"raw_median\": null"), 1),
			"manifest.json lacks the number 'raw_median'");
		assertMessage(() -> Manifest.fromJson(json.replaceFirst("\"residual_sigma\": 1.5", "\"residual_sigma\": -1"), 1),
			"manifest.json: scoring.residual_sigma must be 0 to 64, not -1");
	}

	/**
	 * A model with the combined score states its density weight, and loads with it; one that states
	 * none (the first combined models) weighs the density map twice; a weight out of range is refused.
	 */
	@Test
	public void theCombinedScoresDensityWeightIsStatedAndChecked() {
		Manifest m = TinyModels.textureManifest(1, 4);
		Scoring s = m.scoring();
		Map<ScoreKind, MapCalibration> calibrations = new java.util.EnumMap<>(s.calibrations());
		calibrations.put(ScoreKind.COMBINED, s.calibrations().get(ScoreKind.TEXTURE));
		String json = new Manifest(m.formatVersion(), m.createdBy(), m.spec(), m.normalization(), m.calibration(), m
			.threshold(), m.training(), new Scoring(ScoreKind.COMBINED, calibrations, s.density(), s.residualSigma(), 1.5,
				s.texture())).toJson();
		assertTrue(json, json.contains("\"density_weight\": 1.5"));
		assertEquals(1.5, Manifest.fromJson(json, 1).scoring().densityWeight(), 0);
		assertEquals(2, Manifest.fromJson(json.replaceFirst("\"density_weight\": 1.5,", ""), 1).scoring()
			.densityWeight(), 0);
		assertMessage(() -> Manifest.fromJson(json.replaceFirst("\"density_weight\": 1.5", "\"density_weight\": -2"),
			1), "manifest.json: scoring.density_weight must be 0 to 100, not -2");
		assertMessage(() -> Manifest.fromJson(json.replaceFirst("\"density_weight\": 1.5", "\"density_weight\": \"2\""),
			1), "manifest.json: scoring.density_weight must be a number");
	}

	/** Nesting a million deep is neither parsed recursively nor printed whole into a message. */
	@Test
	public void deeplyNestedValuesAreRefusedInOneShortLine() throws IOException {
		String json = ModelFileTest.manifest().toJson();
		String deep = "[".repeat(1_000_000) + "]".repeat(1_000_000);
		for (String field : new String[] { "\"created_by\": ", "\"mode\": ", "\"scoring_normalization\": " }) {
			Map<String, byte[]> e = entries(ModelFileTest.manifest());
			String changed = json.replaceFirst(field + "\"[^\"]*\"", field.replace("\"", "\\\"") + deep);
			assertTrue(changed.length() > 2_000_000);
			e.put("manifest.json", changed.getBytes(StandardCharsets.UTF_8));
			Path file = zip("deep.ganomaly.zip", e);
			try {
				TemporaryFolders.delete(ModelFile.read(file, 1).folder());
			}
			catch (IllegalArgumentException x) {
				assertTrue(x.getMessage(), x.getMessage().length() < 500);
			}
		}
	}

	@Test
	public void foldersOfKilledProcessesAreDeletedOthersKept() throws Exception {
		Path root = tmp.newFolder("tmp").toPath();
		Process gone = new ProcessBuilder("true").start();
		gone.waitFor();
		long dead = gone.pid(), me = ProcessHandle.current().pid();
		Path orphan = Files.createDirectories(root.resolve("ganomaly-model.pid" + dead + ".123/saved_model"));
		Files.write(orphan.resolve("saved_model.pb"), new byte[100]);
		Path mine = Files.createDirectories(root.resolve("ganomaly-training.pid" + me + ".456"));
		Path others = Files.createDirectories(root.resolve("somebody-model.pid" + dead + ".789"));
		Path unlike = Files.createDirectories(root.resolve("ganomaly-model.pid" + dead));
		Path file = Files.write(root.resolve("ganomaly-model.pid" + dead + ".file"), new byte[1]);
		// made in PID namespace 111 (this one) and 222 (another container's, whose process may live)
		Path here = Files.createDirectories(root.resolve("ganomaly-model.pid" + dead + ".ns111.321"));
		Path container = Files.createDirectories(root.resolve("ganomaly-model.pid" + dead + ".ns222.654"));
		assertEquals(2, TemporaryFolders.deleteOrphans(root, "111"));
		assertFalse(Files.exists(orphan.getParent()));
		assertFalse(Files.exists(here));
		for (Path kept : List.of(mine, others, unlike, file, container))
			assertTrue(kept.toString(), Files.exists(kept));
		Path link = Files.createSymbolicLink(root.resolve("ns-link"), Path.of("pid:[4026531836]"));
		assertEquals("4026531836", TemporaryFolders.pidNamespace(link));
		assertEquals(null, TemporaryFolders.pidNamespace(root.resolve("no-such-link")));
		Path created = TemporaryFolders.create("ganomaly-model");
		try {
			String ns = TemporaryFolders.pidNamespace(Path.of("/proc/self/ns/pid"));
			assertTrue(created.getFileName().toString(), created.getFileName().toString().startsWith("ganomaly-model.pid" +
				me + "." + (ns == null ? "" : "ns" + ns + ".")));
			assertTrue(TemporaryFolders.NAME.matcher(created.getFileName().toString()).matches());
		}
		finally {
			TemporaryFolders.delete(created);
		}
	}

	private static void assertMessage(Runnable r, String expected) {
		try {
			r.run();
			fail("accepted: expected " + expected);
		}
		catch (IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().startsWith(expected) ||
				e.getMessage().startsWith("manifest.json: " + expected));
		}
	}

	/** Every packed array of a parsed manifest as a list of numbers. */
	@SuppressWarnings("unchecked")
	private static Object unpack(Object o) {
		if (o instanceof Map<?, ?> m) {
			Map<String, Object> out = new LinkedHashMap<>();
			for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet())
				out.put(e.getKey(), e.getValue() instanceof String s && s.length() > 200 ? list(Json.doubles(s, e.getKey()))
					: unpack(e.getValue()));
			return out;
		}
		return o instanceof List<?> l ? l.stream().map(ModelArchiveTest::unpack).toList() : o;
	}

	private static List<Double> list(double[] values) {
		return Arrays.stream(values).boxed().toList();
	}

	private static long[] bits(double[] v) {
		return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
	}

	private static void assertBitEqual(Manifest a, Manifest b) {
		TextureModel x = a.scoring().texture(), y = b.scoring().texture();
		assertArrayEquals(bits(x.density().precisions()), bits(y.density().precisions()));
		assertArrayEquals(bits(x.density().means()), bits(y.density().means()));
		assertArrayEquals(bits(x.density().weights()), bits(y.density().weights()));
		assertArrayEquals(bits(x.density().logDets()), bits(y.density().logDets()));
		assertArrayEquals(bits(a.scoring().density().precision()), bits(b.scoring().density().precision()));
		assertArrayEquals(bits(a.scoring().calibration().quantiles()), bits(b.scoring().calibration().quantiles()));
		assertEquals(x.border() == null, y.border() == null);
		assertEquals(a.toJson(), b.toJson());
	}

}
