package sc.fiji.ganomaly.ij;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ij.ImagePlus;
import sc.fiji.ganomaly.core.api.TrainingData;

/**
 * Training data from images: every Z slice and time frame of an image is one sample, named
 * "&lt;name&gt;" or, in a stack, "&lt;name&gt; plane &lt;n&gt;"; channels are input channels. The one way
 * the command line and the Fiji command turn images into {@link TrainingData}. Files are opened
 * lazily and only the planes trained on are read: when all planes would not fit in the memory
 * budget, planes evenly spaced through every stack are taken, as many as fit.
 */
public final class TrainingImages {

	/**
	 * Training data and how it was taken.
	 *
	 * @param data   the planes to train on
	 * @param planes the planes of the inputs in all
	 */
	public record Loaded(TrainingData data, int planes) {

		/** A line for the user when only some planes are trained on, else null. */
		public String note() {
			if (data.size() == planes) return null;
			return String.format(Locale.ROOT, "training on %d of the %d planes (evenly spaced through each image), as " +
				"many as fit in memory; give Java more memory (-Xmx) to train on more", data.size(), planes);
		}
	}

	private TrainingImages() {}

	/** The planes of image files or folders of them; {@code channels} selects 1-based channels (empty: all). */
	public static TrainingData of(List<Path> files, List<Integer> channels, String parameter) {
		return load(files, channels, parameter, budget()).data();
	}

	/**
	 * The planes of image files, at most {@code budget} bytes of them as float copies (one plane
	 * per file at least); {@code channels} selects 1-based channels (empty: all).
	 */
	public static Loaded load(List<Path> files, List<Integer> channels, String parameter, long budget) {
		List<ImageFiles.Input> inputs = new ArrayList<>();
		for (Path file : files)
			inputs.add(ImageFiles.openLazily(file, parameter));
		long total = 0, bytes = 0;
		for (ImageFiles.Input in : inputs) {
			int n = ImagePlusPlanes.count(in.image());
			total += n;
			bytes += n * planeBytes(in.image(), channels);
		}
		double share = bytes <= budget ? 1 : (double) budget / bytes;
		TrainingData data = new TrainingData();
		for (ImageFiles.Input in : inputs)
			add(data, in.image(), in.file().getFileName().toString(), channels, share);
		return new Loaded(data, (int) total);
	}

	/** Adds the planes of {@code image}, named after {@code name}, as many as fit (see {@link #load(ImagePlus, String, List, long)}). */
	public static TrainingData add(TrainingData data, ImagePlus image, String name, List<Integer> channels) {
		int n = ImagePlusPlanes.count(image);
		long bytes = n * planeBytes(image, channels), budget = budget();
		return add(data, image, name, channels, bytes <= budget ? 1 : (double) budget / bytes);
	}

	/** The planes of an open image (a virtual stack is read plane by plane), at most {@code budget} bytes of them. */
	public static Loaded load(ImagePlus image, String name, List<Integer> channels, long budget) {
		int n = ImagePlusPlanes.count(image);
		long bytes = n * planeBytes(image, channels);
		return new Loaded(add(new TrainingData(), image, name, channels, bytes <= budget ? 1 : (double) budget / bytes), n);
	}

	/** Adds {@code share} of the planes of {@code image} (at least one), evenly spaced, reading only those. */
	private static TrainingData add(TrainingData data, ImagePlus image, String name, List<Integer> channels,
		double share)
	{
		int n = ImagePlusPlanes.count(image);
		int k = share >= 1 ? n : Math.max(1, (int) Math.floor(n * share));
		for (int j = 0; j < k; j++) {
			int index = k == n ? j + 1 : (int) Math.floor((j + 0.5) * n / k) + 1;
			ImagePlusPlanes.Plane plane = ImagePlusPlanes.of(image, index, index).get(0);
			String planeName = ImagePlusPlanes.name(name, n, plane);
			data.add(planeName, ImageFiles.selectChannels(plane, channels, planeName));
		}
		return data;
	}

	/** Bytes of one plane of {@code image} as the float copy training makes. */
	private static long planeBytes(ImagePlus image, List<Integer> channels) {
		int c = channels.isEmpty() ? image.getBitDepth() == 24 ? 3 : image.getNChannels() : channels.size();
		return 4L * image.getWidth() * image.getHeight() * c;
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
