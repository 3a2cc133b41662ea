package sc.fiji.ganomaly.core.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.fail;

import org.junit.Test;

/** The score names of manifests, command line and macros, and the messages that list them. */
public class ScoreKindTest {

	@Test
	public void idsAreTheLowerCaseNamesAndParseBack() {
		assertEquals("texture", ScoreKind.TEXTURE.id());
		assertEquals("latent", ScoreKind.LATENT.id());
		assertEquals("residual", ScoreKind.RESIDUAL.id());
		assertEquals("density", ScoreKind.DENSITY.id());
		assertEquals("combined", ScoreKind.COMBINED.id());
		for (ScoreKind s : ScoreKind.values()) {
			assertSame(s, ScoreKind.parse(s.id()));
			assertSame(s, ScoreKind.parseChoice(s.id()));
			assertEquals(s.id(), ScoreKind.choiceId(s));
		}
		assertNull(ScoreKind.parseChoice("auto"));
		assertEquals("auto", ScoreKind.choiceId(null));
	}

	/** The default of training: combined for planes of one window, texture from two windows on. */
	@Test
	public void theDefaultCombinesForPlanesOfOneWindow() {
		assertSame(ScoreKind.COMBINED, ScoreKind.forPlanes(32 * 32, 32));
		assertSame(ScoreKind.COMBINED, ScoreKind.forPlanes(45 * 45, 32));
		assertSame(ScoreKind.TEXTURE, ScoreKind.forPlanes(64 * 32, 32));
		assertSame(ScoreKind.TEXTURE, ScoreKind.forPlanes(64 * 64, 32));
		assertSame(ScoreKind.COMBINED, ScoreKind.forPlanes(64 * 64, 64));
		assertSame(ScoreKind.TEXTURE, ScoreKind.forPlanes(128 * 128, 32));
	}

	@Test
	public void otherNamesAreRefusedListingTheScores() {
		for (String bad : new String[] { "nice", "LATENT", "Texture", " latent", "", null })
			try {
				ScoreKind.parse(bad);
				fail(bad + " accepted");
			}
			catch (IllegalArgumentException e) {
				assertEquals("score must be one of latent, residual, density, texture, combined, not " + bad, e.getMessage());
			}
		// a scoring run's names: "model" for the model's own score, as every front end takes it
		assertEquals(null, ScoreKind.parseScoring("model"));
		assertEquals(ScoreKind.TEXTURE, ScoreKind.parseScoring("texture"));
		try {
			ScoreKind.parseScoring("auto");
			fail("auto accepted for scoring");
		}
		catch (IllegalArgumentException e) {
			assertEquals("score must be one of model, latent, residual, density, texture, combined, not auto", e
				.getMessage());
		}
		try {
			ScoreKind.parseChoice("nice");
			fail("nice accepted");
		}
		catch (IllegalArgumentException e) {
			assertEquals("score must be one of auto, latent, residual, density, texture, combined, not nice", e.getMessage());
		}
		try {
			ScoreKind.parse("auto");
			fail("auto accepted as a score of maps");
		}
		catch (IllegalArgumentException e) {
			assertEquals("score must be one of latent, residual, density, texture, combined, not auto", e.getMessage());
		}
	}
}
