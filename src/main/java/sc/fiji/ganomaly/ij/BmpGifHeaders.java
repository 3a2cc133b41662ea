package sc.fiji.ganomaly.ij;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * BMP and GIF headers as ImageJ's own readers take them ({@code BMP_Reader}, {@code GIF_Reader}),
 * where {@code javax.imageio}, which {@link ImageHeaders} asks first, reads them otherwise: ImageJ
 * reads every BMP header as the 40-byte kind and allocates the palette and rows it declares, and
 * it allocates and clears every GIF frame at the size its own descriptor declares. Problems are
 * one-line {@link IllegalArgumentException}s naming the option and the file.
 */
final class BmpGifHeaders {

	private BmpGifHeaders() {}

	/** Checks a BMP as ImageJ reads it: its header's kind and, uncompressed, its palette and rows within the file. */
	static void checkBmp(Path file, String option, long size) {
		ByteBuffer h;
		try (InputStream in = Files.newInputStream(file)) {
			h = ByteBuffer.wrap(in.readNBytes(54)).order(ByteOrder.LITTLE_ENDIAN);
		}
		catch (IOException e) {
			throw ImageHeaders.unreadable(file, option, e);
		}
		if (h.capacity() >= 18 && h.getInt(14) < 40) throw bad(file, option, "its BMP header is of the old " + h.getInt(14) +
			"-byte kind, which ImageJ reads as the 40-byte one; save the image again as a Windows BMP");
		if (h.capacity() < 54) throw bad(file, option, "its BMP headers are cut short (" + h.capacity() + " of 54 bytes)");
		int offset = h.getInt(10), width = h.getInt(18), height = Math.abs(h.getInt(22)),
			bits = h.getShort(28), compression = h.getInt(30), colours = bits == 24 ? 0 : h.getInt(46);
		if (compression != 0) return; // ImageJ hands a compressed BMP to javax.imageio, whose header was checked
		if (bits != 1 && bits != 4 && bits != 8 && bits != 24 && bits != 32) throw bad(file, option, "its BMP header " +
			"declares " + bits + " bits a pixel; ImageJ reads 1, 4, 8, 24 and 32");
		long palette = colours != 0 ? colours & 0xffffffffL : bits < 16 ? 1L << bits : 0;
		if (54 + 4 * palette > size) throw bad(file, option, "its BMP palette of " + palette + " colours ends beyond " +
			"its " + size + " bytes");
		if (width < 1 || height < 1) throw bad(file, option, "its BMP header declares " + width + "x" + h.getInt(22) +
			" pixels");
		long rows = ((width * (long) bits + 31) / 32) * 4 * height, end = (offset & 0xffffffffL) + rows;
		if (TiffCheck.times(width, height) > TiffCheck.MAX_PLANE_PIXELS || rows > Integer.MAX_VALUE || end > size)
			throw new IllegalArgumentException(option + ": " + file + " is truncated or damaged: its BMP rows (" + width +
				"x" + height + " pixels of " + bits + " bits, " + rows + " bytes) end at byte " + end + " but the file has " +
				size + " bytes");
	}

	/**
	 * Checks the GIF frames' own sizes, which ImageJ allocates and clears frame by frame (clipping
	 * each to the image it opens): together at most what the file's {@code size} bytes can code,
	 * 4096 pixels a byte.
	 */
	static void checkGifFrames(Path file, String option, long size) {
		try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
			in.skipNBytes(10);
			int packed = in.read();
			in.skipNBytes(2);
			if (packed >= 0 && (packed & 0x80) != 0) in.skipNBytes(3L << ((packed & 7) + 1)); // global colour table
			long pixels = 0, most = TiffCheck.times(size, 4096);
			for (int frame = 1;; ) {
				int block = in.read();
				if (block == 0x2C) {
					byte[] d = in.readNBytes(9);
					if (d.length < 9) return;
					int w = (d[4] & 0xff) | (d[5] & 0xff) << 8, hh = (d[6] & 0xff) | (d[7] & 0xff) << 8;
					pixels += (long) w * hh;
					if (pixels > most) throw bad(file, option, "its GIF frames declare " + pixels + " pixels up to frame " +
						frame + " (" + w + "x" + hh + "), more than its " + size + " bytes can code (GIF's compression gives " +
						"at most 4096 pixels a byte)");
					if ((d[8] & 0x80) != 0) in.skipNBytes(3L << ((d[8] & 7) + 1)); // local colour table
					in.read(); // LZW code size
					skipSubBlocks(in);
					frame++;
				}
				else if (block == 0x21) {
					in.read(); // label
					skipSubBlocks(in);
				}
				else return; // the trailer, the end of the file, or what ImageJ stops at too
			}
		}
		catch (java.io.EOFException e) {
			// a GIF cut short: ImageJ reads the frames it has
		}
		catch (IOException e) {
			throw ImageHeaders.unreadable(file, option, e);
		}
	}

	private static void skipSubBlocks(InputStream in) throws IOException {
		for (int n; (n = in.read()) > 0;)
			in.skipNBytes(n);
	}

	private static IllegalArgumentException bad(Path file, String option, String why) {
		return ImageHeaders.notAnImage(file, option, why);
	}
}
