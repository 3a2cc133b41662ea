package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Structure check of a TIFF file before ImageJ reads it: the header (classic TIFF or BigTIFF,
 * either byte order), the chain of image directories (no loops, at most {@link #MAX_PLANES}),
 * and per directory the declared size against the bytes the file really holds, so that no header
 * makes ImageJ loop, allocate what it cannot fill, or read past the end of the file. It follows
 * ImageJ's reading: the chain ends where ImageJ's ends, and a single-directory ImageJ stack
 * ({@code images=N} in its description) is N contiguous planes. Work is bounded by the file's size.
 */
public final class TiffCheck {

	/** Most planes (image directories, or {@code images=N}) a file may declare. */
	public static final int MAX_PLANES = 200_000;

	/** Most strips one directory may have. */
	static final int MAX_STRIPS = 1 << 22;

	/** Most pixels of one ImageJ plane: one Java array. */
	public static final long MAX_PLANE_PIXELS = Integer.MAX_VALUE - 8;

	/** Largest expansion of each compression ImageJ reads (output bytes per compressed byte). */
	static long maxRatio(int compression) {
		return switch (compression) {
			case 5 -> 4096; // LZW: a 12-bit code stands for at most 4096 bytes; real streams stay below ~1400
			case 8, 32946 -> 1032; // deflate
			case 32773 -> 64; // PackBits: 2 bytes for a run of 128
			default -> 1;
		};
	}

	static String codec(int compression) {
		return switch (compression) {
			case 5 -> "LZW";
			case 8, 32946 -> "deflate";
			case 32773 -> "PackBits";
			default -> "compression " + compression;
		};
	}

	/**
	 * One image directory as ImageJ will read it.
	 *
	 * @param offset byte where the directory starts
	 * @param width pixels per row
	 * @param height rows
	 * @param bitsPerSample bits of one sample
	 * @param samplesPerPixel samples (channels) per pixel
	 * @param compression TIFF compression code (1: none)
	 * @param strips number of strips
	 * @param compressedBytes sum of the strips' byte counts (0 when the file gives none)
	 * @param dataStart first byte of the pixel data (the first strip)
	 * @param dataEnd first byte after the pixel data as ImageJ reads it
	 */
	public record Directory(long offset, long width, long height, int bitsPerSample, int samplesPerPixel,
		int compression, int strips, long compressedBytes, long dataStart, long dataEnd)
	{

		/** Pixels of one plane (saturating at {@link Long#MAX_VALUE}). */
		public long pixels() {
			return times(width, height);
		}

		/** Bytes of one plane stored uncompressed (rows padded to whole bytes). */
		public long storedBytes() {
			long rowBits = times(times(width, samplesPerPixel), bitsPerSample);
			return times(rowBits == Long.MAX_VALUE ? rowBits : (rowBits + 7) / 8, height);
		}

		/** Bytes ImageJ allocates for one plane: 1, 2 or 4 bytes a pixel, 4 for 8-bit RGB, 6 for 16-bit RGB. */
		public long pixelBytes() {
			int perSample = bitsPerSample <= 8 ? 1 : bitsPerSample <= 16 ? 2 : 4;
			int perPixel = samplesPerPixel >= 3 ? (perSample == 1 ? 4 : 3 * perSample) : perSample;
			return times(pixels(), perPixel);
		}

		boolean raw() {
			return compression == 1 || compression == 7 && width < 500; // ImageJ reads small "JPEG" strips raw
		}
	}

	/**
	 * What the check found.
	 *
	 * @param file the file
	 * @param size its size in bytes
	 * @param bigTiff whether it is a BigTIFF
	 * @param littleEndian its byte order
	 * @param directories the image directories ImageJ reads, in chain order
	 * @param planes planes ImageJ makes of them: one per directory, or {@code images=N} of one directory
	 */
	public record Report(Path file, long size, boolean bigTiff, boolean littleEndian, List<Directory> directories,
		int planes)
	{

		/** Bytes ImageJ allocates for all planes' pixels (saturating). */
		public long totalPixelBytes() {
			if (directories.size() == 1) return times(directories.get(0).pixelBytes(), planes);
			long total = 0;
			for (Directory d : directories)
				total = Math.min(Long.MAX_VALUE - 1, total + d.pixelBytes());
			return total;
		}
	}

	private TiffCheck() {}

	/** Whether the first bytes of a file are a TIFF or BigTIFF header, in either byte order. */
	public static boolean isTiff(byte[] head) {
		if (head.length < 4) return false;
		if (head[0] == 'I' && head[1] == 'I') return head[3] == 0 && (head[2] == 42 || head[2] == 43);
		if (head[0] == 'M' && head[1] == 'M') return head[2] == 0 && (head[3] == 42 || head[3] == 43);
		return false;
	}

	/**
	 * Checks the structure of a TIFF file; an {@link IllegalArgumentException} naming {@code option}
	 * and the file says in one line what is wrong. Planes whose pixels no Java array or heap of this
	 * JVM can hold are refused too.
	 */
	public static Report check(Path file, String option) {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			return new Walk(file, option, channel).run();
		}
		catch (IOException e) {
			throw new IllegalArgumentException(option + ": cannot read " + file + " (" + e.getMessage() + ")");
		}
	}

	static long times(long a, long b) {
		long high = Math.multiplyHigh(a, b), low = a * b;
		return high != 0 || low < 0 ? Long.MAX_VALUE : low;
	}

	/** One walk through a file. */
	private static final class Walk {

		final Path file;
		final String option;
		final FileChannel channel;
		final long size;
		long budget; // bytes still to read: every read counts, so work is bounded by the file's size
		ByteOrder order;
		boolean big;

		Walk(Path file, String option, FileChannel channel) throws IOException {
			this.file = file;
			this.option = option;
			this.channel = channel;
			this.size = channel.size();
			this.budget = 4 * size + (1 << 20);
		}

		IllegalArgumentException bad(String what) {
			return new IllegalArgumentException(option + ": " + file + " is not a readable TIFF: " + what);
		}

		ByteBuffer read(long position, long length, String what) throws IOException {
			if (position < 0 || length < 0 || position > size || length > size - position) throw truncated(what,
				"bytes " + position + " to " + plus(position, length), plus(position, length));
			if (length > Integer.MAX_VALUE - 8) throw bad(what + " is " + length + " bytes long");
			budget -= length;
			if (budget < 0) throw bad("its directories overlap or repeat (more than four times its size read)");
			ByteBuffer buffer = ByteBuffer.allocate((int) length).order(order);
			while (buffer.hasRemaining())
				if (channel.read(buffer, position + buffer.position()) < 0) throw bad(what + " is cut short");
			return buffer.flip();
		}

		Report run() throws IOException {
			if (size < 8) throw bad("it has " + size + " bytes, fewer than a TIFF header's 8");
			order = ByteOrder.LITTLE_ENDIAN;
			ByteBuffer header = read(0, Math.min(size, 16), "the header");
			byte b0 = header.get(0);
			order = b0 == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
			header.order(order);
			int magic = header.getShort(2) & 0xffff;
			if (!isTiff(new byte[] { b0, header.get(1), header.get(2), header.get(3) })) throw bad(
				"its header is not a TIFF header");
			big = magic == 43;
			long next;
			if (big) {
				if (size < 16 || header.getShort(4) != 8 || header.getShort(6) != 0) throw bad(
					"its BigTIFF header is damaged");
				next = header.getLong(8);
			}
			else next = header.getInt(4) & 0xffffffffL;
			if (next == 0) throw bad("it holds no image directory");
			List<Directory> directories = new ArrayList<>();
			Set<Long> seen = new HashSet<>();
			int planes = 0;
			while (next != 0) {
				int index = directories.size() + 1;
				if (!seen.add(next)) throw bad("its image directories form a loop (directory " + index +
					" would be the one at byte " + next + " again)");
				if (index > MAX_PLANES) throw bad("it chains more than " + MAX_PLANES + " image directories");
				Parsed p = parse(next, index);
				if (p == null) break; // ImageJ ends the chain here
				directories.add(p.directory);
				if (p.images > 1) {
					planes = p.images;
					break; // ImageJ reads one directory and N contiguous planes
				}
				next = p.next;
			}
			if (directories.isEmpty()) throw bad("its first image directory is empty");
			if (planes == 0) planes = directories.size();
			else checkContiguous(directories.get(0), planes);
			for (int i = 0; i < directories.size(); i++)
				checkAllocation(directories.get(i), directories.size() == 1 ? 0 : i + 1);
			return new Report(file, size, big, order == ByteOrder.LITTLE_ENDIAN, List.copyOf(directories), planes);
		}

		record Parsed(Directory directory, long next, int images) {}

		/** One directory entry: its tag, type, count and value field (raw). */
		record Entry(int tag, int type, long count, long value, ByteBuffer inline) {}

		Parsed parse(long offset, int index) throws IOException {
			String where = "image directory " + index;
			ByteBuffer countField = read(offset, big ? 8 : 2, where);
			long n = big ? countField.getLong() : countField.getShort() & 0xffff;
			if (n < 1 || n > 1000) {
				if (index == 1) throw bad(where + " has " + n + " entries (ImageJ reads 1 to 1000)");
				return null;
			}
			int entrySize = big ? 20 : 12;
			ByteBuffer entries = read(offset + countField.capacity(), n * entrySize + (big ? 8 : 4), where);
			List<Entry> list = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				int tag = entries.getShort() & 0xffff, type = entries.getShort() & 0xffff;
				long count = big ? entries.getLong() : entries.getInt() & 0xffffffffL;
				ByteBuffer inline = entries.slice(entries.position(), big ? 8 : 4).order(order);
				long value = big ? entries.getLong() : entries.getInt() & 0xffffffffL;
				if (index > 1 && tag > 10000 && tag < 32768) return null; // where ImageJ stops reading directories
				list.add(new Entry(tag, type, count, value, inline));
			}
			long next = big ? entries.getLong() : entries.getInt() & 0xffffffffL;
			return directory(offset, index, list, next);
		}

		Parsed directory(long offset, int index, List<Entry> entries, long next) throws IOException {
			String where = "image directory " + index;
			long width = 0, height = 0;
			int bits = 1, samples = 1, compression = 1, images = 0, nih = 0;
			long[] offsets = null, counts = null;
			String description = null;
			for (Entry e : entries) {
				switch (e.tag) {
					case 256 -> width = first(e, where);
					case 257 -> height = first(e, where);
					case 258 -> bits = (int) Math.min(first(e, where), Integer.MAX_VALUE);
					case 259 -> compression = (int) Math.min(first(e, where), Integer.MAX_VALUE);
					case 277 -> samples = (int) Math.min(first(e, where), Integer.MAX_VALUE);
					case 273 -> offsets = values(e, where + "'s strip offsets");
					case 279 -> counts = values(e, where + "'s strip byte counts");
					case 322, 323, 324, 325 -> throw bad(where + " is tiled; ImageJ reads striped TIFFs only");
					case 270 -> {
						if (index == 1) description = text(e, where + "'s description");
					}
					case 34122 -> images = (int) Math.min(first(e, where), Integer.MAX_VALUE); // IPLab
					case 43314 -> nih = nihImages(e, where);
					case 33628, 33629 -> {
						String name = file.getFileName().toString();
						if (name.contains(".stk") || name.contains(".STK")) images = e.tag == 33629 ? (int) Math.min(e.count,
							Integer.MAX_VALUE) : 9999;
					}
					case 50838 -> metadataCounts(e, where);
					case 320, 50839 -> extent(e, where + "'s tag " + e.tag);
					default -> {}
				}
			}
			if (width < 1 || height < 1) throw bad(where + " declares an empty image of " + width + "x" + height +
				" pixels");
			if (bits < 1 || bits > 64) throw bad(where + " declares " + bits + " bits per sample");
			if (samples < 1 || samples > 16) throw bad(where + " declares " + samples + " samples per pixel");
			if (description != null && compression == 1) images = Math.max(images, imageJImages(description));
			if (nih > 1 && bits == 8 && samples == 1) images = Math.max(images, nih);
			if (offsets == null || offsets.length == 0) throw bad(where + " has no pixel data (no strip offsets)");
			Directory d = strips(offset, index, width, height, bits, samples, compression, offsets, counts);
			if (images > 1 && !d.raw()) throw bad(where + " declares " + images +
				" planes in one compressed directory, which ImageJ cannot read");
			return new Parsed(d, next, images);
		}

		Directory strips(long offset, int index, long width, long height, int bits, int samples, int compression,
			long[] offsets, long[] counts)
		{
			String where = "image directory " + index;
			Directory shape = new Directory(offset, width, height, bits, samples, compression, offsets.length, 0, 0, 0);
			boolean raw = shape.raw();
			if (!raw && maxRatio(compression) == 1) throw bad(where + " uses compression " + compression +
				", which ImageJ cannot read");
			if (counts != null && counts.length != offsets.length) throw bad(where + " has " + offsets.length +
				" strip offsets but " + counts.length + " strip byte counts");
			if (counts == null && !raw) throw bad(where + " is compressed but has no strip byte counts");
			long end = 0, compressed = 0;
			for (int i = 0; i < offsets.length; i++) {
				long length = counts == null ? 0 : counts[i];
				end = Math.max(end, plus(offsets[i], length));
				compressed = plus(compressed, length);
			}
			long stored = shape.storedBytes();
			if (raw) end = Math.max(end, plus(offsets[0], stored)); // ImageJ reads raw planes contiguously
			if (end > size) throw truncated("pixel data", where + ": " + describe(shape), end);
			if (!raw && stored > times(compressed, maxRatio(compression))) throw bad(where + " declares " + describe(
				shape) + " but holds only " + compressed + " compressed bytes, beyond " + codec(compression) +
				"'s largest ratio of " + maxRatio(compression) + ":1");
			return new Directory(offset, width, height, bits, samples, compression, offsets.length, counts == null ? 0
				: compressed, offsets[0], end);
		}

		void checkContiguous(Directory d, int planes) {
			if (planes > MAX_PLANES) throw bad("it declares " + planes + " planes (images=), more than " + MAX_PLANES);
			long end = plus(d.dataStart(), times(d.storedBytes(), planes));
			if (end > size) throw truncated("pixel data", "images=" + planes + " planes of " + describe(d), end);
		}

		IllegalArgumentException truncated(String part, String what, long end) {
			return new IllegalArgumentException(option + ": " + file + " is truncated or damaged: its " + part + " (" +
				what + ") ends at byte " + end + " but the file has " + size + " bytes");
		}

		void checkAllocation(Directory d, int plane) {
			String which = plane == 0 ? "its plane" : "its plane " + plane;
			if (d.pixels() > MAX_PLANE_PIXELS) throw new IllegalArgumentException(option + ": " + file + ": " + which +
				" of " + d.width() + "x" + d.height() + " = " + d.pixels() + " pixels (" + d.pixelBytes() +
				" bytes) is larger than ImageJ can hold (at most " + MAX_PLANE_PIXELS + " pixels a plane)");
			long heap = Runtime.getRuntime().maxMemory();
			if (d.pixelBytes() > heap) throw new IllegalArgumentException(option + ": " + file + ": " + which + " of " +
				d.width() + "x" + d.height() + " pixels needs " + d.pixelBytes() +
				" bytes, more than this Java's whole heap of " + heap + " bytes; give Java more memory (-Xmx) to read it");
		}

		static String describe(Directory d) {
			return d.width() + "x" + d.height() + " pixels of " + (d.samplesPerPixel() == 1 ? "" : d.samplesPerPixel() +
				"x") + d.bitsPerSample() + " bits, " + d.storedBytes() + " bytes";
		}

		static long plus(long a, long b) {
			long s = a + b;
			return s < 0 ? Long.MAX_VALUE : s;
		}

		int typeSize(int type) {
			return switch (type) {
				case 3, 8 -> 2;
				case 4, 9, 11, 13 -> 4;
				case 5, 10, 12, 16, 17, 18 -> 8;
				default -> 1;
			};
		}

		/** Where an entry's values lie: inline (null) or in the file, checked to lie within it. */
		long extent(Entry e, String what) {
			long bytes = times(e.count, typeSize(e.type));
			if (bytes <= (big ? 8 : 4)) return -1;
			if (e.value > size || bytes > size - e.value) throw truncated(what, bytes + " bytes at byte " + e.value,
				plus(e.value, bytes));
			return e.value;
		}

		long first(Entry e, String where) throws IOException {
			if (e.count < 1) return 0;
			long at = extent(e, where + "'s tag " + e.tag);
			ByteBuffer b = at < 0 ? e.inline.duplicate().order(order) : read(at, typeSize(e.type), where);
			return value(b, e.type);
		}

		long value(ByteBuffer b, int type) {
			return switch (typeSize(type)) {
				case 2 -> b.getShort() & 0xffff;
				case 4 -> b.getInt() & 0xffffffffL;
				case 8 -> type == 16 || type == 18 ? b.getLong() : b.getInt() & 0xffffffffL; // rationals: numerator
				default -> b.get() & 0xff;
			};
		}

		long[] values(Entry e, String what) throws IOException {
			if (e.count > MAX_STRIPS) throw bad(what + " number " + e.count + ", more than " + MAX_STRIPS);
			long at = extent(e, what);
			int n = (int) e.count, width = typeSize(e.type);
			ByteBuffer b = at < 0 ? e.inline.duplicate().order(order) : read(at, (long) n * width, what);
			long[] out = new long[n];
			for (int i = 0; i < n; i++)
				out[i] = value(b, e.type);
			return out;
		}

		String text(Entry e, String what) throws IOException {
			long at = extent(e, what);
			if (at < 0) return null; // too short to say "ImageJ"
			return new String(read(at, Math.min(e.count, 4096), what).array(), StandardCharsets.ISO_8859_1);
		}

		/** ImageJ's metadata counts: each a number of bytes of metadata, together within the file. */
		void metadataCounts(Entry e, String where) throws IOException {
			long[] counts = values(e, where + "'s ImageJ metadata counts");
			long total = 0;
			for (long c : counts)
				total = plus(total, c);
			if (total > size) throw truncated("ImageJ metadata", where + ": " + total + " bytes", total);
		}

		int nihImages(Entry e, String where) throws IOException {
			if (e.count != 256) return 0;
			long at = extent(e, where + "'s NIH Image header");
			ByteBuffer b = read(at + 260, 2, where + "'s NIH Image header");
			return b.order(ByteOrder.BIG_ENDIAN).getShort();
		}

		/** The {@code images=N} of an ImageJ description, as ImageJ reads it (0 if none). */
		static int imageJImages(String description) {
			if (!description.startsWith("ImageJ") || description.length() < 8 || description.charAt(7) == '\n') return 0;
			int start = description.indexOf("images=");
			if (start <= 0) return 0;
			int end = description.indexOf('\n', start);
			if (end <= 0) return 0;
			try {
				return (int) Double.parseDouble(description.substring(start + 7, end));
			}
			catch (NumberFormatException e) {
				return 0;
			}
		}
	}
}
