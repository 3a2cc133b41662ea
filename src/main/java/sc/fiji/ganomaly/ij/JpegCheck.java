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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The checks of a JPEG that {@link ImageHeaders} has found one, before ImageJ decodes it: its
 * segments walked to its end ({@link #segments}: colour components, scans, stray markers, its end),
 * then its raw samples decoded sparsely for libjpeg's warnings ({@link #decodes}). A file of
 * thousands of progressive scans decodes for minutes, and a decoder fills what damaged data lacks
 * with made-up pixels, printing its warnings on the process's stderr.
 */
final class JpegCheck {

	/**
	 * Scans a JPEG may hold: each is a pass over all its pixels, so that a file of thousands decodes
	 * for minutes (libjpeg-turbo's "Two Issues with the JPEG Standard", LJT-01-003).
	 */
	static final int MAX_SCANS = 100;
	/** What a damaged JPEG's refusal advises. */
	private static final String REPLACE = "replace it with an undamaged copy (or, to take the pixels a decoder makes " +
		"of it, save it again as TIFF)";

	private JpegCheck() {}

	/**
	 * Refuses a JPEG whose segments ImageJ's decoder cannot read whole: CMYK, a marker among its
	 * scans that Java's decoder cannot read there, more than {@link #MAX_SCANS} scans, no end.
	 */
	static void segments(Path file, String option) {
		Jpeg jpeg = jpeg(file);
		// Java's decoder prints a stack trace for these, and ImageJ then says "Error loading image"
		if (jpeg.components() == 4) throw new IllegalArgumentException(option + ": " + file + " is a CMYK JPEG " +
			"(4 colour components), which cannot be read; save it as RGB or greyscale");
		if (jpeg.strayMarker() >= 0) throw new IllegalArgumentException(option + ": " + file + " is damaged: its " +
			"JPEG data holds the marker FF " + String.format(Locale.ROOT, "%02X", jpeg.strayMarker()) + " among its " +
			"scans, which Java's JPEG decoder cannot read there; " + REPLACE);
		// each scan is a pass over every pixel, and a scan of blank refinements takes a few bytes
		if (jpeg.scans() > MAX_SCANS) throw new IllegalArgumentException(option + ": " + file + " is damaged " +
			"or crafted: its JPEG data holds " + jpeg.scans() + " scans, each a pass over all its pixels; encoders " +
			"write at most a few dozen (a progressive JPEG about 10), and at most " + MAX_SCANS + " are read; " +
			REPLACE);
		// a decoder fills what a cut JPEG lacks with grey (and libjpeg says so on the process's own stderr)
		if (!jpeg.ended()) throw new IllegalArgumentException(option + ": " + file +
			" is truncated or damaged: its JPEG data ends before the end-of-image marker");
	}

	/**
	 * Decodes a JPEG whose {@link #segments} passed, its raw samples only (ImageIO's colour conversion
	 * would apply an embedded ICC profile, which ImageJ's decoder ignores and which may fail) and of
	 * those every 8th of every 8th row,
	 * and refuses it if the decoder fails or its warning says that it made pixels up
	 * ({@link #madeUp}; a decoder reading it for ImageJ would print that warning on the process's
	 * stderr and fill the gaps with grey).
	 */
	static void decodes(Path file, String option) {
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
		Optional<String> madeUp = madeUp(warnings, ImageHeaders.size(file));
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
				int marker = nextMarker(in);
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
			for (int marker; (marker = nextMarker(in)) >= 0;) {
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

	/**
	 * The byte after the next FF that is not a fill byte (FF), or -1 at the end: the bytes before that
	 * FF are skipped (between segments, where the decoder warns of them, or compressed data).
	 */
	private static int nextMarker(InputStream in) throws IOException {
		int b = in.read();
		while (b >= 0 && b != 0xFF)
			b = in.read();
		while (b == 0xFF)
			b = in.read();
		return b;
	}

	/** A segment that may come between a JPEG's scans: DHT, DAC, SOS, DQT, DNL, DRI, APPn or COM. */
	private static boolean betweenScans(int marker) {
		return marker == 0xC4 || marker == 0xCC || marker >= 0xDA && marker <= 0xDD || marker >= 0xE0 && marker <= 0xEF ||
			marker == 0xFE;
	}
}
