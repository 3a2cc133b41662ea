package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The deflate-compressed strips of one TIFF directory, inflated as ImageJ inflates them, before
 * ImageJ does: each strip's zlib stream must end within the strip's bytes (ImageJ inflates until
 * the stream ends, so a truncated strip, or one that asks for a preset dictionary, makes it loop
 * forever) and may not inflate to more than its plane's bytes (ImageJ keeps all of it, up to about
 * a thousand times the strip's size). Read in pieces: memory stays small whatever the strip's size.
 */
final class DeflateStrips {

	private static final int PIECE = 1 << 20;

	private DeflateStrips() {}

	/**
	 * What is wrong with strips {@code offsets}/{@code counts} of {@code walk}'s TIFF (within the
	 * file), whose plane has {@code planeBytes} bytes uncompressed, named after {@code where} (the
	 * directory); null if nothing is. Each front of the check says it in its own words.
	 */
	static String problem(TiffWalk walk, long[] offsets, long[] counts, long planeBytes, String where) throws IOException {
		byte[] out = new byte[1 << 16];
		Inflater inflater = new Inflater();
		try {
			for (int i = 0; i < offsets.length; i++) {
				inflater.reset();
				String strip = where + "'s strip " + (i + 1) + " of " + offsets.length;
				long inflated = 0, at = offsets[i], end = offsets[i] + counts[i];
				while (!inflater.finished()) {
					if (inflater.needsInput()) {
						if (at >= end) return strip + " ends before its deflate stream does (truncated or damaged)";
						int piece = (int) Math.min(PIECE, end - at);
						inflater.setInput(walk.read(at, piece, strip).array());
						at += piece;
					}
					if (inflater.needsDictionary()) return strip + " asks for a preset dictionary, which TIFF deflate " +
						"data has none of";
					inflated += inflater.inflate(out);
					if (inflated > planeBytes) return strip + " inflates to more than its plane's " + planeBytes + " bytes";
				}
			}
			return null;
		}
		catch (DataFormatException e) {
			return where + " holds damaged deflate data (" + e.getMessage() + ")";
		}
		finally {
			inflater.end();
		}
	}
}
