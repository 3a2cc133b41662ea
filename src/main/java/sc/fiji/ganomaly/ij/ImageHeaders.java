package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
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
	/**
	 * Scans a JPEG may hold: each is a pass over all its pixels, so that a file of thousands decodes
	 * for minutes (libjpeg-turbo's "Two Issues with the JPEG Standard", LJT-01-003).
	 */
	static final int MAX_JPEG_SCANS = 100;
	/** What a damaged JPEG's refusal advises. */
	private static final String REPLACE = "replace it with an undamaged copy (or, to take the pixels a decoder makes " +
		"of it, save it again as TIFF)";

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

	/** Refuses a pipe, device or socket before it is opened: reading one may block, or never end. */
	private static void regular(Path file, String option) {
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
		if (format.startsWith("J")) {
			Jpeg jpeg = jpeg(file);
			// Java's decoder prints a stack trace for these, and ImageJ then says "Error loading image"
			if (jpeg.components() == 4) throw new IllegalArgumentException(option + ": " + file + " is a CMYK JPEG " +
				"(4 colour components), which cannot be read; save it as RGB or greyscale");
			if (jpeg.strayMarker() >= 0) throw new IllegalArgumentException(option + ": " + file + " is damaged: its " +
				"JPEG data holds the marker FF " + String.format(Locale.ROOT, "%02X", jpeg.strayMarker()) + " among its " +
				"scans, which Java's JPEG decoder cannot read there; " + REPLACE);
			// each scan is a pass over every pixel, and a scan of blank refinements takes a few bytes
			if (jpeg.scans() > MAX_JPEG_SCANS) throw new IllegalArgumentException(option + ": " + file + " is damaged " +
				"or crafted: its JPEG data holds " + jpeg.scans() + " scans, each a pass over all its pixels; encoders " +
				"write at most a few dozen (a progressive JPEG about 10), and at most " + MAX_JPEG_SCANS + " are read; " +
				REPLACE);
			// a decoder fills what a cut JPEG lacks with grey (and libjpeg says so on the process's own stderr)
			if (!jpeg.ended()) throw new IllegalArgumentException(option + ": " + file +
				" is truncated or damaged: its JPEG data ends before the end-of-image marker");
		}
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
		if (format.startsWith("J")) jpegDecodes(file, option);
	}

	/**
	 * Decodes a JPEG whose segments {@link #jpeg} found whole, its raw samples only (no colour
	 * conversion, which ImageJ's decoder does not do either) and of those every 8th of every 8th row,
	 * and refuses it if the decoder fails or its warning says that it made pixels up
	 * ({@link #madeUp}; a decoder reading it for ImageJ would print that warning on the process's
	 * stderr and fill the gaps with grey).
	 */
	private static void jpegDecodes(Path file, String option) {
		List<String> warnings = new ArrayList<>();
		try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
			ImageReader reader = null;
			for (Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg"); readers.hasNext();) {
				ImageReader r = readers.next();
				// the JDK's own reader, whose libjpeg ImageJ's decoder shares, rather than a plugin's
				if (reader == null || r.getClass().getName().startsWith("com.sun.imageio.") && !reader.getClass().getName()
					.startsWith("com.sun.imageio.")) {
					if (reader != null) reader.dispose();
					reader = r;
				}
				else r.dispose();
			}
			if (in == null || reader == null) return;
			try {
				reader.setInput(in, true, true);
				reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
				ImageReadParam sparse = reader.getDefaultReadParam();
				sparse.setSourceSubsampling(8, 8, 0, 0);
				if (reader.canReadRaster()) reader.readRaster(0, sparse);
				else reader.read(0, sparse);
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException e) {
			throw new IllegalArgumentException(option + ": " + file + " is damaged, or of a kind Java cannot decode: " +
				"decoding its JPEG data fails (" + (e.getMessage() == null ? e.toString() : e.getMessage()) + "); save it " +
				"as a baseline or progressive JPEG of 8 bits, or as TIFF");
		}
		Optional<String> madeUp = madeUp(warnings, size(file));
		if (madeUp.isPresent()) throw new IllegalArgumentException(option + ": " + file + " is damaged: decoding its " +
			"JPEG data reports \"" + madeUp.get() + "\" (part of its pixels would be made up); " + REPLACE);
	}

	private static final Pattern EXTRANEOUS = Pattern.compile("Corrupt JPEG data: (\\d+) extraneous bytes before " +
		"marker 0xd9");

	/**
	 * Of libjpeg's {@code warnings} of a file of {@code bytes}, the one that means pixels the decoder
	 * could not read, if any. libjpeg reports only the first warning of an image, so every warning
	 * refuses but bytes it skipped before the end-of-image marker (some cameras leave a few, and
	 * nothing decoded comes after them) that are at most 1 % of the file: more are scan data that
	 * garbled codes ended early.
	 */
	static Optional<String> madeUp(List<String> warnings, long bytes) {
		for (String warning : warnings) {
			Matcher extraneous = EXTRANEOUS.matcher(warning);
			if (!extraneous.matches() || Long.parseLong(extraneous.group(1)) * 100 > bytes) return Optional.of(warning);
		}
		return Optional.empty();
	}

	/**
	 * What the segments of a JPEG say: its colour components (0 if no frame header precedes the scans),
	 * its scans, whether its end-of-image marker ends them, and the first marker among its scans that
	 * Java's decoder cannot read there (-1: none): none of a valid JPEG but the frames of a hierarchical
	 * one, which Java cannot decode.
	 */
	private record Jpeg(int components, int scans, boolean ended, int strayMarker) {}

	/**
	 * A JPEG's colour components, from its frame header, and its scans up to its end-of-image marker
	 * (FF D9): the segments before the first start of scan (FF DA) are skipped by their lengths (an
	 * EXIF thumbnail or a comment may hold both markers), and bytes between them; in the compressed
	 * data FF is followed by 00, TEM, a restart marker or fill bytes, or starts a segment that may
	 * come between scans (another scan,
	 * tables, a restart interval, a comment, application data), also skipped by its length. A file cut
	 * anywhere in its scans has no end; bytes after the end are allowed.
	 */
	private static Jpeg jpeg(Path file) {
		int components = 0, scans = 0;
		try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
			if (in.read() != 0xFF || in.read() != 0xD8) return new Jpeg(components, scans, false, -1);
			for (boolean scan = false; !scan;) {
				// bytes between segments, which the decoder skips (and warns of)
				for (int b = in.read(); b != 0xFF; b = in.read())
					if (b < 0) return new Jpeg(components, scans, false, -1);
				int marker = in.read();
				while (marker == 0xFF) // fill bytes
					marker = in.read();
				if (marker < 0 || marker == 0xD9) return new Jpeg(components, scans, false, -1);
				if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) continue; // markers without a segment
				int length = in.read() << 8 | in.read();
				if (length < 2) return new Jpeg(components, scans, false, -1);
				// a frame header (SOF0 to SOF15 but DHT, JPG and DAC): precision, height, width, components
				boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
				if (frame && length >= 8) {
					byte[] header = in.readNBytes(6);
					if (header.length == 6) components = header[5] & 0xFF;
					in.skipNBytes(length - 2 - header.length);
				}
				else in.skipNBytes(length - 2);
				scan = marker == 0xDA;
			}
			scans = 1;
			for (int b; (b = in.read()) >= 0;) {
				if (b != 0xFF) continue;
				int marker = in.read();
				while (marker == 0xFF)
					marker = in.read();
				if (marker < 0) break;
				if (marker == 0x00 || marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) continue; // stuffed FF, TEM, restart
				if (marker == 0xD9) return new Jpeg(components, scans, true, -1);
				if (!betweenScans(marker)) return new Jpeg(components, scans, false, marker);
				int length = in.read() << 8 | in.read();
				if (length < 2) break;
				in.skipNBytes(length - 2);
				if (marker == 0xDA) scans++;
			}
			return new Jpeg(components, scans, false, -1);
		}
		catch (IOException e) {
			return new Jpeg(components, scans, false, -1);
		}
	}

	/** A segment that may come between a JPEG's scans: DHT, DAC, SOS, DQT, DNL, DRI, APPn or COM. */
	private static boolean betweenScans(int marker) {
		return marker == 0xC4 || marker == 0xCC || marker >= 0xDA && marker <= 0xDD || marker >= 0xE0 && marker <= 0xEF ||
			marker == 0xFE;
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

	private static long size(Path file) {
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
