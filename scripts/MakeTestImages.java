import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.LUT;
import ij.process.ShortProcessor;

import java.awt.Color;
import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Makes the small synthetic fluorescence-microscopy-like test images of {@code test-images/}:
 * fields of nuclei (normal), the same kind of fields with one anomaly each (bright debris, a giant
 * nucleus, a fragmented nucleus, an out-of-focus blob), Z stacks and two-channel images, with 8-bit
 * ground-truth masks of the anomalies. They exist so that tests and demos of the anomaly detector
 * have realistic-looking input that trains in seconds, without shipping real data.
 * <p>
 * Every image is 128 x 128, 16-bit: a background of about 100 counts, 15-25 smooth textured
 * nuclei (radius 5-7 px, 800-1,500 counts above background) and photon-like noise (sigma 5 on the
 * background, growing with the signal). Every random choice comes from a fixed seed, so every run
 * writes byte-identical files.
 * <p>
 * Run from the repository root (needs only the JDK and ImageJ 1.x):
 * <pre>
 * java -cp ~/.m2/repository/net/imagej/ij/1.54p/ij-1.54p.jar scripts/MakeTestImages.java test-images
 * </pre>
 */
public class MakeTestImages {

	static final int SIZE = 128;
	static final double BACKGROUND = 100;
	/** Noise of the camera alone, in counts. */
	static final double READ_NOISE = 5;
	/** Noise variance added per count of signal, so bright things are noisier, as with photons. */
	static final double SHOT_NOISE = 0.2;
	/** Smallest distance between the centres of two nuclei, so that they barely touch. */
	static final double NUCLEUS_SPACING = 15;
	/** Mask pixels are those where the anomaly adds more than this fraction of its peak. */
	static final double MASK_FRACTION = 0.2;

	enum Anomaly { DEBRIS, GIANT, FRAGMENTED, BLUR }

	/** One nucleus: centre, semi-axes and orientation of its ellipse, brightness above background. */
	record Nucleus(double x, double y, double rx, double ry, double angle, double brightness) {}

	/** Where an anomaly goes: its centre, and the radius around it kept free of normal nuclei. */
	record Site(double x, double y, double keepOut) {}

	/** The noise-free signal of each channel of a field, and the nuclei drawn in it. */
	record Field(float[][] channels, List<Nucleus> nuclei) {}

	/** A finished plane: noisy pixels of each channel and the anomaly mask (all 0 if normal). */
	record Plane(float[][] channels, byte[] mask) {}

	public static void main(String[] args) {
		File out = new File(args.length > 0 ? args[0] : "test-images");
		File masks = new File(out, "masks"), twoChannel = new File(out, "twochannel");
		if (!masks.isDirectory() && !masks.mkdirs() || !twoChannel.isDirectory() && !twoChannel.mkdirs())
			throw new IllegalStateException("cannot create the folders in " + out);
		writeNormalFields(out);
		writeAnomalousFields(out, masks);
		writeStacks(out, masks);
		writeTwoChannelImages(twoChannel, masks);
	}

	// ---- the files --------------------------------------------------------------------------

	static void writeNormalFields(File out) {
		for (int i = 1; i <= 6; i++)
			save(grayImage("normal " + i, normalPlane(new Random(i), 1)), out, String.format("normal_%02d.tif", i));
	}

	static void writeAnomalousFields(File out, File masks) {
		long seed = 101;
		for (Anomaly anomaly : Anomaly.values()) {
			String name = "anomalous_" + anomaly.name().toLowerCase();
			Plane plane = anomalousPlane(new Random(seed++), anomaly);
			save(grayImage(name, plane), out, name + ".tif");
			save(new ImagePlus(name + " mask", maskProcessor(plane)), masks, name + "_mask.tif");
			describeMask(name, plane.mask());
		}
	}

