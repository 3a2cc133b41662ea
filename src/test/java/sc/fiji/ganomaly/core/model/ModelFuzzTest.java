package sc.fiji.ganomaly.core.model;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;

import sc.fiji.ganomaly.engine.EngineException;
import sc.fiji.ganomaly.engine.EngineLoader;
import sc.fiji.ganomaly.engine.TrainableNetwork;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.TinyModels;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ScoreKind;

/**
 * Seeded fuzzing of model files: a few hundred archives mutated from a real one (a texture model
 * over a tiny exported network) by byte flips, truncation, changed manifest values and JSON,
 * damaged packed arrays and changed entry names are loaded and, where they load, score a small
 * plane; a few go through the network. Each gives a result (the unchanged model's, if only the
 * archive's bytes were damaged) or one line of
 * IllegalArgumentException (through the network also of EngineException), within a time limit,
 * and nothing is written outside the model's temporary folder, which is gone once it is closed.
 */
public class ModelFuzzTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static final long SEED = 2026;
	static final int TEXTURE_CASES = 300, NETWORK_CASES = 12;
	static final long CASE_SECONDS = 10;

	static Path cases, unpacked, base;
	static Map<String, byte[]> entries = new LinkedHashMap<>();
	static Img<FloatType> plane;
	static String previousTemp;
	static ExecutorService runner = Executors.newSingleThreadExecutor();

	@BeforeClass
	public static void makeBaseModel() throws IOException {
		cases = tmp.newFolder("cases").toPath();
		unpacked = tmp.newFolder("unpacked").toPath();
		previousTemp = System.getProperty("java.io.tmpdir");
		// every temporary folder of the models goes here, to see that nothing else is written
		System.setProperty("java.io.tmpdir", unpacked.toString());
		Path saved = tmp.getRoot().toPath().resolve("saved_model");
		try (TrainableNetwork n = EngineLoader.tensorflow().create(TinyModels.spec(2))) {
			n.exportSavedModel(saved);
		}
		base = cases.resolve("base.ganomaly.zip");
		ModelFile.write(base, TinyModels.textureManifest(2, 5), saved);
		try (ZipFile zip = new ZipFile(base.toFile())) {
			for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
				ZipEntry entry = e.nextElement();
				entries.put(entry.getName(), zip.getInputStream(entry).readAllBytes());
			}
		}
		float[] v = new float[32 * 32 * 2];
		Random random = new Random(1);
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (0.5 * Math.sin(i * 0.3) + 0.2 * random.nextGaussian());
		plane = ArrayImgs.floats(v, 32, 32, 2);
		try (GanomalyModel m = GanomalyModel.load(base, 1)) {
			baseScore = String.valueOf(m.score(plane, 8, "fuzz").score());
		}
	}

	/** The base model's score of the plane: archives damaged only as bytes score so when they load. */
	static String baseScore;

	@AfterClass
	public static void restore() {
		runner.shutdownNow();
		System.setProperty("java.io.tmpdir", previousTemp);
	}

	/** How one case ended. */
	record Outcome(String kind, String detail) {}

	@Test
	public void mutatedModelsLoadAndScoreOrAreRefusedInOneLine() throws Exception {
		List<String> cwd = list(Path.of("."));
		Random random = new Random(SEED);
		Map<String, Integer> counts = new TreeMap<>();
		List<String> failures = new ArrayList<>();
		long start = System.nanoTime(), slowest = 0;
		for (int i = 0; i < TEXTURE_CASES + NETWORK_CASES; i++) {
			boolean network = i >= TEXTURE_CASES;
			String mutation = network ? networkMutation(random) : MUTATIONS[random.nextInt(MUTATIONS.length)];
			Path file = cases.resolve("case" + i + ".ganomaly.zip");
			Files.write(file, mutate(mutation, random));
			long t0 = System.nanoTime();
			Outcome o = run(file, network);
			slowest = Math.max(slowest, System.nanoTime() - t0);
			counts.merge((network ? "network " : "texture ") + o.kind(), 1, Integer::sum);
			if (o.kind().equals("failure")) failures.add("case " + i + " (" + mutation + "): " + o.detail());
			// flipped or missing bytes of the archive are detected (checksums, sizes) or did not matter
			if (o.kind().equals("loaded") && (mutation.equals("flip bytes") || mutation.equals("truncate")) &&
				!o.detail().equals(baseScore)) failures.add("case " + i + " (" + mutation + ") loaded but scores " +
					o.detail() + ", not " + baseScore);
			Files.delete(file);
			assertEquals("case " + i + " left temporary folders", List.of(), list(unpacked));
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		System.out.printf("ModelFuzzTest: %d cases (%d through the network) in %.1f s, slowest %.2f s: %s%n",
			TEXTURE_CASES + NETWORK_CASES, NETWORK_CASES, seconds, slowest / 1e9, counts);
		assertEquals(failures.toString(), List.of(), failures);
		assertEquals("files written beside the cases", List.of("base.ganomaly.zip"), list(cases));
		assertEquals("files written in the working directory", cwd, list(Path.of(".")));
		assertTrue(counts.toString(), counts.getOrDefault("texture loaded", 0) > 10);
		assertTrue(counts.toString(), counts.getOrDefault("texture refused", 0) > 100);
	}

	/** Loads the model and scores the plane with it, or through its network, within the time limit. */
	private static Outcome run(Path file, boolean network) throws InterruptedException {
		Future<Outcome> f = runner.submit(() -> {
			try (GanomalyModel m = GanomalyModel.load(file, 1)) {
				PlaneScore s = (network ? m.withScore(ScoreKind.LATENT) : m).score(plane, 8, "fuzz");
				return new Outcome("loaded", String.valueOf(s.score()));
			}
			catch (IllegalArgumentException e) {
				return oneLine("refused", e);
			}
			catch (EngineException e) {
				return network ? oneLine("engine", e) : new Outcome("failure", e.toString());
			}
			catch (Throwable e) {
				return new Outcome("failure", e.toString());
			}
		});
		try {
			return f.get(CASE_SECONDS, TimeUnit.SECONDS);
		}
		catch (TimeoutException e) {
			f.cancel(true);
			return new Outcome("failure", "no result within " + CASE_SECONDS + " s");
		}
		catch (java.util.concurrent.ExecutionException e) {
			return new Outcome("failure", e.getCause().toString());
		}
	}

	private static Outcome oneLine(String kind, RuntimeException e) {
		String m = e.getMessage();
		return m == null || m.isBlank() || m.contains("\n") ? new Outcome("failure", "message not one line: " + m)
			: new Outcome(kind, m);
	}

	static final String[] MUTATIONS = { "flip bytes", "truncate", "manifest value", "manifest text", "packed array",
		"entry names", "flip manifest bytes" };

	/** Mutations through the network: its weights' bytes or its manifest, never its graph's bytes. */
	private static String networkMutation(Random random) {
		return new String[] { "variables bytes", "manifest value", "unchanged" }[random.nextInt(3)];
	}

	static final String[] VALUES = { "-1", "0", "1.0E9", "-1.0E308", "1.0E308", "3.5", "2147483648", "\"x\"", "null",
		"[]", "{}", "true", "1e-320", "-0.0", "17", "65", "5" };

	private static byte[] mutate(String mutation, Random random) throws IOException {
		Map<String, byte[]> e = new LinkedHashMap<>();
		entries.forEach((k, v) -> e.put(k, v.clone()));
		String manifest = new String(e.get("manifest.json"), StandardCharsets.UTF_8);
		switch (mutation) {
			case "flip bytes" -> {
				byte[] b = Files.readAllBytes(base);
				for (int n = 1 + random.nextInt(8); n > 0; n--)
					b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
				return b;
			}
			case "truncate" -> {
				byte[] b = Files.readAllBytes(base);
				return Arrays.copyOf(b, random.nextInt(b.length));
			}
			case "manifest value" -> {
				List<int[]> numbers = new ArrayList<>();
				Matcher m = Pattern.compile("(?<=: )-?[0-9][0-9.eE+-]*").matcher(manifest);
				while (m.find())
					numbers.add(new int[] { m.start(), m.end() });
				int[] at = numbers.get(random.nextInt(numbers.size()));
				manifest = manifest.substring(0, at[0]) + VALUES[random.nextInt(VALUES.length)] + manifest.substring(at[1]);
			}
			case "manifest text" -> {
				int at = random.nextInt(manifest.length()), length = random.nextInt(Math.min(40, manifest.length() - at) + 1);
				String insert = random.nextBoolean() ? "" : String.valueOf("{}[],:\"0x\\".charAt(random.nextInt(10)));
				manifest = manifest.substring(0, at) + insert + manifest.substring(at + length);
			}
			case "packed array" -> {
				Matcher m = Pattern.compile("\"([A-Za-z0-9+/=]{200,})\"").matcher(manifest);
				List<int[]> packed = new ArrayList<>();
				while (m.find())
					packed.add(new int[] { m.start(1), m.end(1) });
				int[] at = packed.get(random.nextInt(packed.size()));
				int i = at[0] + random.nextInt(at[1] - at[0]);
				String with = random.nextInt(4) == 0 ? "" : String.valueOf("A/+=_-P8".charAt(random.nextInt(8)));
				manifest = manifest.substring(0, i) + with + manifest.substring(i + 1);
			}
			case "entry names" -> {
				List<String> names = new ArrayList<>(e.keySet());
				String name = names.get(random.nextInt(names.size()));
				byte[] content = e.remove(name);
				switch (random.nextInt(4)) {
					case 0 -> e.put(name + "x", content);
					case 1 -> e.put("../" + name, content);
					case 2 -> e.put("saved_model/extra/" + name.substring(name.lastIndexOf('/') + 1), content);
					default -> { } // dropped
				}
				return zip(e);
			}
			case "flip manifest bytes" -> {
				byte[] b = e.get("manifest.json");
				for (int n = 1 + random.nextInt(4); n > 0; n--)
					b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
				return zip(e);
			}
			case "variables bytes" -> {
				String data = e.keySet().stream().filter(k -> k.contains("variables.data")).findFirst().orElseThrow();
				byte[] b = e.get(data);
				for (int n = 1 + random.nextInt(8); n > 0; n--)
					b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
				return zip(e);
			}
			case "unchanged" -> {
				return zip(e);
			}
			default -> throw new IllegalStateException(mutation);
		}
		e.put("manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
		return zip(e);
	}

	private static byte[] zip(Map<String, byte[]> e) throws IOException {
		java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
		try (OutputStream out = bytes; ZipOutputStream zip = new ZipOutputStream(out)) {
			for (Map.Entry<String, byte[]> x : e.entrySet()) {
				zip.putNextEntry(new ZipEntry(x.getKey()));
				zip.write(x.getValue());
				zip.closeEntry();
			}
		}
		return bytes.toByteArray();
	}

	private static List<String> list(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}
}
