package sc.fiji.ganomaly.core.api;

import static org.junit.Assert.assertEquals;
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
		for (ScoreKind s : ScoreKind.values())
			assertSame(s, ScoreKind.parse(s.id()));
		assertSame(ScoreKind.TEXTURE, ScoreKind.DEFAULT);
	}

	@Test
	public void otherNamesAreRefusedListingTheScores() {
		for (String bad : new String[] { "nice", "LATENT", "Texture", " latent", "", null })
			try {
				ScoreKind.parse(bad);
				fail(bad + " accepted");
			}
			catch (IllegalArgumentException e) {
				assertEquals("score must be one of latent, residual, density, texture, not " + bad, e.getMessage());
			}
	}
}
