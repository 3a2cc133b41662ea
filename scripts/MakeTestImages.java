import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

import java.io.File;
import java.util.Random;

/**
 * Makes the small synthetic microscopy-like test images of test-images/: fluorescent nuclei
 * fields (normal) and fields with anomalies (debris, a giant nucleus, a fragmented nucleus, an
 * out-of-focus blob), 2D, as Z stacks and with two channels, with ground-truth masks. Seeded, so
 * every run writes the same pixels.
 *
 * Run from the repository root:
 *   java -cp ~/.m2/repository/net/imagej/ij/1.54p/ij-1.54p.jar scripts/MakeTestImages.java test-images
 */
public class MakeTestImages {

	static final int SIZE = 128;

	public static void main(String[] args) {
		File out = new File(args.length > 0 ? args[0] : "test-images");
		new File(out, "masks").mkdirs();
		new File(out, "twochannel").mkdirs();
		for (int i = 1; i <= 6; i++)
			save(new ImagePlus("normal", field(new Random(i), 1)[0]), out, String.format("normal_%02d.tif", i));
		anomalous(out, "debris", 101, MakeTestImages::addDebris);
		anomalous(out, "giant", 102, MakeTestImages::addGiantNucleus);
		anomalous(out, "fragmented", 103, MakeTestImages::addFragmentedNucleus);
		anomalous(out, "blur", 104, MakeTestImages::addOutOfFocusBlob);
		stacks(out);
		twoChannels(out);
	}

	interface Anomaly {
		void add(float[] pixels, byte[] mask, Random random);
	}

	/** A normal field, then the anomaly drawn on top, saved with its mask. */
	static void anomalous(File out, String name, long seed, Anomaly anomaly) {
		Random random = new Random(seed);
		float[][] field = fieldPixels(random, 1);
		byte[] mask = new byte[SIZE * SIZE];
		anomaly.add(field[0], mask, random);
		save(new ImagePlus(name, toShort(field[0])), out, "anomalous_" + name + ".tif");
		save(new ImagePlus(name + " mask", new ByteProcessor(SIZE, SIZE, mask)), out, "masks/anomalous_" + name + "_mask.tif");
	}

	static void stacks(File out) {
		ImageStack normal = new ImageStack(SIZE, SIZE), anomalous = new ImageStack(SIZE, SIZE), masks = new ImageStack(SIZE, SIZE);
		for (int z = 1; z <= 5; z++) {
			normal.addSlice(field(new Random(200 + z), 1)[0]);
			Random random = new Random(300 + z);
			float[] pixels = fieldPixels(random, 1)[0];
			byte[] mask = new byte[SIZE * SIZE];
			if (z == 2) addDebris(pixels, mask, random);
			if (z == 4) addGiantNucleus(pixels, mask, random);
			anomalous.addSlice(toShort(pixels));
			masks.addSlice(new ByteProcessor(SIZE, SIZE, mask));
		}
		saveStack(new ImagePlus("stack normal", normal), out, "stack_normal.tif");
		saveStack(new ImagePlus("stack anomalous", anomalous), out, "stack_anomalous.tif");
		saveStack(new ImagePlus("stack anomalous mask", masks), out, "masks/stack_anomalous_mask.tif");
	}

	/** Channel 1 nuclei, channel 2 a dimmer halo of cytoplasm around each. */
	static void twoChannels(File out) {
		float[][] normal = fieldPixels(new Random(400), 2);
		saveStack(hyperstack("two channels normal", normal), out, "twochannel/twochannel_normal.tif");
		Random random = new Random(401);
		float[][] anomalous = fieldPixels(random, 2);
		byte[] mask = new byte[SIZE * SIZE];
		// one cell with a huge bright signal in channel 2 only
		disc(anomalous[1], mask, 64, 64, 14, 2500, 3);
		saveStack(hyperstack("two channels anomalous", anomalous), out, "twochannel/twochannel_anomalous.tif");
		save(new ImagePlus("mask", new ByteProcessor(SIZE, SIZE, mask)), out, "masks/twochannel_anomalous_mask.tif");
	}

	static ImagePlus hyperstack(String title, float[][] channels) {
		ImageStack stack = new ImageStack(SIZE, SIZE);
		for (float[] c : channels)
			stack.addSlice(toShort(c));
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(channels.length, 1, 1);
		imp.setOpenAsHyperStack(true);
		return imp;
	}

	static ShortProcessor[] field(Random random, int channels) {
		float[][] pixels = fieldPixels(random, channels);
		ShortProcessor[] out = new ShortProcessor[channels];
		for (int c = 0; c < channels; c++)
			out[c] = toShort(pixels[c]);
		return out;
	}

