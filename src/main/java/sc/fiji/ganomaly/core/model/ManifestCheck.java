package sc.fiji.ganomaly.core.model;

import java.util.Arrays;
import java.util.Map;

import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.calibrate.MapCalibration;
import sc.fiji.ganomaly.core.math.GaussianMixture;
import sc.fiji.ganomaly.core.math.Matrices;
import sc.fiji.ganomaly.core.texture.TextureModel;

/**
 * Range and consistency checks of a manifest read from a file, before any value is used: a model
 * file comes from outside, and its numbers size arrays, filters and loops. Each failure is one
 * line naming the field ("manifest.json: scoring.texture.sigma must be 0 to 64, not 1.0E9").
 */
final class ManifestCheck {

	/** Largest map smoothing and texture scale in pixels (models use 4 and 1 to 8). */
	static final double MAX_SIGMA = 64;
	/** Largest weight of the density map in the combined map. */
	static final double MAX_DENSITY_WEIGHT = 100;
	/** Most texture scales and mixture components (models use 4 and 12). */
	static final int MAX_SCALES = 8, MAX_COMPONENTS = 64;
	/**
	 * Largest default threshold on the calibrated scale (training writes 1): above it no plane of a
	 * model's maps would ever be flagged.
	 */
	static final double MAX_THRESHOLD = 1000;
	/** Largest calibration block side in pixels. */
	static final int MAX_BLOCK = 4096;

	private ManifestCheck() {}

	/** Throws {@link IllegalArgumentException} naming the first field out of range or inconsistent. */
	static Manifest check(Manifest m) {
		if (!(m.threshold() > 0 && m.threshold() <= MAX_THRESHOLD)) throw field("threshold", "must be above 0 and at " +
			"most " + fmt(MAX_THRESHOLD) + " (training writes 1)", m.threshold());
		if (m.calibration() != null) { // the per-patch scale of older models: a step as training floors it
			bounded("calibration.raw_median", new double[] { m.calibration().median() });
			bounded("calibration.raw_p99", new double[] { m.calibration().p99() });
			if (!(m.calibration().p99() - m.calibration().median() >= MIN_STEP)) throw field("calibration.raw_p99",
				"must lie above raw_median by a step whose inverse is finite, not", m.calibration().p99());
		}
		Scoring s = m.scoring();
		if (!m.hasNetwork()) {
			if (s == null) throw new IllegalArgumentException("manifest.json has neither saved_model nor scoring: a model " +
				"without a network needs a score that uses none");
			for (ScoreKind kind : s.calibrations().keySet())
				if (kind.needsNetwork()) throw new IllegalArgumentException("manifest.json: scoring.calibrations." + kind.id() +
					": the " + kind.id() + " score needs a network, and this model has none (no saved_model)");
			if (s.density() != null) throw new IllegalArgumentException("manifest.json: scoring.density needs a network, " +
				"and this model has none (no saved_model)");
		}
		if (s == null) return m;
		range("scoring.residual_sigma", s.residualSigma(), 0, MAX_SIGMA);
		range("scoring.density_weight", s.densityWeight(), 0, MAX_DENSITY_WEIGHT);
		for (Map.Entry<ScoreKind, MapCalibration> e : s.calibrations().entrySet())
			check(e.getValue(), "scoring.calibrations." + e.getKey().id());
		int nz = m.spec().nz();
		if (s.density() != null && s.density().dim() != nz) throw new IllegalArgumentException("manifest.json: " +
			"scoring.density has " + s.density().dim() + " values per code, but the network's latent size nz is " + nz);
		if (s.density() != null) {
			bounded("scoring.density.mean", s.density().mean());
			gaussian("scoring.density.precision", s.density().precision(), 0, nz, "");
		}
		if (s.texture() != null) check(s.texture(), m.spec().channels());
		return m;
	}

	private static void check(MapCalibration c, String name) {
		if (c.block() < 1 || c.block() > MAX_BLOCK) throw field(name + ".block", "must be 1 to " + MAX_BLOCK, c.block());
		if (c.blocks() < 1) throw field(name + ".blocks", "must be positive", c.blocks());
		if (c.referenceArea() < 1) throw field(name + ".reference_area", "must be positive", c.referenceArea());
		bounded(name + ".raw_median", new double[] { c.median() });
		bounded(name + ".raw_tail_start", new double[] { c.tailStart() });
		bounded(name + ".raw_tail_scale", new double[] { c.tailScale() });
		bounded(name + ".raw_block_max_quantiles", c.quantiles());
		double[] q = c.quantiles();
		for (int i = 1; i < q.length; i++)
			if (q[i] < q[i - 1]) throw new IllegalArgumentException("manifest.json: " + name +
				".raw_block_max_quantiles must not decrease");
	}

