package sc.fiji.ganomaly.ij;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Small TIFFs built byte by byte for tests: classic or BigTIFF, either byte order, one strip per
 * plane, each plane's data followed by its image directory, and the positions of the fields that
 * tests rewrite (next-directory pointers, the first strip's offset and byte count).
 */
public final class TestTiffs {

	/** A built file and where its fields are. */
	public record Built(byte[] bytes, List<Integer> directories, List<Integer> nextPointers, List<Integer> widthValues,
		List<Integer> stripOffsetValues, List<Integer> stripCountValues, boolean big, ByteOrder order)
	{

		/** Swaps the entries of tags {@code a} and {@code b} in the first directory of a classic TIFF. */
		public Built swapEntries(int a, int b) {
			ByteBuffer buffer = ByteBuffer.wrap(bytes).order(order);
			int at = directories.get(0), n = buffer.getShort(at) & 0xffff, ia = -1, ib = -1;
			for (int i = 0; i < n; i++) {
				int tag = buffer.getShort(at + 2 + 12 * i) & 0xffff;
				if (tag == a) ia = at + 2 + 12 * i;
				if (tag == b) ib = at + 2 + 12 * i;
			}
			byte[] entry = java.util.Arrays.copyOfRange(bytes, ia, ia + 12);
			System.arraycopy(bytes, ib, bytes, ia, 12);
			System.arraycopy(entry, 0, bytes, ib, 12);
			return this;
		}

		/** Stores the first directory's width as two SHORTs, {@code first} and {@code second} (classic TIFF). */
		public Built widthAsTwoShorts(int first, int second) {
			ByteBuffer buffer = ByteBuffer.wrap(bytes).order(order);
			int value = widthValues.get(0);
			buffer.putShort(value - 6, (short) 3).putInt(value - 4, 2).putShort(value, (short) first).putShort(value + 2,
				(short) second);
			return this;
		}

		/** Rewrites an offset field (4 bytes, or 8 in a BigTIFF) at {@code position}. */
		public Built pointTo(int position, long value) {
			ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
			if (big) b.putLong(position, value);
			else b.putInt(position, (int) value);
			return this;
		}
	}

	/** What to build. */
	public static final class Spec {

		int width = 8, height = 6, bits = 8, planes = 1, compression = 1, samplesPerPixel = 1;
		boolean big, signed, planar;
		int format; // SampleFormat written when not 0 (32-bit samples are floats, 3, unless said)
		ByteOrder order = ByteOrder.LITTLE_ENDIAN;
		String description;
		boolean onlyFirstDirectory; // ImageJ's single-directory stack: planes contiguous, one directory

		public Spec size(int w, int h) {
			width = w;
			height = h;
			return this;
		}

		public Spec bits(int b) {
			bits = b;
			return this;
		}

		public Spec planes(int n) {
			planes = n;
			return this;
		}

		/** 16-bit signed pixels (SampleFormat 2): {@link #pixel} × 100 − 12000, some of them negative. */
		public Spec signed16() {
			bits = 16;
			signed = true;
			return this;
		}

		/** {@code bits}-bit samples of TIFF SampleFormat {@code format} (3: float, 6: complex float). */
		public Spec samples(int bits, int format) {
			this.bits = bits;
			this.format = format;
			return this;
		}

		/** SamplesPerPixel {@code n} in the header (the pixel data stays that of one sample a pixel). */
		public Spec samplesPerPixel(int n) {
			samplesPerPixel = n;
			return this;
		}

		/** Samples stored plane by plane (PlanarConfiguration 2) instead of interleaved. */
		public Spec planar() {
			planar = true;
			return this;
		}

		public Spec deflate() {
			compression = 8;
			return this;
		}

		/** A compression code other than deflate (8): the strips stay uncompressed whatever it says. */
		public Spec compression(int code) {
			compression = code;
			return this;
		}

		public Spec big() {
			big = true;
			return this;
		}

		public Spec bigEndian() {
			order = ByteOrder.BIG_ENDIAN;
			return this;
		}

		/** ImageJ's form for stacks over 4 GB: one directory, {@code images=N}, planes contiguous. */
		public Spec imageJSingleDirectory() {
			onlyFirstDirectory = true;
			description = "ImageJ=1.54p\nimages=" + planes + "\nslices=" + planes + "\nloop=false\n";
			return this;
		}

		/** The first directory's description (after {@link #imageJSingleDirectory}: in place of its own). */
		public Spec description(String text) {
			description = text;
			return this;
		}

		public Built build() {
			return TestTiffs.build(this);
		}
	}

	private TestTiffs() {}

	public static Spec spec() {
		return new Spec();
	}

	/** Pixel value of plane p at (x, y): distinct per plane, so tests can tell planes apart. */
	public static int pixel(int p, int x, int y) {
		return (p * 37 + x * 3 + y * 11) & 0xff;
	}

	static byte[] planeBytes(Spec s, int p) {
		int bytesPerPixel = s.bits / 8;
		ByteBuffer b = ByteBuffer.allocate(s.width * s.height * bytesPerPixel).order(s.order);
		for (int y = 0; y < s.height; y++)
			for (int x = 0; x < s.width; x++) {
				int v = pixel(p, x, y);
				if (bytesPerPixel == 1) b.put((byte) v);
				else if (bytesPerPixel == 2) b.putShort((short) (v * 100 - (s.signed ? 12000 : 0)));
				else if (bytesPerPixel == 4) b.putFloat(v / 2f);
				else b.putDouble(v / 2.0);
			}
		byte[] raw = b.array();
		if (s.compression != 8) return raw;
		Deflater deflater = new Deflater();
		deflater.setInput(raw);
		deflater.finish();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] chunk = new byte[4096];
		while (!deflater.finished())
			out.write(chunk, 0, deflater.deflate(chunk));
		return out.toByteArray();
	}

	static Built build(Spec s) {
		ByteBuffer b = ByteBuffer.allocate(1 << 20).order(s.order);
		b.put((byte) (s.order == ByteOrder.LITTLE_ENDIAN ? 'I' : 'M')).put(b.get(0));
		List<Integer> directories = new ArrayList<>(), next = new ArrayList<>(), widths = new ArrayList<>(),
			offsets = new ArrayList<>(), counts = new ArrayList<>();
		int previousNext;
		if (s.big) {
			b.putShort((short) 43).putShort((short) 8).putShort((short) 0);
			previousNext = b.position();
			b.putLong(0);
		}
		else {
			b.putShort((short) 42);
			previousNext = b.position();
			b.putInt(0);
		}
		int descriptionAt = 0;
		byte[] description = s.description == null ? null : (s.description + "\0").getBytes(StandardCharsets.US_ASCII);
		if (description != null) {
			descriptionAt = b.position();
			b.put(description);
		}
		int directoryCount = s.onlyFirstDirectory ? 1 : s.planes;
		int[] dataAt = new int[s.planes], dataLength = new int[s.planes];
		for (int p = 0; p < s.planes; p++) {
			byte[] data = planeBytes(s, p);
			if (b.position() % 2 == 1) b.put((byte) 0);
			dataAt[p] = b.position();
			dataLength[p] = data.length;
			b.put(data);
			if (p < directoryCount && !s.onlyFirstDirectory) {
				directories.add(writeDirectory(b, s, p == 0 ? description : null, descriptionAt, dataAt[p], dataLength[p],
					previousNext, next, widths, offsets, counts));
				previousNext = next.get(next.size() - 1);
			}
		}
		if (s.onlyFirstDirectory) directories.add(writeDirectory(b, s, description, descriptionAt, dataAt[0],
			dataLength[0], previousNext, next, widths, offsets, counts));
		byte[] bytes = new byte[b.position()];
		System.arraycopy(b.array(), 0, bytes, 0, bytes.length);
		return new Built(bytes, directories, next, widths, offsets, counts, s.big, s.order);
	}

	private static int writeDirectory(ByteBuffer b, Spec s, byte[] description, int descriptionAt, int dataAt,
		int dataLength, int previousNext, List<Integer> next, List<Integer> widths, List<Integer> offsets,
		List<Integer> counts)
	{
		if (b.position() % 2 == 1) b.put((byte) 0);
		int at = b.position();
		if (s.big) b.putLong(previousNext, at);
		else b.putInt(previousNext, at);
		List<long[]> entries = new ArrayList<>(); // tag, type, count, value
		entries.add(new long[] { 256, 4, 1, s.width });
		entries.add(new long[] { 257, 4, 1, s.height });
		entries.add(new long[] { 258, 3, 1, s.bits });
		entries.add(new long[] { 259, 3, 1, s.compression });
		entries.add(new long[] { 262, 3, 1, 1 });
		if (description != null) entries.add(new long[] { 270, 2, description.length, descriptionAt });
		entries.add(new long[] { 273, s.big ? 16 : 4, 1, dataAt });
		entries.add(new long[] { 277, 3, 1, s.samplesPerPixel });
		entries.add(new long[] { 278, 4, 1, s.height });
		entries.add(new long[] { 279, s.big ? 16 : 4, 1, dataLength });
		if (s.planar) entries.add(new long[] { 284, 3, 1, 2 });
		int format = s.format != 0 ? s.format : s.signed ? 2 : s.bits == 32 ? 3 : 0;
		if (format != 0) entries.add(new long[] { 339, 3, 1, format });
		if (s.big) b.putLong(entries.size());
		else b.putShort((short) entries.size());
		for (long[] e : entries) {
			b.putShort((short) e[0]).putShort((short) e[1]);
			if (s.big) b.putLong(e[2]);
			else b.putInt((int) e[2]);
			int valueAt = b.position();
			if (e[0] == 256) widths.add(valueAt);
			if (e[0] == 273) offsets.add(valueAt);
			if (e[0] == 279) counts.add(valueAt);
			if (e[1] == 3 && e[2] == 1) {
				b.putShort((short) e[3]).putShort((short) 0);
				if (s.big) b.putInt(0);
			}
			else if (s.big && e[1] == 4) b.putInt((int) e[3]).putInt(0);
			else if (s.big) b.putLong(e[3]);
			else b.putInt((int) e[3]);
		}
		next.add(b.position());
		if (s.big) b.putLong(0);
		else b.putInt(0);
		return at;
	}
}
