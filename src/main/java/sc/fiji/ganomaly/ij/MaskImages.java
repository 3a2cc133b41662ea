package sc.fiji.ganomaly.ij;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import sc.fiji.ganomaly.core.ScoreParameters;

/** Binary masks (255 above a threshold, 0 elsewhere) of anomaly maps, plane by plane. */
public final class MaskImages {

	private MaskImages() {}

	/** An 8-bit mask of the same geometry as {@code map}: 255 where the map exceeds {@code threshold}. */
	public static ImagePlus above(ImagePlus map, double threshold, String title) {
		ImageStack in = map.getStack(), out = new ImageStack(map.getWidth(), map.getHeight());
		for (int i = 1; i <= in.getSize(); i++) {
			ImageProcessor plane = in.getProcessor(i);
			byte[] pixels = new byte[map.getWidth() * map.getHeight()];
			for (int k = 0; k < pixels.length; k++)
				if (ScoreParameters.isAnomalous(plane.getf(k), threshold)) pixels[k] = (byte) 255;
			out.addSlice(new ByteProcessor(map.getWidth(), map.getHeight(), pixels));
		}
		ImagePlus mask = new ImagePlus(title, out);
		mask.setProperty(MapImages.MADE, "an anomaly mask");
		mask.setDimensions(1, map.getNSlices(), map.getNFrames());
		mask.setCalibration(map.getCalibration().copy());
		return mask;
	}
}
