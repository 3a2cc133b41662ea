package sc.fiji.ganomaly.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import sc.fiji.ganomaly.core.model.TrainingReport;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.core.api.Normalization;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.calibrate.MapCalibration;
import sc.fiji.ganomaly.core.calibrate.PatchCalibration;
import sc.fiji.ganomaly.core.math.DensityModel;
import sc.fiji.ganomaly.core.model.Manifest;
import sc.fiji.ganomaly.core.model.Scoring;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.core.texture.TextureModel;

/** Model files for tests of reading them, made without training a network. */
public final class TinyModels {

	private TinyModels() {}

	public static final int SIZE = 40;

	/** A small network's settings with {@code channels} channels. */
	public static NetworkSpec spec(int channels) {
		return new NetworkSpec(16, channels, 8, 8, 8, 0, 1, 50, 1, 2e-4f, 0.5f, 0.999f, 1, 7);
	}

	/** A normalised plane of noise and stripes. */
	public static NormalizedPlane plane(int channels, Random random) {
		float[] v = new float[SIZE * SIZE * channels];
		double phase = random.nextDouble() * 6;
		for (int i = 0; i < SIZE * SIZE; i++)
			for (int c = 0; c < channels; c++)
				v[i * channels + c] = (float) (0.5 * Math.sin(i % SIZE * 0.7 + phase + c) + 0.2 * random.nextGaussian());
		return new NormalizedPlane(SIZE, SIZE, channels, v);
	}

	/**
	 * A manifest scoring with the texture score, whose mixture is fitted to a plane of noise, with
	 * density scoring ({@code nz} values) and calibrations of every score.
	 */
	public static Manifest textureManifest(int channels, long seed) {
		Random random = new Random(seed);
		TextureModel texture = TextureModel.fit(List.of(Region.of(plane(channels, random)),
			Region.of(plane(channels, random))), seed);
		float[] maxima = new float[200], pixels = new float[400];
		for (int i = 0; i < maxima.length; i++)
			maxima[i] = (float) (10 + random.nextGaussian());
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (float) random.nextGaussian();
		MapCalibration cal = MapCalibration.measure(pixels, pixels.length, maxima, maxima.length, 16, 0.01, 1600);
		NetworkSpec spec = spec(channels);
		float[] codes = new float[50 * spec.nz()];
		for (int i = 0; i < codes.length; i++)
			codes[i] = (float) random.nextGaussian();
		DensityModel density = DensityModel.fit(codes, 50, spec.nz());
		Scoring scoring = new Scoring(ScoreKind.TEXTURE, Map.of(ScoreKind.TEXTURE, cal, ScoreKind.LATENT, cal, ScoreKind.RESIDUAL,
			cal, ScoreKind.DENSITY, cal), density, 1.5, 2, texture);
		return new Manifest(Manifest.FORMAT_VERSION, Manifest.PROGRAM, spec, Normalization.fixedRange(-1, 1),
			new PatchCalibration(0.25, 0.75), 1.0, TrainingReport.of(Map.of("epochs_run", 1.0)), scoring);
	}

	/** A SavedModel folder of placeholder bytes (enough for everything but the network). */
	public static Path fakeSavedModel(Path dir) throws IOException {
		Files.createDirectories(dir.resolve("variables"));
		Files.write(dir.resolve("saved_model.pb"), new byte[] { 1, 2, 3 });
		Files.write(dir.resolve("variables/variables.index"), new byte[] { 4, 5 });
		Files.write(dir.resolve("variables/variables.data-00000-of-00001"), new byte[] { 6 });
		return dir;
	}
}
