package sc.fiji.ganomaly.ij;

import java.util.List;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;
import sc.fiji.ganomaly.core.AnomalyMap;

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
		ImagePlus out = new ImagePlus(title, stack);
		out.setDimensions(1, source.getNSlices(), source.getNFrames());
		if (source.getNSlices() * source.getNFrames() > 1) out.setOpenAsHyperStack(true);
		out.setCalibration(source.getCalibration().copy());
		return out;
	}
}
