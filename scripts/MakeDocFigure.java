import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.plugin.LutLoader;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;

/**
 * Puts an image, its anomaly map (Fire LUT, display 0..3 or 0..the optional fifth argument) and its mask side by side as a PNG for
 * the user guide. Run from the repository root after the README's main job:
 *   java -Djava.awt.headless=true -cp ~/.m2/repository/net/imagej/ij/1.54p/ij-1.54p.jar scripts/MakeDocFigure.java \
 *     test-images/anomalous_giant.tif /tmp/nuclei-scores/anomalous_giant_anomaly.tif \
 *     test-images/masks/anomalous_giant_mask.tif docs/images/giant-map-mask.png
 */
public class MakeDocFigure {

	public static void main(String[] args) {
		ImageProcessor image = IJ.openImage(args[0]).getProcessor().duplicate();
		image.resetMinAndMax();
		ImageProcessor map = IJ.openImage(args[1]).getProcessor().duplicate();
		map.setMinAndMax(0, args.length > 4 ? Double.parseDouble(args[4]) : 3); // optional 5th argument: top of the display
		ImageProcessor mapBytes = map.convertToByte(true);
		mapBytes.setLut(new LUT(LutLoader.getLut("fire"), 0, 255));
		ImageProcessor mask = IJ.openImage(args[2]).getProcessor();
		int w = image.getWidth(), h = image.getHeight(), gap = 4;
		ColorProcessor out = new ColorProcessor(3 * w + 2 * gap, h);
		out.setColor(java.awt.Color.WHITE);
		out.fill();
		out.insert(image.convertToByte(true).convertToRGB(), 0, 0);
		out.insert(mapBytes.convertToRGB(), w + gap, 0);
		out.insert(mask.convertToRGB(), 2 * (w + gap), 0);
		ImagePlus figure = new ImagePlus("figure", out.resize(out.getWidth() * 2, h * 2));
		if (!new FileSaver(figure).saveAsPng(args[3])) throw new IllegalStateException("cannot write " + args[3]);
	}
}
