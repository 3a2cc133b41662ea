package sc.fiji.ganomaly.ij;

import java.util.List;

import ij.ImagePlus;
import ij.ImageStack;
import ij.plugin.LutLoader;
import ij.process.FloatProcessor;
import ij.process.LUT;
import sc.fiji.ganomaly.core.api.AnomalyMap;

/** Turns anomaly maps of an image's planes back into one 32-bit ImagePlus of the same geometry. */
public final class MapImages {

	private MapImages() {}

	/**
	 * A 32-bit image of the maps, one per plane of {@code source} (its slices and frames, channels
	 * collapsed), with the source's calibration and slice labels.
	 */
	public static ImagePlus of(ImagePlus source, List<AnomalyMap> maps, String title) {
		ImageStack stack = new ImageStack(source.getWidth(), source.getHeight());
		for (AnomalyMap map : maps)
			stack.addSlice(new FloatProcessor(map.width(), map.height(), map.values()));
		int slices = source.getNSlices();
		for (int i = 1; i <= maps.size(); i++)
			stack.setSliceLabel(planeLabel(source, (i - 1) % slices + 1, (i - 1) / slices + 1), i);
		return shapedLike(source, title, stack);
	}

	/**
	 * The slice label of plane (z, t) of an image (of its first channel): its first line, as ImageJ
	 * shows it in the window's subtitle (an image sequence's file name), at most 100 characters;
	 * null if it has none.
	 */
	static String planeLabel(ImagePlus image, int slice, int frame) {
		String label = image.getStack().getSliceLabel(image.getStackIndex(1, slice, frame));
		if (label == null) return null;
		int end = label.indexOf('\n');
		label = (end < 0 ? label : label.substring(0, end)).trim();
		return label.isEmpty() ? null : label.length() > 100 ? label.substring(0, 100) : label;
	}

	/** The in-memory property that marks the images this plugin makes (its value says which). */
	static final String MADE = "sc.fiji.ganomaly.output";

	/**
	 * Refuses an anomaly map or mask that this plugin made as an image to score or train on (the
	 * active image after a scoring is its map or mask, which a second run from the menu would take).
	 */
	public static void refuseOutput(ImagePlus imp, String use) {
		if (imp != null && imp.getProperty(MADE) instanceof String made) throw new IllegalArgumentException(imp
			.getTitle() + " is " + made + " made by Score Anomalies, not an image to " + use + "; select (click its " +
			"window) or give the image to " + use);
	}

	/**
	 * A map image of {@code stack} in the geometry of {@code source}: its slices and frames
	 * (channels collapsed), a hyperstack when it has several planes, a copy of its calibration.
	 */
	static ImagePlus shapedLike(ImagePlus source, String title, ImageStack stack) {
		ImagePlus out = new ImagePlus(title, stack);
		out.setProperty(MADE, "an anomaly map");
		out.setDimensions(1, source.getNSlices(), source.getNFrames());
		if (source.getNSlices() * source.getNFrames() > 1) out.setOpenAsHyperStack(true);
		out.setCalibration(source.getCalibration().copy());
		return out;
	}

	/**
	 * Shows a map in ImageJ's "fire" colours, from 0 to twice the threshold, so that the threshold
	 * is mid-scale. The LUT is built in (no file is read).
	 */
	public static void style(ImagePlus map, double threshold) {
		java.awt.image.IndexColorModel fire = LutLoader.getLut("fire");
		if (fire != null) map.setLut(new LUT(fire, 0, 255));
		map.setDisplayRange(0, displayMax(threshold));
	}

	/** The score at the top of a map's display range: twice the threshold (mid-scale), at least 0.001. */
	static double displayMax(double threshold) {
		return Math.max(2 * threshold, 1e-3);
	}
}
