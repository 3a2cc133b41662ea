package sc.fiji.ganomaly.core;

import java.util.Random;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;

/** Small synthetic planes for tests: stripes as normal texture, a bright disc as the anomaly. */
public final class SyntheticImages {

	private SyntheticImages() {}

	/** Diagonal stripes of random phase with a little noise, values around 100..200. */
	public static Img<FloatType> normal(int size, Random random) {
		float[] v = new float[size * size];
		double phase = random.nextDouble() * 2 * Math.PI;
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++)
				v[y * size + x] = (float) (150 + 50 * Math.sin((x + y) * 0.6 + phase) + 5 * random.nextGaussian());
		return ArrayImgs.floats(v, size, size);
	}

	/**
	 * Settings of a tiny network that trains in seconds on these planes (patch 16, nz 8, 8 filters,
	 * 640 patches an epoch, one thread, 30 % held out); tests set epochs and seed.
	 */
	public static TrainingSettings tinyNetwork() {
		return new TrainingSettings().patchSize(16).nz(8).ngf(8).ndf(8).batchSize(32).patchesPerEpoch(640).threads(1)
			.learningRate(1e-3f).validationFraction(0.3);
	}

	/** {@code planes} normal planes of {@code size} pixels square, named "normal 0", "normal 1", … */
	public static TrainingData normalData(int planes, int size, Random random) {
		TrainingData data = new TrainingData();
		for (int i = 0; i < planes; i++)
			data.add("normal " + i, normal(size, random));
		return data;
	}

	/** A normal plane with a bright disc of {@code radius} at ({@code cx}, {@code cy}). */
	public static Img<FloatType> anomalous(int size, Random random, int cx, int cy, int radius) {
		Img<FloatType> img = normal(size, random);
		float[] v = ((net.imglib2.img.array.ArrayImg<FloatType, net.imglib2.img.basictypeaccess.array.FloatArray>) img)
			.update(null).getCurrentStorageArray();
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++)
				if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius) v[y * size + x] = 260;
		return img;
	}

	/** True where the disc is. */
	public static boolean inDisc(int x, int y, int cx, int cy, int radius) {
		return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius;
	}
}