	/** Five independent normal slices; in the anomalous stack slice 2 has debris, slice 4 a giant nucleus. */
	static void writeStacks(File out, File masks) {
		List<Plane> normal = new ArrayList<>(), anomalous = new ArrayList<>();
		for (int z = 1; z <= 5; z++) {
			normal.add(normalPlane(new Random(200 + z), 1));
			Random random = new Random(300 + z);
			anomalous.add(z == 2 ? anomalousPlane(random, Anomaly.DEBRIS)
				: z == 4 ? anomalousPlane(random, Anomaly.GIANT) : normalPlane(random, 1));
		}
		save(zStack("stack normal", normal, false), out, "stack_normal.tif");
		save(zStack("stack anomalous", anomalous, false), out, "stack_anomalous.tif");
		save(zStack("stack anomalous mask", anomalous, true), masks, "stack_anomalous_mask.tif");
		for (int z = 2; z <= 4; z += 2)
			describeMask("stack_anomalous slice " + z, anomalous.get(z - 1).mask());
	}

	/** Channel 1 nuclei, channel 2 cytoplasm around each; the anomalous one has a cell far too bright in channel 2. */
	static void writeTwoChannelImages(File twoChannel, File masks) {
		save(twoChannelImage("two channels normal", normalPlane(new Random(400), 2)), twoChannel,
			"twochannel_normal.tif");
		Plane anomalous = brightCytoplasmPlane(new Random(401));
		save(twoChannelImage("two channels anomalous", anomalous), twoChannel, "twochannel_anomalous.tif");
		save(new ImagePlus("two channels anomalous mask", maskProcessor(anomalous)), masks,
			"twochannel_anomalous_mask.tif");
		describeMask("twochannel_anomalous", anomalous.mask());
	}

	// ---- planes -----------------------------------------------------------------------------

	static Plane normalPlane(Random random, int channels) {
		Field field = nucleiField(random, channels, null);
		return withNoise(field.channels(), new byte[SIZE * SIZE], random);
	}

	/** A normal field with one anomaly at a random place away from the borders. */
	static Plane anomalousPlane(Random random, Anomaly anomaly) {
		Site site = new Site(36 + random.nextDouble() * (SIZE - 72), 36 + random.nextDouble() * (SIZE - 72),
			switch (anomaly) {
				case GIANT -> 28; // the giant takes the room of the nuclei it would cover
				case FRAGMENTED -> 14; // the fragments replace one nucleus
				default -> 0; // debris and blur lie over the nuclei
			});
		Field field = nucleiField(random, 1, site);
		float[] layer = new float[SIZE * SIZE];
		switch (anomaly) {
			case DEBRIS -> drawDebris(layer, site, random);
			case GIANT -> drawGiantNucleus(layer, site, random);
			case FRAGMENTED -> drawFragmentedNucleus(layer, site, random);
			case BLUR -> drawOutOfFocusBlob(layer, site);
		}
		return withAnomaly(field, 0, layer, random);
	}

	/** A two-channel field where the cell nearest the centre has a normal nucleus but a huge channel-2 signal. */
	static Plane brightCytoplasmPlane(Random random) {
		Field field = nucleiField(random, 2, null);
		Nucleus cell = field.nuclei().stream()
			.min(Comparator.comparingDouble(n -> Math.hypot(n.x() - SIZE / 2.0, n.y() - SIZE / 2.0))).orElseThrow();
		float[] layer = new float[SIZE * SIZE];
		drawBrightCytoplasm(layer, cell);
		return withAnomaly(field, 1, layer, random);
	}

	static Plane withAnomaly(Field field, int channel, float[] layer, Random random) {
		byte[] mask = maskOf(layer);
		float[] target = field.channels()[channel];
		for (int i = 0; i < target.length; i++)
			target[i] += layer[i];
		return withNoise(field.channels(), mask, random);
	}

	// ---- normal content ---------------------------------------------------------------------

