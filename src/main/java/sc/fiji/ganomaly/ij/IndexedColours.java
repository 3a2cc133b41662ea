package sc.fiji.ganomaly.ij;

import ij.ImagePlus;
import ij.process.LUT;

/**
 * 8-bit images whose pixels are indices into a palette of greys in no order (a PNG or GIF whose
 * greys were stored by frequency, as palette optimisers write them): read as the greys they show,
 * since two such files that look the same may hold different indices. A look-up table that only
 * displays the values, as ImageJ's are (a grey ramp, its inverse, a colour ramp such as Green or
 * Fire), leaves them as they are, in a TIFF as in a PNG; so does a palette of colours.
 */
final class IndexedColours {

	private IndexedColours() {}

	/**
	 * The grey each pixel value shows, when {@code imp} is a one-channel 8-bit image whose look-up
	 * table is of greys (red, green and blue alike) neither increasing nor decreasing; else null.
	 */
	static int[] greys(ImagePlus imp) {
		if (imp.getBitDepth() != 8 || imp.getNChannels() != 1) return null;
		LUT lut = imp.getProcessor().getLut();
		int size = lut.getMapSize();
		if (size < 2) return null;
		byte[] r = new byte[size], g = new byte[size], b = new byte[size];
		lut.getReds(r);
		lut.getGreens(g);
		lut.getBlues(b);
		boolean rising = true, falling = true;
		for (int i = 0; i < size; i++) {
			if (r[i] != g[i] || g[i] != b[i]) return null;
			if (i > 0) {
				rising &= (r[i] & 0xff) >= (r[i - 1] & 0xff);
				falling &= (r[i] & 0xff) <= (r[i - 1] & 0xff);
			}
		}
		if (rising || falling) return null;
		int[] table = new int[256];
		for (int i = 0; i < size; i++)
			table[i] = r[i] & 0xff;
		return table;
	}
}
