package sc.fiji.ganomaly.ij;

import java.awt.Rectangle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ij.ImagePlus;
import ij.gui.Roi;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import sc.fiji.ganomaly.core.api.Refusals;
import sc.fiji.ganomaly.core.api.TrainingData;

/**
 * Training data from images: every Z slice and time frame of an image is one sample, named
 * "&lt;name&gt;" or, in a stack, "&lt;name&gt; plane &lt;n&gt;"; channels are input channels. The one way
 * the command line and the Fiji command turn images into {@link TrainingData}. Files are opened
 * lazily and only the planes trained on are read: when all planes would not fit in the memory
 * budget, planes evenly spaced through the images are taken, as many as fit.
 */
public final class TrainingImages {

	/**
	 * Training data and how it was taken.
	 *
	 * @param data      the planes to train on
	 * @param planes    the planes of the inputs in all
	 * @param bitDepths the bit depths of the images trained on, in increasing order
	 * @param leftOut   why each file that could not be read was left out (its one-line refusal), in order
	 */
	public record Loaded(TrainingData data, int planes, List<Integer> bitDepths, List<String> leftOut) {

		/** How many of the files left out {@link #note()} names. */
		static final int NAMED = 3;

		/**
		 * A line for the user when only some planes are trained on or the images are of several bit
		 * depths (whose intensities the texture score compares), else null.
		 */
		public String note() {
			String some = data.size() == planes ? null : String.format(Locale.ROOT, "training on %d of the %d planes " +
				"(evenly spaced through the images), as many as fit in memory; give Java more memory (-Xmx) to train on " +
				"more", data.size(), planes);
			String depths = bitDepths.size() < 2 ? null : "the training images are of several bit depths (" + bitDepths
				.stream().map(b -> b == 24 ? "RGB" : b + "-bit").collect(java.util.stream.Collectors.joining(", ")) +
				"): the texture score compares their intensities, so images of one kind look unusual to a model of the " +
				"other; train on images saved as they were acquired, of one bit depth";
			String left = leftOut.isEmpty() ? null : "left out " + leftOut.size() + " file(s) that could not be read (" +
				String.join("; ", leftOut.subList(0, Math.min(NAMED, leftOut.size()))) + (leftOut.size() > NAMED ? "; and " +
					(leftOut.size() - NAMED) + " more" : "") + ")";
			return java.util.stream.Stream.of(left, some, depths).filter(java.util.Objects::nonNull).reduce((a, b) -> a +
				"; " + b).orElse(null);
		}
	}

	private TrainingImages() {}

	/**
	 * The planes of image files or folders of them; {@code channels} selects 1-based channels (empty: all).
	 *
	 * @throws IllegalArgumentException the refusal of the first file that cannot be read ({@link #load} leaves
	 *                                  such files out and says which)
	 */
	public static TrainingData of(List<Path> files, List<Integer> channels, String parameter) {
		Loaded loaded = load(files, channels, parameter, budget());
		// a script that asks for the planes gets no note: it gets the first refusal, as before
		if (!loaded.leftOut().isEmpty()) throw new IllegalArgumentException(loaded.leftOut().get(0));
		return loaded.data();
	}