	/** Nuclei in channel 1 and, when there are two channels, the cytoplasm around them in channel 2. */
	static Field nucleiField(Random random, int channels, Site site) {
		List<Nucleus> nuclei = placeNuclei(random, site);
		float[][] pixels = new float[channels][SIZE * SIZE];
		for (Nucleus nucleus : nuclei)
			drawNucleus(pixels[0], nucleus, random);
		if (channels > 1) drawCytoplasm(pixels[1], nuclei);
		return new Field(pixels, nuclei);
	}

	/** 15-25 nuclei at random places, none closer than {@link #NUCLEUS_SPACING} nor inside the site. */
	static List<Nucleus> placeNuclei(Random random, Site site) {
		int count = 15 + random.nextInt(11);
		List<Nucleus> nuclei = new ArrayList<>();
		for (int attempt = 0; nuclei.size() < count && attempt < 5000; attempt++) {
			double x = 8 + random.nextDouble() * (SIZE - 16), y = 8 + random.nextDouble() * (SIZE - 16);
			if (site != null && Math.hypot(x - site.x(), y - site.y()) < site.keepOut()) continue;
			if (nuclei.stream().allMatch(n -> Math.hypot(n.x() - x, n.y() - y) >= NUCLEUS_SPACING))
				nuclei.add(new Nucleus(x, y, 5 + 2 * random.nextDouble(), 5 + 2 * random.nextDouble(),
					Math.PI * random.nextDouble(), 800 + 700 * random.nextDouble()));
		}
		return nuclei;
	}

	/** A smooth-edged ellipse with a faint texture of two random waves (chromatin). */
	static void drawNucleus(float[] p, Nucleus n, Random random) {
		double[] wave1 = randomWave(random), wave2 = randomWave(random);
		forEachPixelNear(n.x(), n.y(), Math.max(n.rx(), n.ry()) + 5, (x, y) -> {
			double texture = 1 + 0.06 * wave(wave1, x, y) + 0.06 * wave(wave2, x, y);
			p[y * SIZE + x] += (float) (n.brightness() * ellipse(n, 0, 0.8, x, y) * texture);
		});
	}

	/** A dim blurred cell body 5 px wider than each nucleus, darker over the nucleus; cells do not add up. */
	static void drawCytoplasm(float[] p, List<Nucleus> nuclei) {
		for (Nucleus n : nuclei)
			forEachPixelNear(n.x(), n.y(), Math.max(n.rx(), n.ry()) + 12, (x, y) -> {
				double value = 280 * ellipse(n, 5, 1.5, x, y) * (1 - 0.65 * ellipse(n, 0, 1, x, y));
				p[y * SIZE + x] = (float) Math.max(p[y * SIZE + x], value);
			});
	}

	// ---- anomalies (drawn into an empty layer, from which the mask is made) -----------------

	/** 5-7 very bright specks scattered over 18 x 18 px. */
	static void drawDebrisSpecks(float[] layer, Site site, Random random) {
		int specks = 5 + random.nextInt(3);
		for (int k = 0; k < specks; k++)
			drawSpot(layer, site.x() + 18 * (random.nextDouble() - 0.5), site.y() + 18 * (random.nextDouble() - 0.5),
				0.8 + random.nextDouble(), 3000 + 1500 * random.nextDouble());
	}

	/** Very bright specks and a thin curved fibre across them (dust, lint). */
	static void drawDebris(float[] layer, Site site, Random random) {
		drawDebrisSpecks(layer, site, random);
		double angle = Math.PI * random.nextDouble(), bend = 6 * (random.nextDouble() - 0.5);
		double cos = Math.cos(angle), sin = Math.sin(angle);
		for (double t = -13; t <= 13; t += 0.5) { // a fibre 26 px long, bent by a parabola
			double offset = bend * (1 - (t / 13) * (t / 13));
			drawSpot(layer, site.x() + t * cos - offset * sin, site.y() + t * sin + offset * cos, 0.7, 2500);
		}
	}

