package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;

import org.junit.Test;

/** The score names of manifests, command line and macros, and the messages that list them. */
public class ScoreTest {

	@Test
	public void idsAreTheLowerCaseNamesAndParseBack() {
		assertEquals("texture", Score.TEXTURE.id());
		assertEquals("latent", Score.LATENT.id());
		assertEquals("residual", Score.RESIDUAL.id());
		assertEquals("density", Score.DENSITY.id());
		for (Score s : Score.values())
			assertSame(s, Score.parse(s.id()));
		assertSame(Score.TEXTURE, Score.DEFAULT);
	}

	@Test
	public void otherNamesAreRefusedListingTheScores() {
		for (String bad : new String[] { "nice", "LATENT", "Texture", " latent", "", null })
			try {
				Score.parse(bad);
				fail(bad + " accepted");
			}
			catch (IllegalArgumentException e) {
				assertEquals("score must be one of latent, residual, density, texture, not " + bad, e.getMessage());
			}
	}

	@Test
	public void aMissingCalibrationNamesTheOnesThereInManifestOrder() {
		MapCalibration c = MapCalibration.placeholder(16);
		ImageScoring s = new ImageScoring(Score.RESIDUAL, Map.of(Score.DENSITY, c, Score.RESIDUAL, c, Score.LATENT, c),
			null, 1, null);
		try {
			s.withScore(Score.TEXTURE);
			fail("texture accepted without its calibration");
		}
		catch (IllegalArgumentException e) {
			assertEquals("this model has no calibration for the score 'texture' (it has latent, residual, density)",
				e.getMessage());
		}
		assertEquals(List.of("latent", "residual", "density"), List.copyOf(
			((Map<?, ?>) s.toJson().get("calibrations")).keySet()));
	}
}
