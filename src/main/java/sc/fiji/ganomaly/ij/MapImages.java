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
	 * collapsed), with the source's calibration.
	 */
	public static ImagePlus of(ImagePlus source, List<AnomalyMap> maps, String title) {
		ImageStack stack = new ImageStack(source.getWidth(), source.getHeight());
		for (AnomalyMap map : maps)
			stack.addSlice(new FloatProcessor(map.width(), map.height(), map.values()));
		return shapedLike(source, title, stack);
	}

	/**
	 * A map image of {@code stack} in the geometry of {@code source}: its slices and frames
	 * (channels collapsed), a hyperstack when it has several planes, a copy of its calibration.
	 */
	static ImagePlus shapedLike(ImagePlus source, String title, ImageStack stack) {
		ImagePlus out = new ImagePlus(title, stack);
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
		map.setDisplayRange(0, Math.max(2 * threshold, 1e-3));
	}
}
