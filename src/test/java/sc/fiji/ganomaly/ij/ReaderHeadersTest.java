package sc.fiji.ganomaly.ij;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

/**
 * Headers that ImageJ's own readers take otherwise than the checks' first reading: a TIFF that
 * ImageJ reads as DICOM, BMPs as ImageJ's BMP reader reads them, GIF frames as ImageJ's GIF reader
 * allocates them, and compressed strips that share their bytes. Each crafted file made ImageJ
 * allocate gigabytes or work for minutes.
 */
public class ReaderHeadersTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	Path write(String name, byte[] bytes) throws IOException {
		return Files.write(tmp.getRoot().toPath().resolve(name), bytes);
	}

	static ByteProcessor ramp() {
		ByteProcessor ip = new ByteProcessor(37, 23);
		for (int i = 0; i < 37 * 23; i++)
			ip.set(i, i % 251);
		return ip;
	}

	byte[] saved(String name, java.util.function.BiConsumer<FileSaver, String> save, ImagePlus imp) throws IOException {
		Path file = tmp.getRoot().toPath().resolve("saved-" + name);
		save.accept(new FileSaver(imp), file.toString());
		return Files.readAllBytes(file);
	}

	@Test
	public void aTiffWithADicomHeaderIsNotReadAsDicom() throws IOException {
		byte[] bytes = java.util.Arrays.copyOf(TestTiffs.spec().build().bytes(), 400);
		System.arraycopy("DICM".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, bytes, 128, 4);
		Path file = write("senographe.tif", bytes);
		assertThat(TiffCheckTest.refusal(() -> ImageFiles.open(file, "--input")), containsString(
			"it is a combined TIFF and DICOM file, which ImageJ reads as DICOM"));
	}

	@Test
	public void compressedStripsThatShareTheirBytesAreRefused() throws IOException {
		// 64 rows of 8 pixels, every row's strip the same deflate stream: ImageJ decodes each strip again
		byte[] row = TiffCheckTest.deflated(new byte[8], null);
		int strips = 64, entries = 9, dir = 8, arrays = dir + 2 + 12 * entries + 4, data = arrays + 8 * strips;
		ByteBuffer b = ByteBuffer.allocate(data + row.length).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(dir).putShort((short) entries);
		long[][] tags = { { 256, 3, 1, 8 }, { 257, 3, 1, strips }, { 258, 3, 1, 8 }, { 259, 3, 1, 8 }, { 262, 3, 1, 1 },
			{ 273, 4, strips, arrays }, { 277, 3, 1, 1 }, { 278, 3, 1, 1 }, { 279, 4, strips, arrays + 4 * strips } };
		for (long[] t : tags)
			b.putShort((short) t[0]).putShort((short) t[1]).putInt((int) t[2]).putInt((int) t[3]);
		b.putInt(0);
		for (int i = 0; i < strips; i++)
			b.putInt(arrays + 4 * i, data).putInt(arrays + 4 * strips + 4 * i, row.length);
		b.put(data, row);
		Path file = write("shared.tif", b.array());
		assertThat(TiffCheckTest.refusal(() -> ImageFiles.open(file, "--input")), containsString("image directory 1's " +
			"strips add up to " + strips * row.length + " bytes, more than the file's " + b.capacity() +
			": strips that share their bytes"));
	}

	@Test
	public void aBmpIsCheckedAsImageJReadsIt() throws IOException {
		byte[] good = saved("ok.bmp", FileSaver::saveAsBmp, new ImagePlus("ok", ramp()));
		assertEquals(ramp().get(5, 7), ImageFiles.open(write("ok.bmp", good), "--input").image().getProcessor().get(5, 7));
		// a palette of 1.6 billion colours: ImageJ allocated three arrays of 1.6 GB and read it from past the end
		byte[] palette = good.clone();
		ByteBuffer.wrap(palette).order(ByteOrder.LITTLE_ENDIAN).putInt(46, 0x60000000);
		Path many = write("palette.bmp", palette);
		assertThat(TiffCheckTest.refusal(() -> ImageFiles.open(many, "--input")), containsString("its BMP palette of " +
			"1610612736 colours ends beyond its "));
		// a compressed BMP, which ImageJ hands to javax.imageio
		java.awt.image.BufferedImage indexed = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage
			.TYPE_BYTE_INDEXED);
		indexed.getRaster().setSample(5, 7, 0, 200);
		javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName("bmp").next();
		javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
		param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
		param.setCompressionType("BI_RLE8");
		Path rle = tmp.getRoot().toPath().resolve("rle8.bmp");
		try (javax.imageio.stream.ImageOutputStream out = javax.imageio.ImageIO.createImageOutputStream(rle.toFile())) {
			writer.setOutput(out);
			writer.write(null, new javax.imageio.IIOImage(indexed, null, null), param);
		}
		writer.dispose();
		assertEquals(1, ByteBuffer.wrap(Files.readAllBytes(rle)).order(ByteOrder.LITTLE_ENDIAN).getInt(30));
		assertEquals(64, ImageFiles.open(rle, "--input").image().getWidth());
		// OS/2's 12-byte header, 4x2 pixels of 24 bits: ImageJ took the pixels for the rest of a 40-byte header
		ByteBuffer os2 = ByteBuffer.allocate(14 + 12 + 2 * 12).order(ByteOrder.LITTLE_ENDIAN);
		os2.put((byte) 'B').put((byte) 'M').putInt(os2.capacity()).putInt(0).putInt(26).putInt(12).putShort((short) 4)
			.putShort((short) 2).putShort((short) 1).putShort((short) 24);
		Path old = write("os2.bmp", os2.array());
		assertThat(TiffCheckTest.refusal(() -> ImageFiles.open(old, "--input")), containsString("its BMP header is of " +
			"the old 12-byte kind, which ImageJ reads as the 40-byte one"));
	}

	@Test
	public void everyGifFrameFitsTheImage() throws IOException {
		ImageStack stack = new ImageStack(37, 23);
		stack.addSlice(ramp());
		stack.addSlice(ramp());
		byte[] gif = saved("ok.gif", FileSaver::saveAsGif, new ImagePlus("frames", stack));
		assertEquals(2, ImageFiles.open(write("ok.gif", gif), "--input").image().getStackSize());
		// the second frame's descriptor (after its graphic control extension) claims 65535x32767 pixels:
		// ImageJ allocated and cleared 2 GB for it
		int seen = 0;
		for (int i = 0; i + 8 < gif.length; i++)
			if ((gif[i] & 0xff) == 0x21 && (gif[i + 1] & 0xff) == 0xF9 && gif[i + 2] == 4 && gif[i + 7] == 0 &&
				gif[i + 8] == 0x2C && ++seen == 2)
				ByteBuffer.wrap(gif).order(ByteOrder.LITTLE_ENDIAN).putShort(i + 8 + 5, (short) 65535).putShort(i + 8 + 7,
					(short) 32767);
		assertEquals(2, seen);
		Path file = write("frame.gif", gif);
		assertThat(TiffCheckTest.refusal(() -> ImageFiles.open(file, "--input")), containsString("its GIF frames declare " +
			(37 * 23 + 65535L * 32767) + " pixels up to frame 2 (65535x32767), more than its " + gif.length + " bytes can " +
			"code"));
	}

	/**
	 * JPEGs as files from outside may be, each refused with one line before ImageJ decodes it: a few
	 * kilobytes of thousands of progressive scans (each a pass over every pixel: minutes of decoding),
	 * a marker no scan may hold (Java's decoder printed a stack trace, ImageJ "Error loading image"),
	 * scan data whose gaps a decoder fills with made-up pixels (it printed a warning on the process's
	 * stderr, and the file was scored), bytes between scans (libjpeg warns of the first thing only,
	 * so a warning there would hide damage after it); the whole files open, also with a comment between
	 * scans, a TEM marker, or bytes some cameras leave before the end, of which libjpeg warns too. A
	 * JPEG's shape is its checked header's, one plane.
	 */
	@Test
	public void damagedAndCraftedJpegsAreRefusedBeforeDecoding() throws IOException {
		byte[] progressive = TestJpegs.noise(256, 192, true), baseline = TestJpegs.noise(256, 192, false);
		for (byte[] whole : java.util.List.of(progressive, baseline)) {
			Path ok = write("whole-" + whole.length + ".jpg", whole);
			assertEquals(192, ImageFiles.open(ok, "--input").image().getHeight());
			assertEquals(new ImageFiles.Shape(1, 256 * 192), ImageFiles.shape(ok, "--input"));
		}
		int scans = startsOfScan(progressive);
		assertTrue(scans + " scans", scans > 1 && scans <= JpegCheck.MAX_SCANS);
		byte[] blank = TestJpegs.blank(512, 512), many = TestJpegs.withLastScanRepeated(blank, 2000);
		assertTrue(many.length + " bytes", many.length < 100_000);
		assertThat(refusal(write("scans.jpg", many)), containsString("scans.jpg is damaged or crafted: its JPEG data " +
			"holds " + (startsOfScan(blank) + 2000) + " scans, each a pass over all its pixels; encoders write at most " +
			"a few dozen (a progressive JPEG about 10), and at most 100 are read; replace it with an undamaged copy"));
		assertThat(refusal(write("stray.jpg", TestJpegs.strayMarker(baseline))), containsString("stray.jpg is damaged: " +
			"its JPEG data holds the marker FF A4 among its scans, which Java's JPEG decoder cannot read there"));
		Path garbled = write("garbled.jpg", TestJpegs.garbled(baseline));
		assertThat(refusal(garbled), containsString("garbled.jpg is damaged: decoding its JPEG data reports \"Corrupt " +
			"JPEG data: "));
		assertThrows(IllegalArgumentException.class, () -> ImageFiles.shape(garbled, "--input"));
		// eight bytes before the end-of-image marker: "Corrupt JPEG data: 8 extraneous bytes before marker 0xd9"
		byte[] end = insert(baseline, baseline.length - 2, new byte[] { 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 });
		assertTrue(warnings(end).toString(), warnings(end).stream().anyMatch(w -> w.contains("extraneous bytes")));
		assertEquals(192, ImageFiles.open(write("end.jpg", end), "--input").image().getHeight());
		// the same bytes before the third scan's segment: refused
		int third = nthStartOfScan(progressive, 3);
		assertThat(refusal(write("between.jpg", insert(progressive, third, new byte[] { 0x55, 0x55, 0x55, 0x55 }))),
			containsString("between.jpg is damaged: decoding its JPEG data reports \"Corrupt JPEG data: 4 extraneous " +
				"bytes before marker 0xda\""));
		// a comment between scans and a TEM marker before the third scan open
		byte[] comment = insert(progressive, third, new byte[] { (byte) 0xFF, (byte) 0xFE, 0, 6, 'a', 'b', 'c', 'd' });
		assertEquals(192, ImageFiles.open(write("comment.jpg", comment), "--input").image().getHeight());
		byte[] tem = insert(progressive, third, new byte[] { (byte) 0xFF, 0x01 });
		assertEquals(192, ImageFiles.open(write("tem.jpg", tem), "--input").image().getHeight());
		// restart markers, as cameras write them, open (baseline and progressive); one out of its turn is damage
		for (boolean p : new boolean[] { false, true }) {
			byte[] restarts = TestJpegs.noise(256, 192, p, 2);
			assertTrue(restartMarkers(restarts) + " restart markers", restartMarkers(restarts) > 300);
			assertEquals(192, ImageFiles.open(write("restarts-" + p + ".jpg", restarts), "--input").image().getHeight());
			int second = nthMarker(restarts, 0xD1, 1);
			restarts[second + 1] = (byte) 0xD5;
			assertThat(refusal(write("renumbered-" + p + ".jpg", restarts)), containsString("is damaged: decoding its JPEG " +
				"data reports \"Corrupt JPEG data: "));
		}
	}

	/** Restart markers (FF D0 to FF D7) in {@code jpeg}. */
	private static int restartMarkers(byte[] jpeg) {
		int n = 0;
		for (int i = 0; i + 1 < jpeg.length; i++)
			if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xF8) == 0xD0) n++;
		return n;
	}

	/** Where the {@code n}th (from 1) marker FF {@code code} of {@code jpeg} is. */
	private static int nthMarker(byte[] jpeg, int code, int n) {
		for (int i = 0; i + 1 < jpeg.length; i++)
			if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == code && --n == 0) return i;
		throw new IllegalArgumentException("no marker FF " + Integer.toHexString(code));
	}

	/**
	 * A PNG whose header passes but whose data ImageJ's reader fails on is refused saying so, not with
	 * a Java exception's class name ("javax.imageio.IIOException: Error reading PNG image data").
	 */
	@Test
	public void aPngWhoseDataImageJFailsOnIsRefusedSayingSo() throws IOException {
		java.awt.image.BufferedImage noise = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
		java.util.Random random = new java.util.Random(9);
		for (int i = 0; i < 64 * 48; i++)
			noise.getRaster().setSample(i % 64, i / 64, 0, random.nextInt(256));
		java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
		javax.imageio.ImageIO.write(noise, "png", png);
		byte[] p = png.toByteArray();
		assertEquals(48, ImageFiles.open(write("whole.png", p), "--input").image().getHeight());
		// the middle of the PNG's compressed data garbled
		int idat = indexOf(p, "IDAT".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + 4;
		for (int i = idat + 100; i < idat + 400; i++)
			p[i] = (byte) random.nextInt(256);
		assertThat(refusal(write("garbled.png", p)), containsString("garbled.png as an image (TIFF, PNG, JPEG, GIF or " +
			"BMP): decoding it fails (Error reading PNG image data): it is damaged, or of a kind ImageJ does not read"));
	}

	private static int indexOf(byte[] bytes, byte[] part) {
		for (int i = 0; i + part.length <= bytes.length; i++)
			if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) return i;
		throw new IllegalArgumentException("not found");
	}

	private static IllegalArgumentException refusalOf(Path file) {
		return org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ImageFiles.open(file, "--input"));
	}

	private static String refusal(Path file) {
		return refusalOf(file).getMessage();
	}

	/** Start-of-scan markers (FF DA) in {@code jpeg}: its scans, where no other segment holds those bytes. */
	private static int startsOfScan(byte[] jpeg) {
		int n = 0;
		for (int i = 0; i + 1 < jpeg.length; i++)
			if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) n++;
		return n;
	}

	/** Where the {@code n}th start of scan of {@code jpeg} begins. */
	private static int nthStartOfScan(byte[] jpeg, int n) {
		for (int i = 0, seen = 0; i + 1 < jpeg.length; i++)
			if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA && ++seen == n) return i;
		throw new IllegalArgumentException("fewer than " + n + " scans");
	}

	/** {@code jpeg} with {@code bytes} inserted at {@code at}. */
	private static byte[] insert(byte[] jpeg, int at, byte[] bytes) {
		byte[] out = new byte[jpeg.length + bytes.length];
		System.arraycopy(jpeg, 0, out, 0, at);
		System.arraycopy(bytes, 0, out, at, bytes.length);
		System.arraycopy(jpeg, at, out, at + bytes.length, jpeg.length - at);
		return out;
	}

	/** What Java's JPEG decoder warns of decoding {@code jpeg}. */
	private static java.util.List<String> warnings(byte[] jpeg) throws IOException {
		java.util.List<String> warnings = new java.util.ArrayList<>();
		javax.imageio.ImageReader reader = javax.imageio.ImageIO.getImageReadersByFormatName("jpeg").next();
		try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(
			new java.io.ByteArrayInputStream(jpeg))) {
			reader.setInput(in);
			reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
			reader.read(0);
		}
		finally {
			reader.dispose();
		}
		return warnings;
	}
}
