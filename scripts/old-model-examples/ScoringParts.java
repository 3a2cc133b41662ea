package sc.fiji.ganomaly.core;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The scoring part of an old example's manifest, for versions that have ImageScoring. */
final class ScoringParts {

	private ScoringParts() {}

	/** Calibrations of every score, a density model of {@link OldExample#NZ} values, a texture model if asked. */
	static Object scoring(boolean texture, Normalization normalization, Random random) throws Exception {
		float[] maxima = new float[200], pixels = new float[400];
		for (int i = 0; i < maxima.length; i++)
			maxima[i] = (float) (10 + random.nextGaussian());
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (float) random.nextGaussian();
		MapCalibration cal = MapCalibration.measure(pixels, pixels.length, maxima, maxima.length, 16, 0.01, 1600);
		float[] codes = new float[50 * OldExample.NZ];
		for (int i = 0; i < codes.length; i++)
			codes[i] = (float) random.nextGaussian();
		DensityModel density = DensityModel.fit(codes, 50, OldExample.NZ);
		Object textureModel = null;
		List<String> names = new ArrayList<>(List.of("latent", "residual", "density"));
		if (texture) {
			List<Region> regions = new ArrayList<>();
			Random planes = new Random(11);
			for (int i = 0; i < 4; i++)
				regions.add(Region.of(normalization.apply(OldExample.stripes(48, 48, planes, false), "normal " + i)));
			textureModel = Class.forName("sc.fiji.ganomaly.core.TextureModel").getDeclaredMethod("fit", List.class,
				long.class).invoke(null, regions, 3L);
			names.add("texture");
		}
		return imageScoring(texture ? "texture" : "residual", names, cal, density, textureModel);
	}

	/** ImageScoring of this version: score names as strings or as the Score enum, with or without texture. */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static Object imageScoring(String score, List<String> names, MapCalibration cal, DensityModel density,
		Object textureModel) throws Exception
	{
		Constructor<?> best = null;
		for (Constructor<?> k : ImageScoring.class.getDeclaredConstructors())
			if (best == null || k.getParameterCount() > best.getParameterCount()) best = k;
		Class<?> key = best.getParameterTypes()[0];
		Map calibrations = new LinkedHashMap();
		for (String name : names)
			calibrations.put(key == String.class ? name : Enum.valueOf((Class) key, name.toUpperCase()), cal);
		Object s = key == String.class ? score : Enum.valueOf((Class) key, score.toUpperCase());
		return best.getParameterCount() == 4 ? best.newInstance(s, calibrations, density, 1.5)
			: best.newInstance(s, calibrations, density, 1.5, textureModel);
	}
}
