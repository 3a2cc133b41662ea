package sc.fiji.ganomaly.ij;

import java.nio.file.Path;
import java.util.List;

import ij.ImagePlus;
import sc.fiji.ganomaly.core.TrainingData;

/**
 * Training data from images: every Z slice and time frame of an image is one sample, named
 * "&lt;name&gt;" or, in a stack, "&lt;name&gt; plane &lt;n&gt;"; channels are input channels. The one way
 * the command line and the Fiji command turn images into {@link TrainingData}.
 */
public final class TrainingImages {

	private TrainingImages() {}

	/** The planes of image files or folders of them; {@code channels} selects 1-based channels (empty: all). */
	public static TrainingData of(List<Path> files, List<Integer> channels, String parameter) {
		TrainingData data = new TrainingData();
		for (Path file : files)
			add(data, ImageFiles.open(file, parameter).image(), file.getFileName().toString(), channels);
		return data;
	}

	/** Adds the planes of {@code image}, named after {@code name}. */
	public static TrainingData add(TrainingData data, ImagePlus image, String name, List<Integer> channels) {
		List<ImagePlusPlanes.Plane> planes = ImagePlusPlanes.of(image);
		for (ImagePlusPlanes.Plane plane : planes) {
			String planeName = ImagePlusPlanes.name(name, planes.size(), plane);
			data.add(planeName, ImageFiles.selectChannels(plane, channels, planeName));
		}
		return data;
	}
}
