package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import sc.fiji.ganomaly.ij.TiffCheck.Directory;
import sc.fiji.ganomaly.ij.TiffCheck.Report;

/**
 * One walk of {@link TiffCheck} through a TIFF file: header, directory chain and strips, read with
 * positional reads whose total is bounded by the file's size.
 * <p>
 * Longer than 300 lines because the TIFF rules it checks (header, IFD entries, strips, codecs,
 * ImageJ's own stack form) are one state machine over one channel; split, each part would need the
 * walk's whole state.
 */
final class TiffWalk {

	/** Positional reads of a TIFF's bytes, as {@link FileChannel#read(ByteBuffer, long)}: -1 at the end. */
	interface Source {

		/** Reads bytes from {@code position} into {@code into}; the number read, or -1 at the end. */
		int read(ByteBuffer into, long position) throws IOException;
	}

	final Path file;
	final String option;
	final Source source;
	final long size;
	final int depth; // 0 for a file, 1 for a TIFF held in its ImageJ metadata (an image selection)
	long budget; // bytes still to read: every read counts, so work is bounded by the file's size
	ByteOrder order;
	boolean big;
	int[] metadataCounts; // ImageJ's metadata byte counts, kept from directory to directory as ImageJ keeps them
	boolean everyPlane = true; // inflate every plane's deflate strips now, else only the first's

	TiffWalk(Path file, String option, FileChannel channel) throws IOException {
		this(file, option, channel::read, channel.size(), 0);
	}

	TiffWalk(Path file, String option, Source source, long size, int depth) {
		this.file = file;
		this.option = option;
		this.source = source;
		this.size = size;
		this.depth = depth;
		this.budget = 4 * size + (1 << 20);
	}

