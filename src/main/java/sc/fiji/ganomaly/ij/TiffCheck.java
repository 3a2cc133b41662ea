package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Structure check of a TIFF file before ImageJ reads it: the header (classic TIFF or BigTIFF,
 * either byte order), the chain of image directories (no loops, at most {@link #MAX_PLANES}),
 * and per directory the declared size against the bytes the file really holds, so that no header
 * makes ImageJ loop, allocate what it cannot fill, or read past the end of the file. It follows
 * ImageJ's reading: the chain ends where ImageJ's ends, and a single-directory ImageJ stack
 * ({@code images=N} in its description) is N contiguous planes. Work is bounded by the file's size.
 */
final class TiffCheck {

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
	 * @param stripOffsets where each strip starts (for a plane's own check when it is read)
	 * @param stripCounts each strip's bytes (null when the file gives none)
	 */
	public record Directory(long offset, long width, long height, int bitsPerSample, int samplesPerPixel,
		int compression, int strips, long compressedBytes, long dataStart, long dataEnd, long[] stripOffsets,
		long[] stripCounts)
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

		/** Whether ImageJ reads the strips as they are: compression none (1, or 0 as some writers put it), or small "JPEG" ones. */
		boolean raw() {
			return compression == 1 || compression == 0 || compression == 7 && width < 500;
		}

		boolean deflate() {
			return compression == 8 || compression == 32946;
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
	 * JVM can hold are refused too. The compressed data of every plane is checked, of the first
	 * alone if not {@code everyPlane}: the others are then checked by {@link #planeProblem} when read.
	 */
	public static Report check(Path file, String option, boolean everyPlane) {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			TiffWalk walk = new TiffWalk(file, option, channel);
			walk.everyPlane = everyPlane;
			return walk.run();
		}
		catch (IOException e) {
			throw ImageHeaders.unreadable(file, option, e);
		}
	}

	/** {@link #check(Path, String, boolean)} of every plane. */
	public static Report check(Path file, String option) {
		return check(file, option, true);
	}

	/**
	 * What is wrong with the compressed data of plane {@code plane} (from 1) of a file whose
	 * {@code report} was made without it, checked before ImageJ reads the plane (ImageJ loops forever
	 * on a deflate strip cut short); null if nothing is.
	 */
	static String planeProblem(Report report, String option, int plane) {
		if (report.directories().size() < plane) return null; // a single-directory stack: uncompressed
		Directory d = report.directories().get(plane - 1);
		if (!d.deflate()) return null;
		try (FileChannel channel = FileChannel.open(report.file(), StandardOpenOption.READ)) {
			return DeflateStrips.problem(new TiffWalk(report.file(), option, channel), d.stripOffsets(), d.stripCounts(),
				d.storedBytes(), "image directory " + plane);
		}
		catch (IOException e) {
			throw ImageHeaders.unreadable(report.file(), option, e);
		}
	}

	static long times(long a, long b) {
		long high = Math.multiplyHigh(a, b), low = a * b;
		return high != 0 || low < 0 ? Long.MAX_VALUE : low;
	}
}
