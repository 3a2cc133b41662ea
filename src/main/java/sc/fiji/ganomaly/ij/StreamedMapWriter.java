package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import sc.fiji.ganomaly.core.api.HiddenNames;
import sc.fiji.ganomaly.core.api.Renames;
import java.nio.file.StandardOpenOption;
import java.util.function.IntConsumer;

import ij.ImagePlus;
import ij.Prefs;
import ij.VirtualStack;
import ij.io.FileInfo;
import ij.io.FileSaver;
import ij.io.RoiEncoder;
import ij.io.TiffEncoder;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

/**
 * Writes a map image with ImageJ's own TIFF encoder (the bytes {@link FileSaver} writes), plane by
 * plane, into a partial file beside the map that is renamed to the map only when complete. Each
 * plane is flushed to the file as soon as its last byte is written, and only then reported, so a
 * killed run keeps every plane it reported. A resumed write keeps the first planes of the partial
 * file as they are and continues after them: the image it is given holds those planes as read back
 * ({@link #keptPlane}), so the encoder's output is the same bytes as an uninterrupted write's.
 * Stacks over 4 GB get ImageJ's own form for them: one image directory and {@code images=N} in the
 * description, which ImageJ, Fiji and tifffile open.
 * <p>
 * Maps are written in Intel (little-endian) byte order whatever ImageJ's preference ("Save TIFF and
 * raw in Intel byte order"), so that every front end and machine writes the same bytes; a resumed map
 * continues in its partial file's order, so that a preference changed between the runs cannot mix
 * two orders in one file.
 */
final class StreamedMapWriter {

	private static final int BUFFER = 1 << 20;

	/** Thrown by a supplier of map planes to stop the writer: the run was cancelled. */
	static final class Canceled extends RuntimeException {

		Canceled() {
			super("canceled", null, false, false);
		}
	}

	private StreamedMapWriter() {}

	/** The partial file of {@code map} while it is written: {@code .NAME.partial} beside it. */
	static Path partialFor(Path map) {
		return HiddenNames.sibling(map, ".partial");
	}

	/**
	 * How many leading planes of {@code planeBytes} bytes the partial file of {@code map} holds
	 * complete, at most {@code planes} (0 when there is no partial file or its header is cut short).
	 */
	static int completePlanes(Path map, long planeBytes, int planes) throws IOException {
		Path partial = partialFor(map);
		if (!Files.isRegularFile(partial)) return 0;
		long offset = pixelOffset(partial);
		if (offset <= 0) return 0;
		long data = Files.size(partial) - offset;
		return data <= 0 ? 0 : (int) Math.min(planes, data / planeBytes);
	}

