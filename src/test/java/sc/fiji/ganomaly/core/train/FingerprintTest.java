package sc.fiji.ganomaly.core.train;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

import sc.fiji.ganomaly.core.api.Normalization;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.ScoringNormalization;

/**
 * A checkpoint's fingerprint is compared as text with the one a resumed training computes: its
 * text must stay what earlier versions wrote, or their checkpoints would no longer resume.
 */
public class FingerprintTest {

	private static Fingerprint of(ScoringNormalization scoring) {
		NetworkSpec spec = new NetworkSpec(32, 1, 100, 64, 64, 0, 1, 50, 1, 2e-4f, 0.5f, 0.999f, 2, 7, scoring);
		return new Fingerprint(spec, 64, 0, true, Normalization.DEFAULT, 0.1, 12, 0x1234abcdL);
	}

	@Test
	public void theTextIsWhatEarlierVersionsWrote() {
		String moving = "32/1/100/64/64/0/1.0/50.0/1.0/2.0E-4/seed 7/batch 64/patches 0/true/" + Normalization.DEFAULT +
			"/0.1/planes 12/data 1234abcd";
		assertEquals(moving, of(ScoringNormalization.MOVING).text());
		assertEquals(moving + "/scoring sample", of(ScoringNormalization.SAMPLE).text());
	}
}