	static void drawGiantNucleus(float[] layer, Site site, Random random) {
		Nucleus giant = new Nucleus(site.x(), site.y(), 16 + 2 * random.nextDouble(), 16 + 2 * random.nextDouble(),
			Math.PI * random.nextDouble(), 1000 + 300 * random.nextDouble());
		drawNucleus(layer, giant, random);
	}

	/** 5-8 small bright fragments spread around where one nucleus would be (apoptotic nucleus). */
	static void drawFragmentedNucleus(float[] layer, Site site, Random random) {
		int fragments = 5 + random.nextInt(4);
		for (int k = 0; k < fragments; k++) {
			double angle = 2 * Math.PI * (k + 0.5 * random.nextDouble()) / fragments, distance = 3 + 4 * random.nextDouble();
			drawSpot(layer, site.x() + distance * Math.cos(angle), site.y() + distance * Math.sin(angle),
				1.2 + 0.8 * random.nextDouble(), 1500 + 800 * random.nextDouble());
		}
	}

	/** A wide dim Gaussian glow (sigma 10 px), like a cell far out of focus. */
	static void drawOutOfFocusBlob(float[] layer, Site site) {
		double sigma = 10;
		forEachPixelNear(site.x(), site.y(), 4 * sigma, (x, y) -> {
			double d2 = (x - site.x()) * (x - site.x()) + (y - site.y()) * (y - site.y());
			layer[y * SIZE + x] += (float) (450 * Math.exp(-d2 / (2 * sigma * sigma)));
		});
	}

	/** A cell body about nine times brighter than normal in channel 2. */
	static void drawBrightCytoplasm(float[] layer, Nucleus cell) {
		forEachPixelNear(cell.x(), cell.y(), Math.max(cell.rx(), cell.ry()) + 14, (x, y) ->
			layer[y * SIZE + x] += (float) (2500 * ellipse(cell, 6, 1.5, x, y)));
	}

	// ---- drawing helpers --------------------------------------------------------------------

	interface PixelAction {
		void at(int x, int y);
	}

	static void forEachPixelNear(double cx, double cy, double radius, PixelAction action) {
		for (int y = Math.max(0, (int) (cy - radius)); y <= Math.min(SIZE - 1, (int) (cy + radius) + 1); y++)
			for (int x = Math.max(0, (int) (cx - radius)); x <= Math.min(SIZE - 1, (int) (cx + radius) + 1); x++)
				action.at(x, y);
	}

	/**
	 * 1 inside the nucleus' ellipse grown by {@code grow} px, 0 outside, with a logistic edge about
	 * {@code edge} px wide (so it looks blurred by the optics).
	 */
	static double ellipse(Nucleus n, double grow, double edge, int x, int y) {
		double rx = n.rx() + grow, ry = n.ry() + grow, cos = Math.cos(n.angle()), sin = Math.sin(n.angle());
		double dx = x - n.x(), dy = y - n.y(), u = (dx * cos + dy * sin) / rx, v = (-dx * sin + dy * cos) / ry;
		double pixelsOutside = (Math.sqrt(u * u + v * v) - 1) * (rx + ry) / 2;
		return 1 / (1 + Math.exp(pixelsOutside / edge * 4));
	}

	/** A small bright disc with a one-pixel soft edge; overlapping spots do not add up. */
	static void drawSpot(float[] layer, double cx, double cy, double radius, double brightness) {
		forEachPixelNear(cx, cy, radius + 1, (x, y) -> {
			double weight = Math.max(0, Math.min(1, radius + 0.5 - Math.hypot(x - cx, y - cy)));
			layer[y * SIZE + x] = (float) Math.max(layer[y * SIZE + x], brightness * weight);
		});
	}