	/** Plane {@code i} (1-based) of the partial file of {@code map}, as {@link #completePlanes} found it. */
	static ImageProcessor keptPlane(Path map, int width, int height, int bitDepth, int i) throws IOException {
		Path partial = partialFor(map);
		int bytesPerPixel = bitDepth / 8;
		ByteBuffer bytes = ByteBuffer.allocate(width * height * bytesPerPixel);
		try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.READ)) {
			ByteOrder order = byteOrder(channel);
			long at = pixelOffset(partial) + (long) (i - 1) * bytes.capacity();
			while (bytes.hasRemaining())
				if (channel.read(bytes, at + bytes.position()) < 0) throw new IOException(partial + " ends in plane " + i);
			bytes.flip().order(order);
		}
		if (bitDepth == 32) {
			float[] v = new float[width * height];
			bytes.asFloatBuffer().get(v);
			return new FloatProcessor(width, height, v);
		}
		short[] v = new short[width * height];
		bytes.asShortBuffer().get(v);
		return new ShortProcessor(width, height, v, null);
	}

	/** True when {@code image} would be written with its pixels where the partial file of {@code map} has them. */
	static boolean layoutMatches(ImagePlus image, Path map) throws IOException {
		FileInfo fi = fileInfo(image);
		encoder(fi, ByteOrder.LITTLE_ENDIAN);
		return fi.offset == pixelOffset(partialFor(map));
	}

	/**
	 * ImageJ's TIFF encoder of {@code fi}, writing in {@code order}: the encoder takes its order from
	 * ImageJ's preference when it is made, so the preference is set for that moment and restored.
	 */
	private static TiffEncoder encoder(FileInfo fi, ByteOrder order) {
		synchronized (StreamedMapWriter.class) {
			boolean preference = Prefs.intelByteOrder;
			Prefs.intelByteOrder = order == ByteOrder.LITTLE_ENDIAN;
			try {
				return new TiffEncoder(fi);
			}
			finally {
				Prefs.intelByteOrder = preference;
			}
		}
	}

	/** The byte order of the TIFF {@code tiff}, or null if it has no TIFF header. */
	private static ByteOrder byteOrder(Path tiff) throws IOException {
		try (FileChannel channel = FileChannel.open(tiff, StandardOpenOption.READ)) {
			return byteOrder(channel);
		}
	}

	/** Where the first plane's pixels start in a TIFF written by ImageJ (its first strip), or 0. */
	static long pixelOffset(Path tiff) throws IOException {
		try (FileChannel channel = FileChannel.open(tiff, StandardOpenOption.READ)) {
			ByteOrder order = byteOrder(channel);
			if (order == null) return 0;
			ByteBuffer b = ByteBuffer.allocate(4096).order(order);
			channel.read(b, 0);
			b.flip();
			if (b.limit() < 8) return 0;
			long ifd = Integer.toUnsignedLong(b.getInt(4));
			if (ifd + 2 > b.limit()) return 0;
			int entries = Short.toUnsignedInt(b.getShort((int) ifd));
			for (int e = 0; e < entries; e++) {
				int at = (int) ifd + 2 + 12 * e;
				if (at + 12 > b.limit()) return 0;
				if (Short.toUnsignedInt(b.getShort(at)) == STRIP_OFFSETS) return Integer.toUnsignedLong(b.getInt(at + 8));
			}
			return 0;
		}
	}

	private static final int STRIP_OFFSETS = 273;

	private static ByteOrder byteOrder(FileChannel channel) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(2);
		channel.read(b, 0);
		if (b.position() < 2) return null;
		if (b.get(0) == 'I' && b.get(1) == 'I') return ByteOrder.LITTLE_ENDIAN;
		if (b.get(0) == 'M' && b.get(1) == 'M') return ByteOrder.BIG_ENDIAN;
		return null;
	}

	/**
	 * Writes {@code image} to {@code map}: into its partial file, keeping the first {@code kept}
	 * planes already there (the image must hold them as {@link #keptPlane} reads them; they are
	 * fetched but not written again), calling
	 * {@code planeWritten} with the 1-based index of each further plane once it is in the file, then
	 * renaming the complete file to {@code map}. After a failure the partial file stays for a resume.
	 */
	static void write(ImagePlus image, Path map, int kept, IntConsumer planeWritten) throws IOException {
		FileInfo fi = fileInfo(image);
		Path partial = partialFor(map);
		ByteOrder partialOrder = kept > 0 && Files.isRegularFile(partial) ? byteOrder(partial) : null;
		// sets fi.offset: where the pixels start
		TiffEncoder encoder = encoder(fi, partialOrder == ByteOrder.BIG_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
		Layout layout = new Layout(fi.offset, (long) fi.width * fi.height * fi.getBytesPerPixel(), fi.nImages);
		Files.createDirectories(map.getParent()); // an input's own folder below the output (OutputNames)
		long keep = kept <= 0 ? 0 : layout.offset() + kept * layout.planeBytes();
		if (keep > 0 && (!Files.isRegularFile(partial) || Files.size(partial) < keep || pixelOffset(partial) != fi.offset))
			throw new IOException("the partial map " + partial + " does not hold the first " + kept + " plane(s)");
		try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
			PlaneStream out = new PlaneStream(channel, keep, layout, Math.max(kept, 0), planeWritten);
			quietly(encoder, out);
			out.flush();
			channel.truncate(out.position);
			channel.force(true);
		}
		Renames.replace(partial, map);
	}

	/**
	 * Writes {@code image} whole into {@code file} as {@link #write} would (the same bytes), for a caller
	 * that makes the file atomic itself.
	 */
	static void encode(ImagePlus image, Path file) throws IOException {
		TiffEncoder encoder = encoder(fileInfo(image), ByteOrder.LITTLE_ENDIAN);
		try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), BUFFER)) {
			quietly(encoder, out);
		}
	}

	/** {@code encoder}'s bytes into {@code out}, ImageJ kept from the console (it logs the layout of a stack over 4 GB "to open as raw"). */
	private static void quietly(TiffEncoder encoder, OutputStream out) throws IOException {
		IOException failed = QuietImageJ.call(() -> {
			try {
				encoder.write(out);
				return null;
			}
			catch (IOException e) {
				return e;
			}
		}).value();
		if (failed != null) throw failed;
	}

	/** Where the pixels start, the bytes of one plane and the number of planes. */
	private record Layout(long offset, long planeBytes, int planes) {}

	/** The file information {@link FileSaver#saveAsTiff} and {@link FileSaver#saveAsTiffStack} encode. */
	private static FileInfo fileInfo(ImagePlus image) {
		FileSaver saver = new FileSaver(image);
		FileInfo fi = image.getFileInfo();
		if (fi.nImages > 1 && image.getStack().isVirtual()) fi.virtualStack = (VirtualStack) image.getStack();
		fi.info = image.getInfoProperty();
		fi.description = saver.getDescriptionString();
		fi.sliceLabels = null; // map planes have no labels
		fi.roi = RoiEncoder.saveAsByteArray(image.getRoi());
		fi.overlay = FileSaver.getOverlay(image);
		fi.properties = image.getPropertiesAsArray();
		return fi;
	}

	/**
	 * The encoder's output: bytes before {@code keep} are skipped (the partial file has them), the
	 * rest buffered and written at their position; each plane is flushed and reported once its last
	 * byte has been written.
	 */
	private static final class PlaneStream extends OutputStream {

		private final FileChannel channel;
		private final long keep;
		private final Layout layout;
		private final IntConsumer planeWritten;
		private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
		private long position, bufferStart;
		private int nextPlane;

		PlaneStream(FileChannel channel, long keep, Layout layout, int kept, IntConsumer planeWritten) {
			this.channel = channel;
			this.keep = keep;
			this.layout = layout;
			this.planeWritten = planeWritten;
			this.nextPlane = kept + 1;
		}

		@Override
		public void write(int b) throws IOException {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			if (position < keep) {
				int skip = (int) Math.min(len, keep - position);
				position += skip;
				off += skip;
				len -= skip;
				bufferStart = position;
			}
			while (len > 0) {
				int n = Math.min(len, buffer.remaining());
				buffer.put(b, off, n);
				position += n;
				off += n;
				len -= n;
				if (!buffer.hasRemaining()) flushBuffer();
			}
			while (nextPlane <= layout.planes() && position >= layout.offset() + nextPlane * layout.planeBytes()) {
				flushBuffer();
				planeWritten.accept(nextPlane++);
			}
		}

		@Override
		public void flush() throws IOException {
			flushBuffer();
		}

		private void flushBuffer() throws IOException {
			buffer.flip();
			while (buffer.hasRemaining())
				bufferStart += channel.write(buffer, bufferStart);
			buffer.clear();
		}
	}
}