	private static void check(TextureModel t, int channels) {
		String name = "scoring.texture";
		range(name + ".sigma", t.sigma(), 0, MAX_SIGMA);
		if (t.scales().length > MAX_SCALES) throw field(name + ".scales", "must hold 1 to " + MAX_SCALES + " values, not",
			t.scales().length);
		for (double scale : t.scales())
			range(name + ".scales", scale, 0.5, MAX_SIGMA);
		GaussianMixture g = t.density();
		int dim = TextureModel.dim(t.scales(), t.features(), channels);
		if (g.dim() != dim) throw new IllegalArgumentException("manifest.json: " + name + ".density has " + g.dim() +
			" values per pixel, but " + t.scales().length + " scales of " + t.features().id() + " for " + channels +
			" channel(s) make " + dim);
		if (g.components() > MAX_COMPONENTS) throw field(name + ".density.weights", "must hold 1 to " + MAX_COMPONENTS +
			" values, not", g.components());
		double sum = 0;
		for (double w : g.weights()) {
			if (!(w > 0)) throw field(name + ".density.weights", "must be positive, not", w);
			sum += w;
		}
		if (Math.abs(sum - 1) > 1e-6) throw field(name + ".density.weights", "must sum to 1, not", sum);
		int d = g.dim();
		bounded(name + ".density.means", g.means());
		for (int c = 0; c < g.components(); c++) {
			String component = ": component " + (c + 1) + " of " + g.components();
			double logDet = gaussian(name + ".density.precisions", g.precisions(), c, d, component);
			// the scores add the stored log-determinant: it must be the precision's (with the rounding of its writing)
			if (!(Math.abs(g.logDets()[c] - logDet) <= 1e-6 * (1 + Math.abs(logDet)))) throw new IllegalArgumentException(
				"manifest.json: " + name + ".density.log_determinants" + component + " is " + g.logDets()[c] +
					", but its precision's covariance has " + logDet);
		}
		if (t.intensities() != null && t.intensities().low().length != channels) throw new IllegalArgumentException(
			"manifest.json: " + name + ".intensities has " + t.intensities().low().length + " channel(s), the network " +
				channels);
		if (t.intensities() != null) {
			for (int c = 0; c < channels; c++) { // raw intensities of float images at most, a finite scale
				double low = t.intensities().low()[c], high = t.intensities().high()[c];
				if (!(Math.abs(low) <= Float.MAX_VALUE && Math.abs(high) <= Float.MAX_VALUE)) throw field(name +
					".intensities", "must hold values a 32-bit image can, not", Math.abs(low) > Float.MAX_VALUE ? low : high);
				if (!(high - low >= MIN_STEP)) throw field(name + ".intensities.high", "must lie above low by a step " +
					"whose inverse is finite, not", high);
			}
		}
	}

	/** Largest magnitude of a model's means, precisions and raw map values (far beyond any trained model's). */
	static final double MAX_VALUE = 1e12;

	/**
	 * Smallest step of a raw scale (the per-patch calibration's, the intensities'), far below any that
	 * training makes (float values, whose steps are at least 1.4e-45), with a finite inverse.
	 */
	static final double MIN_STEP = 1e-300;

	/** Every value finite and at most {@link #MAX_VALUE} in magnitude. */
	private static void bounded(String name, double[] values) {
		for (double v : values)
			if (!(Math.abs(v) <= MAX_VALUE)) throw field(name, "must hold values of -1e12 to 1e12, not", v);
	}

	/**
	 * Checks component {@code c} of {@code precisions} ({@code d × d} values each), named
	 * {@code component} in messages: bounded and positive definite. Returns the log-determinant of its
	 * covariance.
	 */
	private static double gaussian(String name, double[] precisions, int c, int d, String component) {
		double[] p = Arrays.copyOfRange(precisions, c * d * d, (c + 1) * d * d);
		bounded(name, p);
		double[] l;
		try {
			l = Matrices.cholesky(p, d, "component");
		}
		catch (IllegalArgumentException e) {
			throw new IllegalArgumentException("manifest.json: " + name + component + " is not positive definite");
		}
		double logDet = 0;
		for (int i = 0; i < d; i++)
			logDet -= 2 * Math.log(l[i * d + i]);
		return logDet;
	}

	private static void range(String name, double value, double min, double max) {
		if (!(value >= min && value <= max)) throw field(name, "must be " + fmt(min) + " to " + fmt(max) + ", not", value);
	}

	private static IllegalArgumentException field(String name, String rule, double value) {
		return new IllegalArgumentException("manifest.json: " + name + " " + rule + (rule.endsWith("not") ? " " : ", not ") +
			fmt(value));
	}

	private static String fmt(double v) {
		return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
	}
}