	/** A walk of a TIFF held in this one's ImageJ metadata, reading {@code bytes}. */
	TiffWalk nested(byte[] bytes) {
		return new TiffWalk(file, option, (into, position) -> {
			if (position >= bytes.length) return -1;
			int n = (int) Math.min(into.remaining(), bytes.length - position);
			into.put(bytes, (int) position, n);
			return n;
		}, bytes.length, depth + 1);
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
			if (source.read(buffer, position + buffer.position()) < 0) throw bad(what + " is cut short");
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
		if (!TiffCheck.isTiff(new byte[] { b0, header.get(1), header.get(2), header.get(3) })) throw bad(
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
			if (index > TiffCheck.MAX_PLANES) throw bad("it chains more than " + TiffCheck.MAX_PLANES + " image directories");
			Parsed p = parse(next, index);
			if (p == null) break; // ImageJ ends the chain here
			directories.add(p.directory);
			if (p.images > 1) { // ImageJ ends the chain; a lone directory holds N contiguous planes
				if (index == 1) planes = p.images;
				break;
			}
			next = p.next;
		}
		if (directories.isEmpty()) throw bad("its first image directory is empty");
		// ImageJ would hand each page out as it is: a stack's planes must share one size
		Directory first = directories.get(0);
		for (int i = 1; i < directories.size(); i++) {
			Directory d = directories.get(i);
			if (d.width() != first.width() || d.height() != first.height()) throw bad("image directory " + (i + 1) +
				" is " + d.width() + "x" + d.height() + " pixels, directory 1 " + first.width() + "x" + first.height() +
				"; save the planes of other sizes as files of their own");
		}
		if (planes == 0) {
			planes = directories.size();
			checkHeldByTheFile(directories);
		}
		else checkContiguous(directories.get(0), planes);
		long compressed = 0; // ImageJ never reads the byte counts of uncompressed strips
		for (Directory d : directories)
			if (!d.raw()) compressed = plus(compressed, d.compressedBytes());
		if (compressed > size) throw bad("the strips of its " + directories.size() + " image directories add up to " +
			compressed + " bytes, more than the file's " + size + ": planes that share their bytes");
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
			if (index > 1 && tag > 10000 && tag < 32768) { // where ImageJ stops reading directories
				endedAt(list, where);
				return null;
			}
			list.add(new Entry(tag, type, count, value, inline));
		}
		long next = big ? entries.getLong() : entries.getInt() & 0xffffffffL;
		return directory(offset, index, list, next);
	}

	/**
	 * The entries of a directory where ImageJ ends the chain, before the tag that ends it: ImageJ has
	 * read them, allocating and looping for their values, though it makes no plane of them.
	 */
	void endedAt(List<Entry> read, String where) throws IOException {
		for (Entry e : read)
			switch (e.tag) {
				case 273 -> strips(e, where + "'s strip offsets");
				case 279 -> strips(e, where + "'s strip byte counts");
				case 50838 -> metadataCounts = metadataCounts(e, where);
				case 50839 -> ImageJMetadata.check(this, metadataCounts, location(e, where), where);
				default -> {}
			}
	}

	Parsed directory(long offset, int index, List<Entry> entries, long next) throws IOException {
		String where = "image directory " + index;
		long width = 0, height = 0;
		int bits = 1, samples = 1, compression = 1, images = 0, nih = 0, format = 1, planar = 1;
		long[] offsets = null, counts = null;
		for (Entry e : entries) {
			switch (e.tag) {
				case 256 -> width = scalar(e, where);
				case 257 -> height = scalar(e, where);
				case 258 -> bits = (int) Math.min(bits(e, where), Integer.MAX_VALUE);
				case 259 -> compression = (int) Math.min(scalar(e, where), Integer.MAX_VALUE);
				case 277 -> samples = (int) Math.min(scalar(e, where), Integer.MAX_VALUE);
				case 339 -> format = (int) Math.min(scalar(e, where), Integer.MAX_VALUE);
				case 284 -> planar = (int) Math.min(scalar(e, where), Integer.MAX_VALUE);
				case 273 -> offsets = strips(e, where + "'s strip offsets");
				case 279 -> counts = strips(e, where + "'s strip byte counts");
				case 322, 323, 324, 325 -> throw bad(where + " is tiled; ImageJ reads striped TIFFs only");
				case 270 -> {
					// ImageJ takes images= (above 1) only while the compression read so far is none
					String description = index == 1 ? text(e, where + "'s description") : null;
					int n = description == null ? 0 : imageJImages(description);
					if (n > 1 && (compression == 0 || compression == 1 || compression == 7 && width < 500)) images = n;
				}
				case 274 -> images = 0; // Orientation: ImageJ then reads every directory
				case 34122 -> images = (int) Math.min(scalar(e, where), Integer.MAX_VALUE); // IPLab
				case 43314 -> nih = nihImages(e, where);
				case 33628, 33629 -> {
					String name = file.getFileName().toString();
					if (name.contains(".stk") || name.contains(".STK")) images = e.tag == 33629 ? (int) Math.min(e.count,
						Integer.MAX_VALUE) : 9999;
				}
				case 50838 -> metadataCounts = metadataCounts(e, where);
				case 50839 -> {
					extent(e, where + "'s tag " + e.tag);
					ImageJMetadata.check(this, metadataCounts, location(e, where), where);
				}
				case 320 -> extent(e, where + "'s tag " + e.tag);
				// texts ImageJ allocates at their declared length (of the first directory) before reading them
				case 305, 306, 315, 316 -> {
					if (index == 1) extent(e, where + "'s tag " + e.tag);
				}
				default -> {}
			}
		}
		if (width < 1 || height < 1) throw bad(where + " declares an empty image of " + width + "x" + height +
			" pixels");
		if (bits < 1 || bits > 64) throw bad(where + " declares " + bits + " bits per sample");
		if (samples < 1 || samples > 16) throw bad(where + " declares " + samples + " samples per pixel");
		// sample formats ImageJ 1.x has no reader for (it says only "Unsupported format")
		if (format == 3 && bits == 64) throw bad(where + " holds 64-bit floating-point samples, which ImageJ 1.x " +
			"cannot read; save the image as 32-bit float");
		if (format == 3 && bits == 16) throw bad(where + " holds 16-bit floating-point samples, which ImageJ 1.x " +
			"cannot read; save the image as 32-bit float");
		if (format == 5 || format == 6) throw bad(where + " holds complex samples, which ImageJ cannot read; save " +
			"their magnitude or their parts as 32-bit float images");
		// the bit depths ImageJ 1.x reads (it says only "Unsupported format" of the others)
		if (bits != 1 && bits != 8 && bits != 10 && bits != 12 && bits != 16 && bits != 32)
			throw bad(where + " holds " + bits + "-bit samples, which ImageJ 1.x cannot read (it reads 1, 8, 10, 12, 16 " +
				"and 32 bits); save the image as 8-, 16- or 32-bit");
		// ImageJ refuses other counts ("Unsupported format") or, stored plane by plane, reads the first alone
		if (samples != 1 && !((samples == 3 || samples == 4) && (bits == 8 || bits == 16))) throw bad(where + " holds " +
			samples + " samples of " + bits + " bits a pixel, which ImageJ 1.x cannot read (it reads 1, or 3 or 4 of 8 " +
			"or 16 bits); save the samples as the channels of an ImageJ hyperstack");
		// ImageJ reads four 8-bit samples as interleaved whatever the layout: stored plane by plane, they come out scrambled
		if (samples == 4 && bits == 8 && planar == 2) throw bad(where + " holds 4 samples of 8 bits a pixel stored " +
			"plane by plane, which ImageJ 1.x reads as if they were interleaved; save them interleaved or as the channels " +
			"of an ImageJ hyperstack");
		if (nih > 1 && bits == 8 && samples == 1) images = Math.max(images, nih);
		if (offsets == null || offsets.length == 0) throw bad(where + " has no pixel data (no strip offsets)");
		Directory d = strips(offset, index, width, height, bits, samples, compression, offsets, counts);
		if (images > 1 && !d.raw()) throw bad(where + " declares " + images +
			" planes in one compressed directory, which ImageJ cannot read");
		return new Parsed(d, next, images);
	}

	Directory strips(long offset, int index, long width, long height, int bits, int samples, int compression,
		long[] offsets, long[] counts) throws IOException
	{
		String where = "image directory " + index;
		Directory shape = new Directory(offset, width, height, bits, samples, compression, offsets.length, 0, 0, 0, offsets,
			counts);
		boolean raw = shape.raw();
		if (!raw && TiffCheck.maxRatio(compression) == 1) throw bad(where + " uses compression " + compression +
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
		// ImageJ decodes every strip, however many point at the same bytes (ten thousand LZW strips of one stream: minutes)
		if (!raw && compressed > size) throw bad(where + "'s strips add up to " + compressed + " bytes, more than the " +
			"file's " + size + ": strips that share their bytes");
		if (!raw && stored > TiffCheck.times(compressed, TiffCheck.maxRatio(compression))) throw bad(where + " declares " + describe(
			shape) + " but holds only " + compressed + " compressed bytes, beyond " + TiffCheck.codec(compression) +
			"'s largest ratio of " + TiffCheck.maxRatio(compression) + ":1");
		String deflate = shape.deflate() && (index == 1 || everyPlane) ? DeflateStrips.problem(this, offsets, counts, stored,
			where) : null;
		if (deflate != null) throw bad(deflate);
		return new Directory(offset, width, height, bits, samples, compression, offsets.length, counts == null ? 0
			: compressed, offsets[0], end, offsets, counts);
	}

	void checkContiguous(Directory d, int planes) {
		if (planes > TiffCheck.MAX_PLANES) throw bad("it declares " + planes + " planes (images=), more than " + TiffCheck.MAX_PLANES);
		if (d.storedBytes() > Integer.MAX_VALUE) throw bad("its planes (images=" + planes + ") of " + d.storedBytes() +
			" bytes each are too large for ImageJ's single-directory stacks");
		long end = plus(d.dataStart(), TiffCheck.times(d.storedBytes(), planes));
		if (end > size) throw truncated("pixel data", "images=" + planes + " planes of " + describe(d), end);
	}

	IllegalArgumentException truncated(String part, String what, long end) {
		return new IllegalArgumentException(option + ": " + file + " is truncated or damaged: its " + part + " (" +
			what + ") ends at byte " + end + " but the file has " + size + " bytes");
	}

	/**
	 * The planes' pixels must be in the file, each plane's own: directories (or strips) that point at
	 * the same bytes would let a small file declare planes without end. A compressed plane may take as
	 * little as its codec's largest ratio allows.
	 */
	void checkHeldByTheFile(List<Directory> directories) {
		double least = 0, declared = 0;
		for (Directory d : directories) {
			declared += d.storedBytes();
			least += (double) d.storedBytes() / (d.raw() ? 1 : TiffCheck.maxRatio(d.compression()));
		}
		if (least > size) throw bad((directories.size() == 1 ? "its image directory declares " : "its " +
			directories.size() + " image directories declare ") + (long) declared + " bytes of pixels, more than its " +
			size + " bytes can hold" + (least < declared ? " even at the codec's largest ratio" : "") +
			": planes or strips that share their bytes");
	}

	void checkAllocation(Directory d, int plane) {
		String which = plane == 0 ? "its plane" : "its plane " + plane;
		if (d.pixels() > TiffCheck.MAX_PLANE_PIXELS) throw new IllegalArgumentException(option + ": " + file + ": " + which +
			" of " + d.width() + "x" + d.height() + " = " + d.pixels() + " pixels (" + d.pixelBytes() +
			" bytes) is larger than ImageJ can hold (at most " + TiffCheck.MAX_PLANE_PIXELS + " pixels a plane)");
		long heap = Runtime.getRuntime().maxMemory();
		if (d.pixelBytes() > heap) throw new ImageTooLarge(option + ": " + file + ": " + which + " of " +
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
		long bytes = TiffCheck.times(e.count, typeSize(e.type));
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

	/**
	 * A single-valued field as ImageJ reads it: in a classic TIFF, a SHORT of count 1 as that short,
	 * any other type or count as the value field's four bytes taken for a signed int (so a width
	 * stored as two SHORTs or as a BYTE is the number ImageJ allocates for, not its first value); in a
	 * BigTIFF, the first value.
	 */
	long scalar(Entry e, String where) throws IOException {
		if (big) return first(e, where);
		ByteBuffer b = e.inline.duplicate().order(order);
		return e.type == 3 && e.count == 1 ? b.getShort() & 0xffff : b.getInt();
	}

	/** Bits per sample: a count of 1 as ImageJ reads it (the {@linkplain #scalar scalar}), else the first value. */
	long bits(Entry e, String where) throws IOException {
		return big || e.count != 1 ? first(e, where) : scalar(e, where);
	}

	/**
	 * Strip offsets or byte counts: a single one as ImageJ reads it (the {@linkplain #scalar scalar},
	 * unsigned, as ImageJ takes offsets), several as the TIFF stores them (libtiff writes two SHORT
	 * byte counts inside the entry, which ImageJ never reads for raw 8-bit planes).
	 */
	long[] strips(Entry e, String what) throws IOException {
		if (big || e.count != 1) return values(e, what);
		return new long[] { scalar(e, what) & 0xffffffffL };
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
		if (e.count > TiffCheck.MAX_STRIPS) throw bad(what + " number " + e.count + ", more than " + TiffCheck.MAX_STRIPS);
		long at = extent(e, what);
		int n = (int) e.count, width = typeSize(e.type);
		ByteBuffer b = at < 0 ? e.inline.duplicate().order(order) : read(at, (long) n * width, what);
		long[] out = new long[n];
		for (int i = 0; i < n; i++)
			out[i] = value(b, e.type);
		return out;
	}

	/** Longest description read: ImageJ reads all of it, and only its {@code images=} matters here. */
	static final int MAX_DESCRIPTION = 1 << 24;

	/**
	 * An ImageJ description as ImageJ reads it, whole (without the closing zero byte); null if it is
	 * too short or not ImageJ's (OME-XML and others: their {@code images=} means nothing to ImageJ).
	 */
	String text(Entry e, String what) throws IOException {
		long at = extent(e, what);
		if (at < 0 || e.count - 1 < 6) return null;
		if (!"ImageJ".equals(new String(read(at, 6, what).array(), StandardCharsets.ISO_8859_1))) return null;
		if (e.count - 1 > MAX_DESCRIPTION) throw bad(what + " is " + (e.count - 1) + " bytes long, more than the " +
			MAX_DESCRIPTION + " read");
		return new String(read(at, e.count - 1, what).array(), StandardCharsets.ISO_8859_1);
	}

	/**
	 * ImageJ's metadata byte counts as ImageJ reads them: {@code count} signed 32-bit numbers at the
	 * entry's value taken as an offset, whatever the entry's type; together within the file.
	 */
	int[] metadataCounts(Entry e, String where) throws IOException {
		String what = where + "'s ImageJ metadata counts";
		if (e.count > TiffCheck.MAX_STRIPS) throw bad(what + " number " + e.count + ", more than " + TiffCheck.MAX_STRIPS);
		ByteBuffer b = read(location(e, where), 4 * e.count, what);
		int[] counts = new int[(int) e.count];
		long total = 0;
		for (int i = 0; i < counts.length; i++) {
			counts[i] = b.getInt();
			total = plus(total, Math.max(0, counts[i])); // a negative one is refused where ImageJ uses it
		}
		if (total > size) throw truncated("ImageJ metadata", where + ": " + total + " bytes", total);
		return counts;
	}

	/** Where ImageJ reads an entry's values when it seeks to them: its value field as an offset. */
	long location(Entry e, String where) throws IOException {
		return big ? e.value : scalar(e, where) & 0xffffffffL;
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
