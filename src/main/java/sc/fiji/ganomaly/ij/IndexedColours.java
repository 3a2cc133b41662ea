package sc.fiji.ganomaly.ij;

import java.nio.file.Path;
import java.util.Locale;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageConverter;
import ij.process.ImageProcessor;
import ij.process.LUT;
import ij.process.StackConverter;

/**
 * Images of indexed colour (PNG, GIF and BMP files with a palette) read as the colours they show:
 * their pixels are indices into the palette, which alone gives them meaning, so two files that look
 * the same may hold different indices. A TIFF's look-up table only displays its values, which are
 * the data, and is left as it is.
 */
final class IndexedColours {

	private IndexedColours() {}

	/**
	 * {@code imp} as opened from {@code file}, or, for an 8-bit image of a palette file whose palette
	 * is not the grey ramp, its colours: grey values for a grey palette (in place), else an RGB image.
	 */
	static ImagePlus shown(ImagePlus imp, Path file) {
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		if (imp.getBitDepth() != 8 || !(name.endsWith(".png") || name.endsWith(".gif") || name.endsWith(".bmp")))
			return imp;
		LUT lut = imp.getProcessor().getLut();
		byte[] r = new byte[256], g = new byte[256], b = new byte[256];
		lut.getReds(r);
		lut.getGreens(g);
		lut.getBlues(b);
		boolean ramp = true, grey = true;
		for (int i = 0; i < lut.getMapSize(); i++) {
			grey &= r[i] == g[i] && g[i] == b[i];
			ramp &= (r[i] & 0xff) == i;
		}
		if (grey && ramp && lut.getMapSize() == 256) return imp;
		if (!grey) {
			if (imp.getStackSize() == 1) new ImageConverter(imp).convertToRGB();
			else new StackConverter(imp).convertToRGB();
			return imp;
		}
		int[] table = new int[256];
		for (int i = 0; i < 256; i++)
			table[i] = i < lut.getMapSize() ? r[i] & 0xff : 0;
		ImageStack stack = imp.getStack();
		for (int s = 1; s <= stack.size(); s++) {
			ImageProcessor ip = stack.getProcessor(s);
			ip.applyTable(table);
			ip.setLut(LUT.createLutFromColor(java.awt.Color.white));
		}
		imp.getProcessor().setLut(LUT.createLutFromColor(java.awt.Color.white));
		return imp;
	}
}
