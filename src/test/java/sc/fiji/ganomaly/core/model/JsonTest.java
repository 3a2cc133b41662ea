package sc.fiji.ganomaly.core.model;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import sc.fiji.ganomaly.core.texture.FeatureSet;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.core.api.Normalization;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.calibrate.MapCalibration;
import sc.fiji.ganomaly.core.calibrate.PatchCalibration;
import sc.fiji.ganomaly.core.json.Json;
import sc.fiji.ganomaly.core.texture.TextureModel;

public class JsonTest {

	@Test
	public void roundTripsNestedValues() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("name", "a \"quoted\" \\ name\n\t\u0001 = <é>");
		map.put("number", 1.5);
		map.put("flag", true);
		map.put("nothing", null);
		map.put("list", List.of(1.0, 2.0, "three"));
		map.put("child", Map.of("x", -2.5e-7));
		map.put("empty", Map.of());
		assertEquals(map, Json.parse(Json.write(map)));
	}

	@Test
	public void keepsTheOrderOfKeys() {
		Map<String, Object> map = new LinkedHashMap<>();
		for (String key : List.of("zeta", "alpha", "mu", "beta"))
			map.put(key, Map.of());
		Object parsed = Json.parse(Json.write(map));
		assertEquals(List.of("zeta", "alpha", "mu", "beta"), List.copyOf(((Map<?, ?>) parsed).keySet()));
		assertEquals(List.of("b", "a"), List.copyOf(((Map<?, ?>) Json.parse("{\"b\": 1, \"a\": 2}")).keySet()));
	}

	@Test
	public void doublesRoundTripExactly() {
		double[] awkward = { 0.1, 1.0 / 3, 1e-300, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -0.0, 0.0,
			-2.5e-7, 9007199254740993.0, 123456789.123456789, 2e-4f, 15 };
		List<Double> values = Arrays.stream(awkward).boxed().toList();
		List<?> back = (List<?>) Json.parse(Json.write(values));
		// Double.equals compares bits: -0.0 stays -0.0
		assertEquals(values, back);
		assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) back.get(6)));
	}

	@Test
	public void everyNumberReadsAsADouble() {
		assertEquals(List.of(15.0, -0.0, 2.0E-4, 1.0e20, 12345678901234567890.0),
			Json.parse("[15, -0, 2.0E-4, 1e20, 12345678901234567890]"));
	}

	/** As the hand-written writer did: integers without a point, doubles and floats as Java prints them. */
	@Test
	public void writesNumbersAsJavaPrintsThem() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("int", 15);
		map.put("long", 4096L);
		map.put("double", 15.0);
		map.put("float", 2e-4f);
		map.put("small", 2e-9);
		assertEquals("{\n  \"int\": 15,\n  \"long\": 4096,\n  \"double\": 15.0,\n  \"float\": 2.0E-4,\n  \"small\": 2.0E-9\n}\n",
			Json.write(map));
	}

	@Test
	public void writesNonFiniteNumbersAsNull() {
		assertEquals("null\n", Json.write(Double.NaN));
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("best", Double.POSITIVE_INFINITY);
		map.put("losses", Arrays.asList(Double.NEGATIVE_INFINITY, 0.5, Float.NaN));
		Map<?, ?> back = (Map<?, ?>) Json.parse(Json.write(map));
		assertTrue(back.containsKey("best"));
		assertNull(back.get("best"));
		assertEquals(Arrays.asList(null, 0.5, null), back.get("losses"));
	}

	@Test
	public void refusesTrailingText() {
		assertRefused("{} x", "unexpected text after the value at line 1 column");
		assertRefused("[1] [2]", "unexpected text after the value");
	}

	@Test
	public void refusesTruncatedText() {
		assertRefused("{\"a\": [1, 2", "line 1 column");
		assertRefused("", "line 1 column 1");
	}

	@Test
	public void refusesWhatIsNotJson() {
		for (String bad : List.of("{a: 1}", "{'a': 1}", "[NaN]", "[1e999]", "{\"a\" 1}", "[1,]", "// c\n{}"))
			assertRefused(bad, "");
	}

	@Test
	public void manifestNamesTheFileOnBadJson() {
		try {
			Manifest.fromJson("{\"format\": ", 0);
			fail();
		}
		catch (IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().startsWith("manifest.json is not valid JSON (") &&
				e.getMessage().contains("line 1 column") && !e.getMessage().contains("\n"));
		}
	}

	/** manifest-old-writer.json was written by the hand-written writer before Gson (lists on one line). */
	@Test
	public void readsManifestsOfTheOldWriter() throws IOException {
		String text;
		try (InputStream in = JsonTest.class.getResourceAsStream("manifest-old-writer.json")) {
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		Manifest m = Manifest.fromJson(text, 2);
		assertEquals(new NetworkSpec(32, 1, 100, 64, 64, 0, 1, 50, 1, 2e-4f, 0.5f, 0.999f, 2, 7), m.spec());
		assertEquals(Normalization.fixedRange(0, 4095), m.normalization());
		assertEquals(new PatchCalibration(0.25, 0.75), m.calibration());
		assertEquals(3.0, m.training().figures().get("epochs_run"));
		assertTrue(m.training().figures().containsKey("lost"));
		Scoring s = m.scoring();
		assertEquals(ScoreKind.TEXTURE, s.score());
		assertEquals(1.5, s.residualSigma(), 0);
		MapCalibration c = s.calibration();
		assertEquals(64, c.block());
		assertEquals(4096, c.referenceArea());
		assertEquals(3.333333333333333E-4, c.quantiles()[0], 0);
		assertEquals(10.000333333333334, c.quantiles()[100], 0);
		assertArrayEquals(new double[] { 0.1, -0.2, 1.0 / 3, 2e-9 }, s.texture().density().means(), 0);
		assertArrayEquals(new double[] { 3900.25 }, s.texture().intensities().high(), 0);
		assertEquals(FeatureSet.STATISTICS, s.texture().features());
		// and the new writer writes the same manifest
		assertEquals(Json.parse(text), Json.parse(m.toJson()));
	}

	@Test
	public void readsCheckpointStatesOfTheOldWriter() {
		String old = "{\n  \"epoch\": 4,\n  \"best_loss\": 0.5,\n  \"best_epoch\": 2,\n  \"discriminator_resets\": 0,\n" +
			"  \"validation_losses\": [null, 0.7, 0.5, 0.6],\n  \"fingerprint\": \"abc\"\n}\n";
		Map<?, ?> state = (Map<?, ?>) Json.parse(old);
		assertEquals(List.of("epoch", "best_loss", "best_epoch", "discriminator_resets", "validation_losses", "fingerprint"),
			List.copyOf(state.keySet()));
		assertEquals(4.0, state.get("epoch"));
		assertEquals(Arrays.asList(null, 0.7, 0.5, 0.6), state.get("validation_losses"));
	}

	/** A key named twice is refused, wherever it is: readers differ on which value counts. */
	@Test
	public void refusesAKeyNamedTwice() {
		assertRefused("{\"threshold\": 1, \"threshold\": 1e9}", "the key 'threshold' appears twice");
		assertRefused("{\"a\": [{\"b\": {\"c\": 1, \"c\": 2}}]}", "the key 'c' appears twice");
		// the same key in two objects is fine
		assertEquals(List.of(Map.of("c", 1.0), Map.of("c", 2.0)), Json.parse("[{\"c\": 1}, {\"c\": 2}]"));
	}

	/** Deep nesting is refused in one line, never a stack overflow. */
	@Test
	public void refusesDeepNesting() {
		assertRefused("[".repeat(100_000) + "]".repeat(100_000), "nested deeper than 64 levels");
		assertRefused("{\"a\":".repeat(65) + "1" + "}".repeat(65), "nested deeper than 64 levels");
		String deepest = "[".repeat(64) + "1" + "]".repeat(64);
		Object v = Json.parse(deepest);
		for (int i = 0; i < 63; i++)
			v = ((List<?>) v).get(0);
		assertEquals(List.of(1.0), v);
	}

	private static void assertRefused(String text, String expected) {
		try {
			Json.parse(text);
			fail("accepted " + text);
		}
		catch (IllegalArgumentException e) {
			assertTrue(text + ": " + e.getMessage(), e.getMessage().contains(expected) && !e.getMessage().isBlank());
		}
	}
}