	/** Background with noise and 15-25 textured nuclei (and, for channel 2, halos). */
	static float[][] fieldPixels(Random random, int channels) {
		float[][] pixels = new float[channels][SIZE * SIZE];
		int count = 15 + random.nextInt(11);
		double[][] centres = new double[count][];
		int placed = 0;
		for (int attempt = 0; placed < count && attempt < 2000; attempt++) {
			double x = 8 + random.nextDouble() * (SIZE - 16), y = 8 + random.nextDouble() * (SIZE - 16);
			boolean free = true;
			for (int k = 0; k < placed; k++)
				free &= Math.hypot(centres[k][0] - x, centres[k][1] - y) > 15;
			if (free) centres[placed++] = new double[] { x, y };
		}
		for (int k = 0; k < placed; k++) {
			double rx = 5 + random.nextDouble() * 2, ry = 5 + random.nextDouble() * 2, angle = random.nextDouble() * Math.PI;
			double brightness = 800 + random.nextDouble() * 700;
			drawNucleus(pixels[0], centres[k][0], centres[k][1], rx, ry, angle, brightness, random);
			if (channels > 1) drawNucleus(pixels[1], centres[k][0], centres[k][1], rx + 5, ry + 5, angle, 250, random);
		}
		for (float[] c : pixels)
			for (int i = 0; i < c.length; i++)
				c[i] += 100 + 5 * random.nextGaussian();
		return pixels;
	}

	/** A smooth-edged ellipse with a little texture. */
	static void drawNucleus(float[] p, double cx, double cy, double rx, double ry, double angle, double brightness,
		Random random)
	{
		double cos = Math.cos(angle), sin = Math.sin(angle), phase = random.nextDouble() * 6;
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++) {
				double dx = x - cx, dy = y - cy, u = (dx * cos + dy * sin) / rx, v = (-dx * sin + dy * cos) / ry;
				double r = Math.sqrt(u * u + v * v);
				if (r > 1.6) continue;
				double edge = 1 / (1 + Math.exp((r - 1) * 8));
				double texture = 1 + 0.08 * Math.sin(x * 0.9 + phase) * Math.cos(y * 0.8 - phase);
				p[y * SIZE + x] += (float) (brightness * edge * texture);
			}
	}

	static void addDebris(float[] p, byte[] mask, Random random) {
		int cx = 30 + random.nextInt(68), cy = 30 + random.nextInt(68);
		for (int k = 0; k < 7; k++)
			disc(p, mask, cx + random.nextInt(17) - 8, cy + random.nextInt(17) - 8, 1 + random.nextInt(2), 3500, 0);
		for (int t = -12; t <= 12; t++) // a thin fibre
			disc(p, mask, cx + t, cy + t / 3, 1, 2500, 0);
	}

	static void addGiantNucleus(float[] p, byte[] mask, Random random) {
		int cx = 40 + random.nextInt(48), cy = 40 + random.nextInt(48);
		drawNucleus(p, cx, cy, 17, 16, random.nextDouble(), 1200, random);
		markDisc(mask, cx, cy, 18);
	}

	static void addFragmentedNucleus(float[] p, byte[] mask, Random random) {
		int cx = 30 + random.nextInt(68), cy = 30 + random.nextInt(68);
		for (int k = 0; k < 6 + random.nextInt(3); k++)
			disc(p, mask, cx + random.nextInt(13) - 6, cy + random.nextInt(13) - 6, 1 + random.nextInt(2), 1800, 1);
	}

	static void addOutOfFocusBlob(float[] p, byte[] mask, Random random) {
		int cx = 40 + random.nextInt(48), cy = 40 + random.nextInt(48);
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++) {
				double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
				p[y * SIZE + x] += (float) (500 * Math.exp(-d2 / (2 * 10 * 10)));
				if (d2 <= 15 * 15) mask[y * SIZE + x] = (byte) 255;
			}
	}

	/** A bright disc with a soft edge of {@code soft} pixels, marked in the mask. */
	static void disc(float[] p, byte[] mask, int cx, int cy, int r, double brightness, int soft) {
		for (int y = Math.max(0, cy - r - soft - 1); y <= Math.min(SIZE - 1, cy + r + soft + 1); y++)
			for (int x = Math.max(0, cx - r - soft - 1); x <= Math.min(SIZE - 1, cx + r + soft + 1); x++) {
				double d = Math.hypot(x - cx, y - cy);
				if (d > r + soft) continue;
				double weight = d <= r ? 1 : 1 - (d - r) / (soft + 1);
				p[y * SIZE + x] += (float) (brightness * weight);
				mask[y * SIZE + x] = (byte) 255;
			}
	}

	static void markDisc(byte[] mask, int cx, int cy, int r) {
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++)
				if (Math.hypot(x - cx, y - cy) <= r) mask[y * SIZE + x] = (byte) 255;
	}

	static ShortProcessor toShort(float[] p) {
		short[] s = new short[p.length];
		for (int i = 0; i < p.length; i++)
			s[i] = (short) Math.max(0, Math.min(65535, Math.round(p[i])));
		return new ShortProcessor(SIZE, SIZE, s, null);
	}

	static void save(ImagePlus imp, File dir, String name) {
		if (!new FileSaver(imp).saveAsTiff(new File(dir, name).getPath())) throw new IllegalStateException("cannot write " + name);
	}

	static void saveStack(ImagePlus imp, File dir, String name) {
		if (!new FileSaver(imp).saveAsTiffStack(new File(dir, name).getPath())) throw new IllegalStateException("cannot write " + name);
	}
}
