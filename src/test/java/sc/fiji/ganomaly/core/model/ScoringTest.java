package sc.fiji.ganomaly.core.model;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;

import org.junit.Test;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.calibrate.MapCalibration;

/** A model's scoring: the kinds it has calibrations for, in manifest order. */
public class ScoringTest {

	@Test
	public void aMissingCalibrationNamesTheOnesThereInManifestOrder() {
		MapCalibration c = MapCalibration.placeholder(16);
		Scoring s = new Scoring(ScoreKind.RESIDUAL, Map.of(ScoreKind.DENSITY, c, ScoreKind.RESIDUAL, c, ScoreKind.LATENT, c),
			new sc.fiji.ganomaly.core.math.DensityModel(new double[] { 0 }, new double[] { 1 }), 1, 2, null);
		try {
			s.withScore(ScoreKind.TEXTURE);
			fail("texture accepted without its calibration");
		}
		catch (IllegalArgumentException e) {
			assertEquals("this model has no calibration for the score 'texture' (it has latent, residual, density)",
				e.getMessage());
		}
		assertEquals(List.of("latent", "residual", "density"), List.copyOf(
			((Map<?, ?>) ModelJson.scoring(s).get("calibrations")).keySet()));
	}
}
