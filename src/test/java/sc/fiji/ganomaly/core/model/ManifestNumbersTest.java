package sc.fiji.ganomaly.core.model;

import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.Test;

/**
 * Manifest numbers that pass as numbers but would make every score NaN, infinite or zero are
 * refused when the manifest is read, naming the field: a texture component's log-determinant that
 * is not its precision's, precisions or raw map values beyond 1e12, a density precision that is not
 * positive definite, a density calibration without the density model. The manifest is a real one
 * (resource legacy/8-texture-plain-lists), changed as a hostile file would change it.
 */
public class ManifestNumbersTest {

	@Test
	public void theUnchangedManifestIsRead() throws IOException {
		Manifest.fromJson(json(m -> {}), 1);
	}

	@Test
	public void numbersThatWouldBreakEveryScoreAreRefused() throws IOException {
		assertRefused(m -> texture(m).getAsJsonObject("density").getAsJsonArray("log_determinants").set(0, num(1e300)),
			"manifest.json: scoring.texture.density.log_determinants: component 1 of ");
		assertRefused(m -> {
			JsonArray p = texture(m).getAsJsonObject("density").getAsJsonArray("precisions");
			for (int i = 0; i < p.size(); i++)
				p.set(i, num(p.get(i).getAsDouble() * 1e80));
		}, "manifest.json: scoring.texture.density.precisions must hold values of -1e12 to 1e12, not ");
		assertRefused(m -> {
			JsonArray p = m.getAsJsonObject("scoring").getAsJsonObject("density").getAsJsonArray("precision");
			for (int i = 0; i < p.size(); i++)
				p.set(i, num(-p.get(i).getAsDouble()));
		}, "manifest.json: scoring.density.precision is not positive definite");
		assertRefused(m -> m.getAsJsonObject("scoring").getAsJsonObject("calibrations").getAsJsonObject("texture").add(
			"raw_tail_scale", num(1e308)), "manifest.json: scoring.calibrations.texture.raw_tail_scale must hold values " +
				"of -1e12 to 1e12, not 1.0E308");
		assertRefused(m -> m.getAsJsonObject("scoring").remove("density"), "the density score needs a density model");
		// a default threshold that no plane would ever exceed
		assertRefused(m -> m.add("threshold", num(1e30)), "manifest.json: threshold must be above 0 and at most 1000 " +
			"(training writes 1), not 1.0E30");
		// older models' per-patch scale, and the intensities the texture features start from: every score 0 or infinite
		assertRefused(m -> {
			m.getAsJsonObject("calibration").add("raw_median", num(-1e308));
			m.getAsJsonObject("calibration").add("raw_p99", num(1e308));
		}, "manifest.json: calibration.raw_median must hold values of -1e12 to 1e12, not -1.0E308");
		assertRefused(m -> {
			m.getAsJsonObject("calibration").add("raw_median", num(0));
			m.getAsJsonObject("calibration").add("raw_p99", num(5e-324));
		}, "manifest.json: calibration.raw_p99 must lie above raw_median by a step whose inverse is finite, not " +
			"4.9E-324");
		assertRefused(m -> texture(m).getAsJsonObject("intensities").getAsJsonArray("high").set(0, num(1e308)),
			"manifest.json: scoring.texture.intensities must hold values a 32-bit image can, not 1.0E308");
		assertRefused(m -> {
			texture(m).getAsJsonObject("intensities").getAsJsonArray("low").set(0, num(0));
			texture(m).getAsJsonObject("intensities").getAsJsonArray("high").set(0, num(5e-324));
		}, "manifest.json: scoring.texture.intensities.high must lie above low by a step whose inverse is finite, " +
			"not 4.9E-324");
	}

	/** The texture model's shape and the manifest's own are refused naming the field, as the file has it. */
	@Test
	public void shapesAreRefusedNamingTheField() throws IOException {
		assertRefused(m -> texture(m).add("scales", new JsonArray()), "manifest.json: scoring.texture: scales is empty: " +
			"a texture model needs at least one scale");
		assertRefused(m -> texture(m).getAsJsonObject("intensities").getAsJsonArray("low").add(0.5),
			"manifest.json: scoring.texture.intensities: low has 2 values and high 1: they need one per channel");
		for (String top : new String[] { "[1,2,3]", "null", "\"manifest\"", "7" }) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Manifest.fromJson(top, 1));
			assertTrue(e.getMessage(), e.getMessage().startsWith("manifest.json is not a GANomaly model manifest (it " +
				"holds ") && e.getMessage().endsWith(", not an object)"));
		}
	}

	private static void assertRefused(Consumer<JsonObject> change, String expected) throws IOException {
		String json = json(change);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Manifest.fromJson(json, 1));
		assertTrue(e.getMessage(), e.getMessage().contains(expected));
		assertFalse(e.getMessage(), e.getMessage().contains("\n"));
	}

	private static JsonObject texture(JsonObject m) {
		return m.getAsJsonObject("scoring").getAsJsonObject("texture");
	}

	private static com.google.gson.JsonPrimitive num(double v) {
		return new com.google.gson.JsonPrimitive(v);
	}

	private static String json(Consumer<JsonObject> change) throws IOException {
		try (InputStream in = ManifestNumbersTest.class.getResourceAsStream(
			"/sc/fiji/ganomaly/core/legacy/8-texture-plain-lists/manifest.json"))
		{
			JsonObject m = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
			change.accept(m);
			return m.toString();
		}
	}
}
