package sc.fiji.ganomaly.ij;

import java.io.IOException;

/**
 * One ImageJ selection (ROI) as a TIFF's metadata stores it, checked as ImageJ's
 * {@code RoiDecoder} will decode it: every array it allocates from a number in the selection's
 * header (points, a composite shape, a name, a text, properties, point counters, an image) must be
 * filled from the selection's own bytes, a spline fitted to it must be of a sensible number of
 * points, and an image selection's image is itself a TIFF, checked as a file is (one level deep).
 * What {@code RoiDecoder} passes over, or fails on before allocating, is left to it.
 */
final class RoiBytes {

	/** Most points of a spline ImageJ fits to a selection (it takes one for every two pixels of its length). */
	static final int MAX_SPLINE_POINTS = 1 << 22;

	// RoiDecoder's types, subtypes, options and header fields
	private static final int POLYGON = 0, RECT = 1, OVAL = 2, LINE = 3, FREELINE = 4, POLYLINE = 5, FREEHAND = 7,
		TRACED = 8, ANGLE = 9, POINT = 10;
	private static final int TEXT = 1, ELLIPSE = 3, IMAGE = 4, ROTATED_RECT = 5;
	private static final int SPLINE_FIT = 1, SUB_PIXEL_RESOLUTION = 128;
	private static final int HEADER = 64;

	private final TiffWalk walk;
	private final byte[] b;
	private final String what;

	private RoiBytes(TiffWalk walk, byte[] bytes, String what) {
		this.walk = walk;
		this.b = bytes;
		this.what = what;
	}

	/** Checks the selection {@code bytes} of {@code walk}'s TIFF, named {@code what} in a refusal. */
	static void check(TiffWalk walk, byte[] bytes, String what) throws IOException {
		// ImageJ takes no selection from fewer bytes or another signature, allocating nothing for it
		if (bytes.length < HEADER || bytes[0] != 'I' || bytes[1] != 'o') return;
		new RoiBytes(walk, bytes, what).check();
	}

	private void check() throws IOException {
		int version = shortAt(4), type = b[6] & 255, subtype = shortAt(48), options = shortAt(50);
		int n = (b[16] & 255) << 8 | b[17] & 255;
		if (n == 0) n = intAt(18);
		int shape = intAt(36);
		if (shape > 0) { // a composite selection: that many floats, then its name and properties
			fits("a composite shape of " + shape + " numbers", HEADER + 4L * shape);
			named(version);
			return;
		}
		boolean polygonal = type == POLYGON || type == FREEHAND || type == TRACED || type == POLYLINE ||
			type == FREELINE || type == ANGLE || type == POINT;
		boolean subPixel = (options & SUB_PIXEL_RESOLUTION) != 0 && version >= 222;
		if (polygonal && n > 0) fits(n + " points", HEADER + (subPixel ? 12L : 4L) * n);
		else if (type != RECT && type != OVAL && type != LINE) return; // no selection: ImageJ stops here
		named(version);
		if (version >= 218 && (options & SPLINE_FIT) != 0 && polygonal) spline(type, subtype, n, subPixel);
		if (version >= 218 && subtype == TEXT && b.length >= HEADER + 16) { // with fewer, ImageJ fails before allocating
			int name = intAt(HEADER + 8), text = intAt(HEADER + 12);
			if (name < 0 || text < 0) throw walk.bad(what + " is damaged: a text of " + text + " characters in a font " +
				"named by " + name);
			fits("a text of " + text + " characters in a font named by " + name, HEADER + 16 + 2L * name + 2L * text);
		}
		if (version >= 221 && subtype == IMAGE) image(intAt(60));
		if (version >= 227) counters(intAt(60), n);
	}

	/** The name and, from version 224, the properties: read where ImageJ's own test of their extent passes. */
	private void named(int version) {
		int header2 = intAt(60);
		if (header2 == 0) return;
		extent("name", header2 + 16, 2);
		if (version >= 224) extent("properties", header2 + 40, 2);
	}