	/**
	 * The planes of image files, at most {@code budget} bytes of them as float copies (at least one
	 * plane): all of them if they fit, else as many as fit, evenly spaced through the files' planes in
	 * order (so through every stack, and through the files themselves when there are more files than
	 * planes that fit); {@code channels} selects 1-based channels (empty: all). A file read whole to
	 * be counted (a one-plane TIFF, a PNG) is kept only while what was read fits in the budget. A file
	 * that cannot be read (empty, truncated, not an image) is left out and named in {@link Loaded#note()},
	 * as a scoring batch leaves it out; when no file can be read, the first one's refusal is thrown.
	 */
	public static Loaded load(List<Path> files, List<Integer> channels, String parameter, long budget) {
		refuseMaps(files, parameter);
		List<ImageFiles.Input> kept = new ArrayList<>();
		int[] counts = new int[files.size()];
		long total = 0, bytes = 0;
		List<String> leftOut = new ArrayList<>();
		IllegalArgumentException first = null;
		for (int i = 0; i < files.size(); i++) {
			ImageFiles.Input in;
			try {
				in = ImageFiles.openLazily(files.get(i), parameter);
			}
			catch (IllegalArgumentException e) {
				if (e instanceof ImageTooLarge) throw e; // not the file's fault: more memory reads it
				// the file's own fault: it costs that file only
				if (first == null) first = e;
				leftOut.add(e.getMessage());
				kept.add(null);
				continue;
			}
			counts[i] = ImagePlusPlanes.count(in.image());
			total += counts[i];
			bytes += counts[i] * planeBytes(in.image(), channels, null);
			kept.add(bytes <= budget ? in : null); // read again when its planes are taken
		}
		if (first != null && leftOut.size() == files.size()) throw first;
		long k = bytes <= budget ? total : Math.max(1, (long) Math.floor(total * ((double) budget / bytes)));
		TrainingData data = new TrainingData();
		java.util.Set<Integer> sources = new java.util.HashSet<>(), depths = new java.util.TreeSet<>();
		long offset = 0, j = 0;
		for (int i = 0; i < files.size(); i++) {
			List<Integer> planes = new ArrayList<>(); // the planes of file i among the k evenly spaced ones
			for (; j < k; j++) {
				long at = evenlySpaced(j, k, total);
				if (at >= offset + counts[i]) break;
				planes.add((int) (at - offset) + 1);
			}
			offset += counts[i];
			ImageFiles.Input in = kept.set(i, null);
			if (planes.isEmpty()) continue;
			if (in == null) in = ImageFiles.openLazily(files.get(i), parameter);
			addPlanes(data, in.image(), in.file().getFileName().toString(), channels, planes, null);
			sources.add(ImagePlusPlanes.channels(in.image()));
			depths.add(in.image().getBitDepth());
		}
		// a selection of one kind of source image is the model's to repeat; mixed sources are scored as given
		if (sources.size() == 1) data.sourceChannels(channels, sources.iterator().next());
		return new Loaded(data, (int) total, List.copyOf(depths), List.copyOf(leftOut));
	}

	/**
	 * Refuses training images that are the anomaly maps of other training images: {@code x_anomaly.tif}
	 * where {@code x.*} is an input too, in its folder (a folder scored into itself) or another (a
	 * scoring's output folder among the inputs), and {@code x_anomaly.tif} in a folder {@code x} (the
	 * map of the folder opened as an image sequence), which would be learnt as normal.
	 */
	static void refuseMaps(List<Path> files, String parameter) {
		java.util.Map<String, Path> byBase = new java.util.HashMap<>();
		for (Path f : files)
			byBase.putIfAbsent(new ImageFiles.Input(f, null).baseName().toLowerCase(Locale.ROOT), f);
		String suffix = MapFiles.SUFFIX.toLowerCase(Locale.ROOT);
		for (Path f : files) {
			String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
			if (!name.endsWith(suffix)) continue;
			String base = name.substring(0, name.length() - suffix.length());
			Path source = byBase.get(base), folder = f.toAbsolutePath().getParent();
			if (source == null && folder != null && folder.getFileName() != null && folder.getFileName().toString()
				.toLowerCase(Locale.ROOT).equals(base)) throw new IllegalArgumentException(parameter + ": " + f + " is the " +
					"anomaly map of the image sequence " + folder + " (written by scoring), not a normal image; move it out " +
					"of the training images");
			if (source != null) throw new IllegalArgumentException(parameter + ": " + f + " is the anomaly map of " + source +
				" (written by scoring), not a normal image; move the maps out of the training images, or score into " +
				"another folder");
		}
	}

	/** Adds the planes of {@code image}, named after {@code name}, as many as fit (see {@link #load(ImagePlus, String, List, long)}). */
	public static TrainingData add(TrainingData data, ImagePlus image, String name, List<Integer> channels) {
		int n = ImagePlusPlanes.count(image);
		long bytes = n * planeBytes(image, channels, null), budget = budget();
		return add(data, image, name, channels, bytes <= budget ? 1 : (double) budget / bytes, null);
	}