	/** Wave vector of 0.6-1.2 rad/px in a random direction, and a phase. */
	static double[] randomWave(Random random) {
		double angle = 2 * Math.PI * random.nextDouble(), k = 0.6 + 0.6 * random.nextDouble();
		return new double[] { k * Math.cos(angle), k * Math.sin(angle), 2 * Math.PI * random.nextDouble() };
	}

	static double wave(double[] w, int x, int y) {
		return Math.sin(w[0] * x + w[1] * y + w[2]);
	}

	static byte[] maskOf(float[] layer) {
		float peak = 0;
		for (float v : layer)
			peak = Math.max(peak, v);
		byte[] mask = new byte[layer.length];
		for (int i = 0; i < layer.length; i++)
			if (layer[i] > MASK_FRACTION * peak) mask[i] = (byte) 255;
		return mask;
	}

	/** Background plus signal plus camera and photon-like noise. */
	static Plane withNoise(float[][] channels, byte[] mask, Random random) {
		for (float[] p : channels)
			for (int i = 0; i < p.length; i++)
				p[i] += (float) (BACKGROUND + random.nextGaussian() * Math.sqrt(READ_NOISE * READ_NOISE + SHOT_NOISE * p[i]));
		return new Plane(channels, mask);
	}

	// ---- images and files -------------------------------------------------------------------

	static ShortProcessor toShort(float[] p) {
		short[] s = new short[p.length];
		for (int i = 0; i < p.length; i++)
			s[i] = (short) Math.max(0, Math.min(65535, Math.round(p[i])));
		return new ShortProcessor(SIZE, SIZE, s, null);
	}

	static ByteProcessor maskProcessor(Plane plane) {
		return new ByteProcessor(SIZE, SIZE, plane.mask());
	}

	static ImagePlus grayImage(String title, Plane plane) {
		return new ImagePlus(title, toShort(plane.channels()[0]));
	}

	/** The planes as Z slices, or their masks (8-bit) as Z slices. */
	static ImagePlus zStack(String title, List<Plane> planes, boolean masks) {
		ImageStack stack = new ImageStack(SIZE, SIZE);
		for (Plane plane : planes)
			stack.addSlice(masks ? maskProcessor(plane) : toShort(plane.channels()[0]));
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(1, planes.size(), 1);
		return imp;
	}

	/** A two-channel composite hyperstack: nuclei in magenta, cytoplasm in green. */
	static ImagePlus twoChannelImage(String title, Plane plane) {
		ImageStack stack = new ImageStack(SIZE, SIZE);
		for (float[] channel : plane.channels())
			stack.addSlice(toShort(channel));
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(2, 1, 1);
		imp.setOpenAsHyperStack(true);
		CompositeImage composite = new CompositeImage(imp, IJ.COMPOSITE);
		composite.setChannelLut(LUT.createLutFromColor(Color.MAGENTA), 1);
		composite.setChannelLut(LUT.createLutFromColor(Color.GREEN), 2);
		composite.getChannelLut(1).min = 80;
		composite.getChannelLut(1).max = 1800;
		composite.getChannelLut(2).min = 80;
		composite.getChannelLut(2).max = 600;
		return composite;
	}

	static void save(ImagePlus imp, File dir, String name) {
		if (!new FileSaver(imp).saveAsTiff(new File(dir, name).getPath()))
			throw new IllegalStateException("cannot write " + new File(dir, name));
	}

	/** Prints where the anomaly lies, for the README. */
	static void describeMask(String name, byte[] mask) {
		int minX = SIZE, minY = SIZE, maxX = -1, maxY = -1, count = 0;
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++)
				if (mask[y * SIZE + x] != 0) {
					minX = Math.min(minX, x); maxX = Math.max(maxX, x);
					minY = Math.min(minY, y); maxY = Math.max(maxY, y);
					count++;
				}
		System.out.printf("%s: anomaly in x %d-%d, y %d-%d (%d px)%n", name, minX, maxX, minY, maxY, count);
	}
}