	/** A field of offset and length (in units of {@code unit} bytes) that ImageJ reads if {@code offset + length * unit <= size}. */
	private void extent(String field, int at, int unit) {
		if (at < 0 || at + 8L > b.length) return; // ImageJ fails reading it, before allocating
		int offset = intAt(at), length = intAt(at + 4);
		if (offset == 0 || length == 0 || offset + length * unit > b.length) return; // ImageJ's own test, in its arithmetic
		if (offset < 0 || length < 0 || offset + (long) length * unit > b.length) throw walk.bad(what + " is damaged: " +
			"its " + field + " of " + length + " characters at byte " + offset + " lies beyond its " + b.length + " bytes");
	}

	private void counters(int header2, int n) {
		if (header2 == 0 || header2 < 0 || header2 + 52L > b.length) return;
		int offset = intAt(header2 + 48);
		if (offset == 0 || offset + n * 4 > b.length) return; // ImageJ's own test
		if (offset < 0 || n < 0 || offset + 4L * n > b.length) throw walk.bad(what + " is damaged: its " + n +
			" point counters at byte " + offset + " lie beyond its " + b.length + " bytes");
	}

	private void image(int header2) throws IOException {
		int size = header2 > 0 && header2 + 36L <= b.length ? intAt(header2 + 32) : 0;
		if (size <= 0) return;
		fits("an image of " + size + " bytes", HEADER + (long) size);
		if (walk.depth > 0) throw walk.bad(what + " is an image selection inside an image selection, which is not read");
		byte[] image = java.util.Arrays.copyOfRange(b, HEADER, HEADER + size);
		TiffCheck.Report report;
		try {
			report = walk.nested(image).run();
		}
		catch (IllegalArgumentException e) {
			throw walk.bad(what + " is an image selection whose image is not a readable TIFF");
		}
		if (report.bigTiff()) throw walk.bad(what + " is an image selection whose image is a BigTIFF, which ImageJ " +
			"1.x cannot read");
	}

	/** The spline ImageJ fits to a polygon: one point for every two pixels of its length. */
	private void spline(int type, int subtype, int n, boolean subPixel) {
		double length;
		if (type == FREEHAND && (subtype == ELLIPSE || subtype == ROTATED_RECT)) {
			double d = Math.hypot(floatAt(26) - floatAt(18), floatAt(30) - floatAt(22)), p = Math.abs(floatAt(52));
			length = 2 * Math.PI * (d + p * (d + 1)); // bounds an ellipse's perimeter and a rotated rectangle's
		}
		else {
			length = 0;
			double x0 = 0, y0 = 0, px = 0, py = 0;
			int left = shortAt(10), top = shortAt(8);
			for (int i = 0; i < n; i++) {
				double x = subPixel ? floatAt(HEADER + 4 * n + 4 * i) : left + Math.max(0, shortAt(HEADER + 2 * i));
				double y = subPixel ? floatAt(HEADER + 8 * n + 4 * i) : top + Math.max(0, shortAt(HEADER + 2 * n + 2 * i));
				if (i == 0) {
					x0 = x;
					y0 = y;
				}
				else length += Math.hypot(x - px, y - py);
				px = x;
				py = y;
			}
			length += Math.hypot(x0 - px, y0 - py); // closed, as a polygon's perimeter is: a bound for a line's length
		}
		if (!(length / 2 <= MAX_SPLINE_POINTS)) throw walk.bad(what + " asks for a spline fitted along " + length +
			" pixels, " + (Double.isFinite(length) ? (long) (length / 2) + " points" : "without end") + "; ImageJ " +
			"would allocate them (at most " + MAX_SPLINE_POINTS + " are read)");
	}

	private void fits(String content, long end) {
		if (end > b.length) throw walk.bad(what + " declares " + content + " (" + end + " bytes) but has " + b.length +
			" bytes");
	}

	/** RoiDecoder's 16-bit number: signed, but read unsigned below -5000. */
	private int shortAt(int at) {
		int u = (b[at] & 255) << 8 | b[at + 1] & 255, s = (short) u;
		return s < -5000 ? u : s;
	}

	private int intAt(int at) {
		return (b[at] & 255) << 24 | (b[at + 1] & 255) << 16 | (b[at + 2] & 255) << 8 | b[at + 3] & 255;
	}

	private float floatAt(int at) {
		return Float.intBitsToFloat(intAt(at));
	}
}