	/**
	 * The planes of an open image (a virtual stack is read plane by plane), at most {@code budget}
	 * bytes of them; with an area selection, only its bounding rectangle of every plane (a user's
	 * outline of normal tissue), the planes named "&lt;name&gt; selection".
	 */
	public static Loaded load(ImagePlus image, String name, List<Integer> channels, long budget) {
		try {
			MapImages.refuseOutput(image, "train on");
		}
		catch (IllegalArgumentException e) { // named as the training data's other refusals: the API's input
			throw Refusals.of(TrainingData.KEY, e);
		}
		Rectangle region = selection(image);
		int n = ImagePlusPlanes.count(image);
		long bytes = n * planeBytes(image, channels, region);
		return new Loaded(add(new TrainingData().sourceChannels(channels, ImagePlusPlanes.channels(image)), image,
			region == null ? name : name + " selection", channels, bytes <= budget ? 1 : (double) budget / bytes, region), n,
			List.of(image.getBitDepth()), List.of());
	}

	/**
	 * The bounding rectangle, within the image, of {@code image}'s area selection, or null if it has
	 * none (or a line or points, which outline no area).
	 */
	public static Rectangle selection(ImagePlus image) {
		Roi roi = image.getRoi();
		if (roi == null || !roi.isArea()) return null;
		Rectangle r = roi.getBounds().intersection(new Rectangle(image.getWidth(), image.getHeight()));
		return r.isEmpty() || r.width == image.getWidth() && r.height == image.getHeight() ? null : r;
	}

	/** Adds {@code share} of the planes of {@code image} (at least one), evenly spaced, reading only those. */
	private static TrainingData add(TrainingData data, ImagePlus image, String name, List<Integer> channels,
		double share, Rectangle region)
	{
		int n = ImagePlusPlanes.count(image);
		int k = share >= 1 ? n : Math.max(1, (int) Math.floor(n * share));
		List<Integer> planes = new ArrayList<>();
		for (int j = 0; j < k; j++)
			planes.add((int) evenlySpaced(j, k, n) + 1);
		return addPlanes(data, image, name, channels, planes, region);
	}

	/** The 0-based position of the {@code j}th of {@code k} evenly spaced items of {@code n} (all when k = n). */
	private static long evenlySpaced(long j, long k, long n) {
		return k == n ? j : (long) Math.floor((j + 0.5) * n / k);
	}

	/**
	 * Adds the planes of {@code image} at the 1-based {@code indices}, reading only those, cut to
	 * {@code region} (null: whole).
	 */
	private static TrainingData addPlanes(TrainingData data, ImagePlus image, String name, List<Integer> channels,
		List<Integer> indices, Rectangle region)
	{
		int n = ImagePlusPlanes.count(image);
		for (int index : indices) {
			ImagePlusPlanes.Plane plane = ImagePlusPlanes.of(image, index, index).get(0);
			String planeName = ImagePlusPlanes.name(name, n, plane);
			RandomAccessibleInterval<? extends RealType<?>> view = ImageChannels.select(plane, channels, planeName);
			data.add(planeName, region == null ? view : crop(view, region));
		}
		return data;
	}

	/** {@code region} of a plane (x, y and maybe channels), from (0, 0). */
	private static <T> RandomAccessibleInterval<T> crop(RandomAccessibleInterval<T> plane, Rectangle region) {
		long[] min = plane.minAsLongArray(), max = plane.maxAsLongArray();
		min[0] += region.x;
		min[1] += region.y;
		max[0] = min[0] + region.width - 1;
		max[1] = min[1] + region.height - 1;
		return Views.zeroMin(Views.interval(plane, min, max));
	}

	/** Bytes of one plane of {@code image} (of {@code region} of it, if not null) as the float copy training makes. */
	private static long planeBytes(ImagePlus image, List<Integer> channels, Rectangle region) {
		int c = channels.isEmpty() ? image.getBitDepth() == 24 ? 3 : image.getNChannels() : channels.size();
		return 4L * (region == null ? image.getWidth() : region.width) * (region == null ? image.getHeight()
			: region.height) * c;
	}

	/**
	 * What training planes may take in this JVM: a quarter of what the heap could still give (the
	 * planes as read, their float copies and the training's own arrays share the rest).
	 */
	public static long budget() {
		Runtime r = Runtime.getRuntime();
		return (r.maxMemory() - (r.totalMemory() - r.freeMemory())) / 4;
	}
}
