package sc.fiji.ganomaly.core.model;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Random;

import org.junit.Test;

import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.core.plane.Tile;
import sc.fiji.ganomaly.core.texture.FeatureSet;
import sc.fiji.ganomaly.core.texture.TextureModel;

/** The scoring parts of the manifest as JSON: written and read back to the same maps, refused in one line. */
public class ModelJsonTest {

	/**
	 * New models use the gradient features and name them in the manifest; a manifest that names
	 * none has four values per scale ({@link EarlierVersions}); an unknown name is refused with one
	 * line.
	 */
	@Test
	public void featureSetsRoundTrip() {
		Random random = new Random(19);
		TextureModel t = TextureModel.fit(List.of(Region.of(noise(64, random)), Region.of(noise(64, random))), 8);
		assertEquals(FeatureSet.STATISTICS_AND_GRADIENTS, t.features());
		assertEquals(6 * t.scales().length, t.density().dim());
		java.util.Map<String, Object> json = new java.util.LinkedHashMap<>(ModelJson.texture(t));
		assertEquals("statistics+gradients", json.get("feature_set"));
		TextureModel back = ModelJson.texture(json);
		NormalizedPlane test = noise(64, random);
		assertArrayEquals(t.map(64, 64, (x0, y0, w, h) -> new Tile(test, 0, 0), ProgressListener.NONE).values(),
			back.map(64, 64, (x0, y0, w, h) -> new Tile(test, 0, 0), ProgressListener.NONE).values(), 0);
		json.remove("feature_set");
		try {
			ModelJson.texture(json);
			fail("six values per scale read as the first feature set");
		}
		catch (IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("do not fit"));
		}
		json.put("feature_set", "wavelets");
		try {
			ModelJson.texture(json);
			fail("unknown feature set accepted");
		}
		catch (IllegalArgumentException e) {
			assertEquals("manifest.json: unknown texture features 'wavelets' (this version knows [statistics, " +
				"statistics+gradients]); update the plugin", e.getMessage());
		}
	}

	/**
	 * The manifest's own maps are written with their keys in one order: two trainings of one model
	 * write the same manifest, whatever order this JVM gives to {@code Map.of}.
	 */
	@Test
	public void keysAreWrittenInOneOrder() {
		String json = ModelFileTest.manifest().toJson();
		int signature = json.indexOf("\"signature\""), input = json.indexOf("\"input\""), outputs = json.indexOf(
			"\"outputs\"");
		assertTrue(json, signature >= 0 && signature < input && input < outputs);
		assertEquals(List.of("mean", "precision"), List.copyOf(ModelJson.density(new sc.fiji.ganomaly.core.math
			.DensityModel(new double[] { 1, 2 }, new double[] { 1, 0, 0, 1 })).keySet()));
	}

	private static NormalizedPlane noise(int size, Random random) {
		float[] v = new float[size * size];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (0.3 * random.nextGaussian());
		return new NormalizedPlane(size, size, 1, v);
	}
}
