package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Checks an image file's header before ImageJ reads it: a TIFF (by its first bytes, whatever its
 * name) through {@link TiffCheck}, a PNG, JPEG, GIF or BMP through the header that
 * {@code javax.imageio} reads without decoding (a JPEG's segments are then walked to its end, and
 * it is decoded sparsely for the decoder's warnings). The declared size must fit what this JVM can
 * allocate. Problems are one-line {@link IllegalArgumentException}s naming the option and the file.
 */
final class ImageHeaders {

	private static final Set<String> FORMATS = Set.of("png", "jpeg", "gif", "bmp");
	private ImageHeaders() {}

	/**
	 * Checks {@code file}; {@code whole}: all its planes will be read at once (else one at a time),
	 * so all of them must fit in the heap (as the one plane of a TIFF of one plane must), and every
	 * TIFF plane's compressed data is checked now (else the first's, the others' as they are read:
	 * {@link TiffCheck#planeProblem}). Returns a
	 * TIFF's report (its directories and the planes ImageJ makes of them), nothing for a file of
	 * another format.
	 */
	static Optional<TiffCheck.Report> check(Path file, String option, boolean whole) {
		long size;
		byte[] head;
		regular(file, option);
		try (InputStream in = Files.newInputStream(file)) {
			size = Files.size(file);
			head = in.readNBytes(132);
		}
		catch (IOException | RuntimeException e) {
			throw unreadable(file, option, e);
		}
		if (size == 0) throw new IllegalArgumentException(option + ": " + file + " is empty (0 bytes), not an image");
		boolean dicom = head.length >= 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
		// ImageJ reads a file of a TIFF's byte order mark and a DICOM header (GE Senographe's) with its DICOM reader
		if (dicom && (head[0] == 'I' && head[1] == 'I' || head[0] == 'M' && head[1] == 'M')) throw notAnImage(file, option,
			"it is a combined TIFF and DICOM file, which ImageJ reads as DICOM");
		if (TiffCheck.isTiff(head)) {
			TiffCheck.Report report = TiffCheck.check(file, option, whole);
			if (report.bigTiff()) throw new IllegalArgumentException(option + ": " + file +
				" is a BigTIFF, which ImageJ 1.x cannot read; save it as a standard TIFF");
			if (whole || report.planes() == 1) fitsInHeap(file, option, report.totalPixelBytes(), report.planes() == 1
				? "plane" : report.planes() + " planes");
			return Optional.of(report);
		}
		if (dicom) throw notAnImage(file, option, "it is a DICOM file");
		header(file, option);
		return Optional.empty();
	}

	/**
	 * The pixels of a JPEG (by its first bytes, whatever its name) once {@link #check} has passed it
	 * (or refused it), without ImageJ's decoding: ImageJ opens a JPEG as one 8-bit or RGB plane of the
	 * header's size. Empty for a file of another format.
	 */
	static OptionalLong jpegPixels(Path file, String option) {
		byte[] head;
		try (InputStream in = Files.newInputStream(file)) {
			head = in.readNBytes(3);
		}
		catch (IOException | RuntimeException e) {
			return OptionalLong.empty(); // check refuses it as it refuses every file it cannot read
		}
		if (head.length < 3 || (head[0] & 0xFF) != 0xFF || (head[1] & 0xFF) != 0xD8 || (head[2] & 0xFF) != 0xFF)
			return OptionalLong.empty();
		check(file, option, true);
		try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
			ImageReader reader = ImageIO.getImageReaders(in).next();
			try {
				reader.setInput(in, true, true);
				return OptionalLong.of(TiffCheck.times(reader.getWidth(0), reader.getHeight(0)));
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException e) {
			return OptionalLong.empty();
		}
	}

	/**
	 * For a file another reader opens ({@link OtherFormats}): refuses it if empty or
	 * unreadable, and checks it as {@link #check} does if its content is a TIFF, PNG, JPEG, GIF or
	 * BMP whatever its name.
	 */
	static void checkOther(Path file, String option, boolean whole) {
		byte[] head;
		regular(file, option);
		try (InputStream in = Files.newInputStream(file)) {
			if (Files.size(file) == 0) throw new IllegalArgumentException(option + ": " + file +
				" is empty (0 bytes), not an image");
			head = in.readNBytes(8);
		}
		catch (IOException | RuntimeException e) {
			if (e instanceof IllegalArgumentException iae) throw iae;
			throw unreadable(file, option, e);
		}
		if (TiffCheck.isTiff(head) || knownMagic(head)) check(file, option, whole);
	}

	/** A Java exception as ImageJ prints it: its class's whole name, then its message if it has one. */
	private static final java.util.regex.Pattern THROWN = java.util.regex.Pattern.compile(
		"(?:[a-z_$][\\w$]*\\.)+([A-Z][\\w$]*Exception)(?:: (.+))?");

	/**
	 * Why ImageJ could not read a file whose header passed the checks, from the first line it printed
	 * (or the exception it threw): an exception's message without its class (its simple name if it has
	 * no message), or, where it said nothing, that its reader failed.
	 */
	static String decodingFailure(String firstLine) {
		java.util.regex.Matcher thrown = THROWN.matcher(firstLine.strip());
		if (thrown.matches()) return "decoding it fails (" + (thrown.group(2) != null ? thrown.group(2) : thrown.group(
			1)) + "): it is damaged, or of a kind ImageJ does not read";
		return firstLine.isBlank() ? "ImageJ's reader fails on it: it is damaged, or of a kind ImageJ does not read" :
			firstLine;
	}

	/**
	 * Refuses a file whose name is not text in this system's encoding of file names (a name made on
	 * another system, such as Latin-1 bytes from an old share): ImageJ opens a file by its path's text,
	 * which would name no file.
	 */
	static void checkName(Path file, String option) {
		String text = file.toString();
		boolean opens;
		try { // a name decoded with replacement characters names no file; other names are as they were given
			opens = text.indexOf('\uFFFD') < 0 || Files.exists(java.nio.file.Paths.get(text), java.nio.file.LinkOption
				.NOFOLLOW_LINKS);
		}
		catch (java.nio.file.InvalidPathException e) { // a name the system's encoding cannot write
			opens = false;
		}
		if (!opens) throw new IllegalArgumentException(option + ": " + file + ": its name " +
			"is not text in this system's encoding of file names (" + System.getProperty("sun.jnu.encoding", java.nio.charset
				.Charset.defaultCharset().name()) + "; a name made on another system?), so it cannot be opened by name; " +
			"rename it (or, where names are UTF-8, run with the locale LC_ALL=C.UTF-8)");
	}

	/**
	 * Refuses a pipe, device or socket before it is opened (reading one may block, or never end), and a
	 * file whose name ImageJ could not open it by ({@link #checkName}).
	 */
	private static void regular(Path file, String option) {
		checkName(file, option);
		if (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file)) throw ImageFiles.notAFile(file,
			option);
	}

	/** PNG, JPEG, GIF or BMP by their first bytes. */
	private static boolean knownMagic(byte[] h) {
		return h.length >= 4 && ((h[0] == (byte) 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G') ||
			(h[0] == (byte) 0xFF && h[1] == (byte) 0xD8) || (h[0] == 'G' && h[1] == 'I' && h[2] == 'F' && h[3] == '8') ||
			(h[0] == 'B' && h[1] == 'M'));
	}

	/**
	 * The refusal of a file that cannot be opened, saying why: a link to nothing, a file gone, no
	 * permission, or the system's reason.
	 */
	static IllegalArgumentException unreadable(Path file, String option, Exception e) {
		String why = "cannot read " + file + " (" + e.getMessage() + ")";
		if (e instanceof java.nio.file.NoSuchFileException) {
			try {
				why = Files.isSymbolicLink(file) ? file + " is a link to " + Files.readSymbolicLink(file) + ", which does " +
					"not exist" : file + " does not exist";
			}
			catch (IOException | RuntimeException again) {
				why = file + " does not exist";
			}
		}
		else if (e instanceof java.nio.file.AccessDeniedException) why = "cannot read " + file + ": permission denied";
		return new IllegalArgumentException(option + ": " + why);
	}

	static IllegalArgumentException notAnImage(Path file, String option, String why) {
		return new IllegalArgumentException(option + ": cannot read " + file +
			" as an image (TIFF, PNG, JPEG, GIF or BMP)" + (why.isEmpty() ? "" : ": " + why));
	}

	/** PNG, JPEG, GIF or BMP: the size its header declares. */
	private static void header(Path file, String option) {
		long width, height, frames;
		String format;
		try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
			if (in == null) throw notAnImage(file, option, "");
			ImageReader reader = null;
			for (Iterator<ImageReader> readers = ImageIO.getImageReaders(in); readers.hasNext() && reader == null;) {
				ImageReader r = readers.next();
				if (FORMATS.contains(r.getFormatName().toLowerCase(Locale.ROOT))) reader = r;
			}
			if (reader == null) throw notAnImage(file, option, "");
			try {
				reader.setInput(in, false, true);
				format = reader.getFormatName().toUpperCase(Locale.ROOT);
				width = reader.getWidth(0);
				height = reader.getHeight(0);
				frames = format.equals("GIF") ? reader.getNumImages(true) : 1;
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException e) {
			if (e instanceof IllegalArgumentException iae && iae.getMessage() != null && iae.getMessage().startsWith(
				option + ":")) throw iae;
			throw notAnImage(file, option, "its header is damaged (" + (e.getMessage() == null ? e.toString() : e
				.getMessage()) + ")");
		}
		if (width < 1 || height < 1 || frames < 1) throw notAnImage(file, option, "its " + format + " header declares " +
			width + "x" + height + " pixels" + (frames == 1 ? "" : " in " + frames + " frames"));
		if (format.startsWith("J")) JpegCheck.segments(file, option);
		if (format.equals("GIF")) { // ImageJ opens the logical screen, which may be larger than the frames
			Screen screen = gifScreen(file);
			width = Math.max(width, screen.width());
			height = Math.max(height, screen.height());
		}
		long pixels = TiffCheck.times(width, height), bytes = size(file);
		if (format.equals("BMP")) BmpGifHeaders.checkBmp(file, option, bytes);
		if (format.equals("GIF")) BmpGifHeaders.checkGifFrames(file, option, bytes);
		if (pixels > TiffCheck.MAX_PLANE_PIXELS) throw new IllegalArgumentException(option + ": " + file + ": its " +
			format + " header declares " + width + "x" + height + " = " + pixels +
			" pixels, more than ImageJ can hold (at most " + TiffCheck.MAX_PLANE_PIXELS + " pixels a plane)");
		// PNG: deflate's 1032:1 of 1-bit pixels; BMP: its run-length codes, 255 pixels in 2 bytes. A GIF's later
		// frames may code only what changes (each opened at the screen's size: the heap's bound below)
		int perByte = format.equals("GIF") ? 4096 : format.startsWith("J") ? 1024 : format.equals("PNG") ? 8 * 1032 : 128;
		if (pixels / perByte > bytes) throw new IllegalArgumentException(option + ": " + file + ": its " + format +
			" header declares " + width + "x" + height + " pixels, but the file holds only " + bytes + " bytes (" + format +
			"'s compression gives at most " + perByte + " pixels a byte): it is damaged or crafted");
		// decoding holds the decoded image and ImageJ's copy: up to 8 bytes a pixel
		fitsInHeap(file, option, TiffCheck.times(TiffCheck.times(pixels, 8), frames), width + "x" + height + " pixels" +
			(frames == 1 ? "" : " in " + frames + " frames"));
		if (format.startsWith("J")) JpegCheck.decodes(file, option);
	}

	/** A GIF's logical screen, in pixels. */
	private record Screen(int width, int height) {}

	/** A GIF's logical screen (bytes 6 to 9, little-endian); 0 × 0 if the file is shorter. */
	private static Screen gifScreen(Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			byte[] h = in.readNBytes(10);
			return h.length < 10 ? new Screen(0, 0) : new Screen((h[6] & 0xff) | (h[7] & 0xff) << 8, (h[8] & 0xff) |
				(h[9] & 0xff) << 8);
		}
		catch (IOException e) {
			return new Screen(0, 0);
		}
	}

	/** The file's size in bytes; Long.MAX_VALUE if it cannot be read. */
	static long size(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException e) {
			return Long.MAX_VALUE;
		}
	}

	private static void fitsInHeap(Path file, String option, long bytes, String what) {
		long heap = Runtime.getRuntime().maxMemory();
		if (bytes > heap) throw new ImageTooLarge(option + ": " + file + ": reading its " + what + " takes " + bytes +
			" bytes, more than this Java's whole heap of " + heap + " bytes; give Java more memory (-Xmx) to read it");
	}
}
