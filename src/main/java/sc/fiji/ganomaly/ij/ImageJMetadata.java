package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * ImageJ's own metadata in a TIFF directory (the byte counts of tag 50838, the bytes of tag 50839),
 * walked as ImageJ's {@code TiffDecoder} walks it and checked before ImageJ decodes any of it. A
 * plot is refused: ImageJ rebuilds it by Java deserialization, which lets the file choose code to
 * run. Entry numbers ImageJ would allocate for or look up beyond the counts are refused, and the
 * selections (the ROI and the overlay's) go through {@link RoiBytes}. Metadata ImageJ ignores (no
 * {@code IJIJ} header) is ignored.
 */
final class ImageJMetadata {

	static final int MAGIC = 0x494a494a; // "IJIJ"
	static final int INFO = 0x696e666f, LABELS = 0x6c61626c, RANGES = 0x72616e67, LUTS = 0x6c757473,
		PLOT = 0x706c6f74, ROI = 0x726f6920, OVERLAY = 0x6f766572, PROPERTIES = 0x70726f70;

	/** Types below this are ImageJ's "extra metadata", kept as bytes. */
	static final int EXTRA = 0xffffff;

	private final TiffWalk walk;
	private final int[] counts;
	private final String what;
	private long position;

	private ImageJMetadata(TiffWalk walk, int[] counts, long position, String what) {
		this.walk = walk;
		this.counts = counts;
		this.position = position;
		this.what = what;
	}

	/**
	 * Checks the metadata at byte {@code at} of {@code walk}'s TIFF, whose byte counts are
	 * {@code counts} (null if the TIFF has none so far: ImageJ then reads none).
	 */
	static void check(TiffWalk walk, int[] counts, long at, String where) throws IOException {
		if (counts == null || counts.length == 0 || counts[0] < 12 || counts[0] > 804) return;
		String what = where + "'s ImageJ metadata";
		if (walk.read(at, 4, what).getInt() != MAGIC) return;
		int types = (counts[0] - 4) / 8;
		ByteBuffer pairs = walk.read(at + 4, 8L * types, what);
		int[] type = new int[types], number = new int[types];
		int extra = 0; // in ImageJ's arithmetic: it allocates this many entries
		for (int i = 0; i < types; i++) {
			type[i] = pairs.getInt();
			number[i] = pairs.getInt();
			if (type[i] < EXTRA) extra += number[i];
		}
		if (extra < 0 || extra > counts.length) throw walk.bad(what + " declares " + extra + " entries of its own " +
			"kinds but has " + (counts.length - 1) + " byte counts");
		new ImageJMetadata(walk, counts, at + 4 + 8L * types, what).entries(type, number);
	}

	private void entries(int[] type, int[] number) throws IOException {
		int start = 1;
		for (int i = 0; i < type.length; i++) {
			int t = type[i], n = number[i];
			if (t == PLOT) throw walk.bad(what + " holds an ImageJ plot, which ImageJ rebuilds by Java deserialization, " +
				"so that a file can make it run code: it is not read; save the plot as an image without it (Image > " +
				"Duplicate, then File > Save As > Tiff)");
			switch (t) {
				case INFO, ROI -> {
					int length = count(start);
					if (t == ROI) RoiBytes.check(walk, read(length), what + "'s selection (ROI)");
					else skip(length);
				}
				case RANGES -> skip(count(start) / 8 * 8L);
				case LABELS, LUTS, OVERLAY, PROPERTIES -> {
					if (n < 0 || start + (long) n > counts.length) throw walk.bad(what + " declares " + n + " " + name(t) +
						" from byte count " + start + " of " + (counts.length - 1));
					if (t != LUTS && t != OVERLAY) count(start); // the first count is ImageJ's buffer
					for (int j = start; j < start + n; j++)
						if (t == OVERLAY) RoiBytes.check(walk, read(count(j)), what + "'s overlay selection " + (j - start + 1));
						else if (t != LABELS || counts[j] > 0) skip(count(j)); // ImageJ passes over labels of no bytes
				}
				default -> {
					if (t >= EXTRA) count(start); // ImageJ's buffer for a kind it does not know
					for (int j = start; j < start + n; j++)
						skip(count(j));
				}
			}
			start += n;
		}
	}

	private static String name(int type) {
		return switch (type) {
			case LABELS -> "slice labels";
			case LUTS -> "lookup tables";
			case OVERLAY -> "overlay selections";
			default -> "properties";
		};
	}

	/** Byte count {@code j}, which ImageJ looks up and allocates for. */
	private int count(int j) {
		if (j < 0 || j >= counts.length) throw walk.bad(what + " is damaged: ImageJ would look for byte count " + j +
			" of " + (counts.length - 1));
		if (counts[j] < 0) throw walk.bad(what + " is damaged: byte count " + j + " is negative (" + counts[j] + ")");
		return counts[j];
	}

	private byte[] read(int length) throws IOException {
		byte[] bytes = walk.read(position, length, what).array();
		position += length;
		return bytes;
	}

	private void skip(long length) throws IOException {
		if (position + length > walk.size) throw walk.truncated("ImageJ metadata", what + ", " + length + " bytes at byte " +
			position, position + length);
		position += length;
	}
}
