package sc.fiji.ganomaly.ij;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

/** {@link TiffCheck} and {@link ImageFiles} on valid, broken and hostile image files. */
public class TiffCheckTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	Path write(String name, byte[] bytes) throws IOException {
		return Files.write(tmp.getRoot().toPath().resolve(name), bytes);
	}

	/** The message of the IllegalArgumentException {@code action} throws, which must come quickly and print nothing. */
	static String refusal(Supplier<?> action) {
		PrintStream out = System.out, err = System.err;
		ByteArrayOutputStream console = new ByteArrayOutputStream();
		long start = System.nanoTime();
		try {
			System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
			System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
			action.get();
			fail("accepted");
			return null;
		}
		catch (IllegalArgumentException e) {
			assertFalse("one line: " + e.getMessage(), e.getMessage().contains("\n"));
			return e.getMessage();
		}
		finally {
			System.setOut(out);
			System.setErr(err);
			assertEquals("nothing printed", "", console.toString(StandardCharsets.UTF_8));
			assertTrue("quick", System.nanoTime() - start < 3_000_000_000L);
		}
	}

	/** Every plane's pixel (0, 0) .. (w-1, h-1) of an opened file, as read through ImageJ. */
	static void assertPlanes(ImageFiles.Input input, TestTiffs.Spec spec) {
		ImageStack stack = input.image().getStack();
		assertEquals(spec.planes, stack.getSize());
		for (int p = 0; p < spec.planes; p++) {
			var ip = stack.getProcessor(p + 1);
			for (int y = 0; y < spec.height; y++)
				for (int x = 0; x < spec.width; x++) {
					int v = TestTiffs.pixel(p, x, y);
					double expected = spec.bits == 8 ? v : spec.bits == 16 ? v * 100 : v / 2.0;
					assertEquals("plane " + (p + 1) + " (" + x + ", " + y + ")", expected, ip.getf(x, y), 0);
				}
		}
	}

	/**
	 * A JPEG cut in its scans is refused, also when a segment before them holds a whole JPEG of its
	 * own (an EXIF thumbnail: here in a comment); the same files whole open.
	 */
	@Test
	public void aJpegCutInItsScansIsRefusedWhateverItsSegmentsHold() throws IOException {
		java.io.ByteArrayOutputStream main = new java.io.ByteArrayOutputStream(), thumb = new java.io.ByteArrayOutputStream();
		ImageIO.write(new ColorProcessor(64, 48).getBufferedImage(), "jpeg", main);
		ImageIO.write(new ColorProcessor(8, 6).getBufferedImage(), "jpeg", thumb);
		byte[] m = main.toByteArray(), t = thumb.toByteArray();
		java.io.ByteArrayOutputStream withThumb = new java.io.ByteArrayOutputStream();
		withThumb.write(m, 0, 2); // SOI
		withThumb.write(new byte[] { (byte) 0xFF, (byte) 0xFE, (byte) ((t.length + 2) >> 8), (byte) (t.length + 2) });
		withThumb.write(t);
		withThumb.write(m, 2, m.length - 2);
		byte[] whole = withThumb.toByteArray();
		for (byte[] file : List.of(m, whole)) {
			Path ok = write("whole-" + file.length + ".jpg", file);
			assertEquals(48, ImageFiles.open(ok, "--input").image().getHeight());
			Path cut = write("cut-" + file.length + ".jpg", java.util.Arrays.copyOf(file, file.length - 40));
			IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ImageFiles
				.open(cut, "--input"));
			assertTrue(e.getMessage(), e.getMessage().endsWith(" is truncated or damaged: its JPEG data ends before the " +
				"end-of-image marker"));
		}
	}

	/** Sample formats ImageJ 1.x has no reader for are refused saying which, not "Unsupported format". */
	@Test
	public void sampleFormatsImageJCannotReadAreNamed() throws IOException {
		Path f64 = write("f64.tif", TestTiffs.spec().samples(64, 3).build().bytes()), complex = write("c64.tif", TestTiffs
			.spec().samples(64, 6).build().bytes());
		IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ImageFiles.open(
			f64, "--input"));
		assertTrue(e.getMessage(), e.getMessage().endsWith("f64.tif is not a readable TIFF: image directory 1 holds " +
			"64-bit floating-point samples, which ImageJ 1.x cannot read; save the image as 32-bit float"));
		e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ImageFiles.open(complex, "--input"));
		assertTrue(e.getMessage(), e.getMessage().contains("holds complex samples, which ImageJ cannot read"));
		// samples a pixel ImageJ reads not at all or in part
		for (int[] bitsAndSamples : new int[][] { { 8, 2 }, { 16, 2 }, { 32, 3 }, { 16, 5 } }) {
			Path many = write("s" + bitsAndSamples[1] + ".tif", TestTiffs.spec().bits(bitsAndSamples[0]).samplesPerPixel(
				bitsAndSamples[1]).build().bytes());
			e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ImageFiles.open(many, "--input"));
			assertTrue(e.getMessage(), e.getMessage().endsWith(" is not a readable TIFF: image directory 1 holds " +
				bitsAndSamples[1] + " samples of " + bitsAndSamples[0] + " bits a pixel, which ImageJ 1.x cannot read (it " +
				"reads 1, or 3 or 4 of 8 or 16 bits); save the samples as the channels of an ImageJ hyperstack"));
		}
		// four 8-bit samples stored plane by plane, which ImageJ reads as if interleaved
		Path planar = write("planar.tif", TestTiffs.spec().samplesPerPixel(4).planar().build().bytes());
		e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ImageFiles.open(planar, "--input"));
		assertTrue(e.getMessage(), e.getMessage().endsWith("planar.tif is not a readable TIFF: image directory 1 holds " +
			"4 samples of 8 bits a pixel stored plane by plane, which ImageJ 1.x reads as if they were interleaved; save " +
			"them interleaved or as the channels of an ImageJ hyperstack"));
		// 32-bit floats, as before, open
		assertEquals(6, ImageFiles.open(write("f32.tif", TestTiffs.spec().bits(32).build().bytes()), "--input").image()
			.getHeight());
	}

	/** A signed 16-bit TIFF, which ImageJ holds shifted by 32768, is read with the file's values. */
	@Test
	public void signedSixteenBitPixelsAreReadAsTheFileHoldsThem() throws IOException {
		Path file = write("signed.tif", TestTiffs.spec().signed16().build().bytes());
		ij.ImagePlus imp = ImageFiles.open(file, "--input").image();
		assertTrue("ImageJ calibrates it as signed", imp.getCalibration().isSigned16Bit());
		net.imglib2.RandomAccessibleInterval<? extends net.imglib2.type.numeric.RealType<?>> plane = ImagePlusPlanes.of(
			imp).get(0).image();
		var at = plane.randomAccess();
		for (int[] xy : new int[][] { { 0, 0 }, { 3, 2 }, { 7, 5 } }) {
			at.setPosition(new long[] { xy[0], xy[1], 0 });
			assertEquals(TestTiffs.pixel(0, xy[0], xy[1]) * 100 - 12000, at.get().getRealDouble(), 0);
		}
		assertEquals("what a model records of such images", "16-bit signed", sc.fiji.ganomaly.core.plane.PixelTypes.of(
			plane));
	}

	/**
	 * ImageJ allocates a first directory's Software, DateTime, Artist and HostComputer texts at the
	 * length their entries declare, before reading them: one of 2 GiB is refused unread.
	 */
	@Test
	public void aTextTagLongerThanTheFileIsRefused() throws IOException {
		for (int tag : new int[] { 305, 306, 315, 316 }) {
			TestTiffs.Built built = TestTiffs.spec().description("written by hand").build();
			ByteBuffer b = ByteBuffer.wrap(built.bytes()).order(built.order());
			int at = built.directories().get(0) + 2; // the first entry
			while (b.getShort(at) != 270)
				at += 12;
			b.putShort(at, (short) tag).putInt(at + 4, Integer.MAX_VALUE);
			Path file = write("text" + tag + ".tif", built.bytes());
			assertThat(refusal(() -> ImageFiles.open(file, "--input")), containsString("is truncated or damaged: its image " +
				"directory 1's tag " + tag + " (2147483647 bytes at byte "));
		}
	}

	/** A deflate TIFF of one 8x6 plane whose strip is {@code strip} (appended to the file). */
	Path withStrip(String name, byte[] strip) throws IOException {
		TestTiffs.Built built = TestTiffs.spec().deflate().build();
		byte[] bytes = Arrays.copyOf(built.bytes(), built.bytes().length + strip.length);
		System.arraycopy(strip, 0, bytes, built.bytes().length, strip.length);
		ByteBuffer.wrap(bytes).order(built.order()).putInt(built.stripOffsetValues().get(0), built.bytes().length).putInt(
			built.stripCountValues().get(0), strip.length);
		return write(name, bytes);
	}

	static byte[] deflated(byte[] data, byte[] dictionary) {
		java.util.zip.Deflater deflater = new java.util.zip.Deflater();
		if (dictionary != null) deflater.setDictionary(dictionary);
		deflater.setInput(data);
		deflater.finish();
		byte[] out = new byte[data.length + 64];
		int n = deflater.deflate(out);
		deflater.end();
		return Arrays.copyOf(out, n);
	}

	/**
	 * ImageJ inflates a strip until its stream ends: a strip cut short (a truncated download) or one
	 * that asks for a preset dictionary made it loop forever; a strip of a megabyte of zeros for a
	 * plane of 48 bytes, it kept whole.
	 */
	@Test(timeout = 60_000)
	public void deflateStripsAreInflatedOnceFirst() throws IOException {
		byte[] plane = new byte[48];
		for (int i = 0; i < plane.length; i++)
			plane[i] = (byte) (i * 7);
		byte[] whole = deflated(plane, null);
		Path cut = withStrip("cut.tif", Arrays.copyOf(whole, whole.length - 4));
		assertThat(refusal(() -> ImageFiles.open(cut, "--input")), containsString("image directory 1's strip 1 of 1 ends " +
			"before its deflate stream does (truncated or damaged)"));
		Path dictionary = withStrip("dictionary.tif", deflated(plane, new byte[] { 1, 2, 3 }));
		assertThat(refusal(() -> ImageFiles.open(dictionary, "--input")), containsString("asks for a preset dictionary"));
		Path bomb = withStrip("bomb.tif", deflated(new byte[1 << 20], null));
		assertThat(refusal(() -> ImageFiles.open(bomb, "--input")), containsString("strip 1 of 1 inflates to more than " +
			"its plane's 48 bytes"));
		Path good = withStrip("good.tif", whole);
		assertEquals(7 * 9, ImageFiles.open(good, "--input").image().getProcessor().get(1, 1));
	}

	/**
	 * A stack read plane by plane has each plane's deflate strips checked as the plane is read: the
	 * planes before one cut short are read, that one is refused, and nothing waits forever.
	 */
	@Test(timeout = 60_000)
	public void aStackReadLazilyChecksEachPlaneAsItIsRead() throws IOException {
		TestTiffs.Built built = TestTiffs.spec().deflate().planes(3).build();
		ByteBuffer b = ByteBuffer.wrap(built.bytes()).order(built.order());
		int count = built.stripCountValues().get(1);
		b.putInt(count, b.getInt(count) - 4); // plane 2's stream no longer ends within its strip
		Path file = write("cut-plane.tif", built.bytes());
		ImageStack stack = ImageFiles.openLazily(file, "--input").image().getStack();
		assertEquals(TestTiffs.pixel(0, 3, 2), stack.getProcessor(1).get(3, 2));
		assertEquals("--input: cannot read plane 2 of " + file + ": image directory 2's strip 1 of 1 ends before its " +
			"deflate stream does (truncated or damaged)", refusal(() -> stack.getProcessor(2)));
		assertEquals(TestTiffs.pixel(2, 3, 2), stack.getProcessor(3).get(3, 2));
		assertThat(refusal(() -> ImageFiles.open(file, "--input")), containsString("image directory 2's strip 1 of 1 " +
			"ends before its deflate stream does"));
	}

	@Test
	public void validBuiltTiffsPassAndReadBack() throws IOException {
		int i = 0;
		for (TestTiffs.Spec spec : List.of(TestTiffs.spec(), TestTiffs.spec().bigEndian().bits(16).planes(3),
			TestTiffs.spec().bits(32).planes(2), TestTiffs.spec().deflate().planes(2), TestTiffs.spec().bigEndian()
				.deflate().bits(16), TestTiffs.spec().planes(5).imageJSingleDirectory(), TestTiffs.spec().bigEndian()
					.bits(16).planes(4).imageJSingleDirectory(), TestTiffs.spec().compression(0).planes(2)))
		{
			Path file = write("valid" + i++ + ".tif", spec.build().bytes());
			TiffCheck.Report report = TiffCheck.check(file, "--input");
			assertEquals(spec.planes, report.planes());
			assertEquals(spec.onlyFirstDirectory ? 1 : spec.planes, report.directories().size());
			assertEquals(spec.width, report.directories().get(0).width());
			assertEquals(spec.order == ByteOrder.LITTLE_ENDIAN, report.littleEndian());
			assertPlanes(ImageFiles.openLazily(file, "--input"), spec);
			assertPlanes(ImageFiles.open(file, "--input"), spec);
		}
	}

	/**
	 * Two strips of an 8-bit plane with their byte counts as two SHORTs inside the entry, as libtiff
	 * writes small uncompressed images: read as stored (ImageJ reads such planes contiguously and
	 * never looks at the counts), the file passes and reads back.
	 */
	@Test
	public void twoShortByteCountsInsideTheEntryAreReadAsStored() throws IOException {
		ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
		int dataAt = 8, offsetsAt = dataAt + 48, directoryAt = offsetsAt + 8;
		b.putInt(4, directoryAt);
		for (int i = 0; i < 48; i++)
			b.put(dataAt + i, (byte) (i * 5));
		b.putInt(offsetsAt, dataAt).putInt(offsetsAt + 4, dataAt + 24);
		b.position(directoryAt);
		int[][] entries = { { 256, 4, 1, 8 }, { 257, 4, 1, 6 }, { 258, 3, 1, 8 }, { 259, 3, 1, 1 }, { 262, 3, 1, 1 },
			{ 273, 4, 2, offsetsAt }, { 277, 3, 1, 1 }, { 278, 4, 1, 3 }, { 279, 3, 2, 24 | 24 << 16 } };
		b.putShort((short) entries.length);
		for (int[] e : entries) {
			b.putShort((short) e[0]).putShort((short) e[1]).putInt(e[2]);
			if (e[1] == 3 && e[2] == 1) b.putShort((short) e[3]).putShort((short) 0);
			else b.putInt(e[3]);
		}
		b.putInt(0);
		Path file = write("two-strips.tif", Arrays.copyOf(b.array(), b.position()));
		TiffCheck.Report report = TiffCheck.check(file, "--input");
		assertEquals(2, report.directories().get(0).strips());
		byte[] pixels = (byte[]) ImageFiles.open(file, "--input").image().getProcessor().getPixels();
		for (int i = 0; i < 48; i++)
			assertEquals("pixel " + i, (byte) (i * 5), pixels[i]);
	}

	/** A strip beyond 2 GiB (a classic TIFF of up to 4 GiB) lies where its unsigned offset says, as ImageJ reads it. */
	@Test
	public void aStripOffsetBeyondTwoGibibytesIsReadUnsigned() throws IOException {
		TestTiffs.Built built = TestTiffs.spec().build();
		long far = 3_000_000_000L;
		built.pointTo(built.stripOffsetValues().get(0), far);
		Path file = write("far.tif", built.bytes());
		try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
			f.setLength(far + 48); // sparse: the plane's 48 bytes at the far offset
		}
		TiffCheck.Report report = TiffCheck.check(file, "--input");
		assertEquals(far, report.directories().get(0).dataStart());
		Files.delete(file);
	}

	@Test
	public void bigTiffIsWalkedInBothByteOrdersThenRefusedForImageJ() throws IOException {
		for (TestTiffs.Spec spec : List.of(TestTiffs.spec().big().planes(3), TestTiffs.spec().big().bigEndian().bits(16)
			.planes(2)))
		{
			TestTiffs.Built built = spec.build();
			Path file = write("big.tif", built.bytes());
			TiffCheck.Report report = TiffCheck.check(file, "--input");
			assertTrue(report.bigTiff());
			assertEquals(spec.planes, report.planes());
			assertEquals(spec.bits, report.directories().get(1).bitsPerSample());
			assertThat(refusal(() -> ImageFiles.openLazily(file, "--input")), containsString("is a BigTIFF"));
			built.pointTo(built.nextPointers().get(1), built.directories().get(0));
			Files.write(file, built.bytes());
			assertThat(refusal(() -> TiffCheck.check(file, "--input")), containsString("form a loop"));
		}
	}

	@Test
	public void aDirectoryPointingToItselfIsALoop() throws IOException {
		TestTiffs.Built built = TestTiffs.spec().build();
		built.pointTo(built.nextPointers().get(0), built.directories().get(0));
		Path file = write("self.tif", built.bytes());
		String message = refusal(() -> ImageFiles.openLazily(file, "--input"));
		assertEquals("--input: " + file + " is not a readable TIFF: its image directories form a loop (directory 2 " +
			"would be the one at byte " + built.directories().get(0) + " again)", message);
		assertThat(refusal(() -> ImageFiles.open(file, "--input")), containsString("form a loop"));
	}

	@Test
	public void twoDirectoriesPointingToEachOtherAreALoop() throws IOException {
		TestTiffs.Built built = TestTiffs.spec().bigEndian().planes(2).build();
		built.pointTo(built.nextPointers().get(1), built.directories().get(0));
		Path file = write("cycle.tif", built.bytes());
		assertThat(refusal(() -> ImageFiles.openLazily(file, "--input")), containsString("directory 3 would be"));
	}

	@Test
	public void aHeaderClaimingFortyThousandSquaredPixelsIsRefusedWithoutAllocating() throws IOException {
		TestTiffs.Built built = TestTiffs.spec().build();
		ByteBuffer b = ByteBuffer.wrap(built.bytes()).order(ByteOrder.LITTLE_ENDIAN);
		int width = built.widthValues().get(0);
		b.putInt(width, 40000).putInt(width + 12, 40000); // height is the next entry
		Path file = write("liar.tif", built.bytes());
		assertTrue(Files.size(file) < 200);
		String message = refusal(() -> ImageFiles.openLazily(file, "--input"));
		assertEquals("--input: " + file + " is truncated or damaged: its pixel data (image directory 1: 40000x40000 " +
			"pixels of 8 bits, 1600000000 bytes) ends at byte " + (1600000000L + b.getInt(built.stripOffsetValues().get(0))) +
			" but the file has " +
			Files.size(file) + " bytes", message);
	}

	@Test
	public void aPlaneBeyondWhatJavaCanHoldSaysSoWithoutHeapAdvice() throws IOException {
		// 70000 x 70000 deflated: the compressed bytes could hold it, no Java array can
		TestTiffs.Built built = TestTiffs.spec().deflate().build();
		ByteBuffer b = ByteBuffer.wrap(built.bytes()).order(ByteOrder.LITTLE_ENDIAN);
		int width = built.widthValues().get(0);
		b.putInt(width, 70000).putInt(width + 12, 70000);
		byte[] padded = Arrays.copyOf(built.bytes(), built.bytes().length + 6_000_000);
		ByteBuffer.wrap(padded).order(ByteOrder.LITTLE_ENDIAN).putInt(built.stripCountValues().get(0), 5_000_000);
		Path file = write("huge.tif", padded);
		String message = refusal(() -> ImageFiles.openLazily(file, "--input"));
		assertThat(message, containsString("70000x70000 = 4900000000 pixels (4900000000 bytes) is larger than ImageJ " +
			"can hold"));
		assertFalse(message.contains("-Xmx"));
	}

	@Test
	public void aCompressedPlaneBeyondItsCodecsRatioIsRefused() throws IOException {
		TestTiffs.Built built = TestTiffs.spec().deflate().build();
		ByteBuffer b = ByteBuffer.wrap(built.bytes()).order(ByteOrder.LITTLE_ENDIAN);
		int width = built.widthValues().get(0);
		b.putInt(width, 20000).putInt(width + 12, 20000);
		Path file = write("ratio.tif", built.bytes());
		assertThat(refusal(() -> ImageFiles.openLazily(file, "--input")), containsString(
			"beyond deflate's largest ratio of 1032:1"));
	}

	/**
	 * Directories that all point at one plane's bytes: a file of 8 KB declaring 40 planes of 4 KB (or, at
	 * the 200,000 directories allowed, terabytes of maps from megabytes).
	 */
	@Test
	public void planesSharingTheirBytesAreRefused() throws IOException {
		TestTiffs.Built one = TestTiffs.spec().size(64, 64).build();
		int directory = one.directories().get(0), length = one.bytes().length - directory; // the file's last part
		ByteBuffer b = ByteBuffer.allocate(one.bytes().length + 39 * length).order(ByteOrder.LITTLE_ENDIAN);
		b.put(one.bytes());
		for (int i = 1; i < 40; i++) { // the same directory again, chained after the one before
			int at = b.position();
			b.putInt(directory + (i - 1) * length + length - 4, at);
			b.put(one.bytes(), directory, length);
		}
		Path file = write("shared.tif", b.array());
		assertThat(refusal(() -> TiffCheck.check(file, "--input")), containsString("its 40 image directories declare " +
			"163840 bytes of pixels, more than its " + b.capacity() + " bytes can hold: planes or strips that share " +
			"their bytes"));
		assertThat(refusal(() -> ImageFiles.openLazily(file, "--input")), containsString("share their bytes"));
		assertEquals(40, TiffCheck.check(write("own.tif", TestTiffs.spec().size(64, 64).planes(40).build().bytes()),
			"--input").planes());
	}

	@Test
	public void truncatedFilesSayWhereTheirDataEnds() throws IOException {
		byte[] whole = Files.readAllBytes(Path.of("test-images/normal_01.tif"));
		Path half = write("normal_01.tif", Arrays.copyOf(whole, whole.length / 2));
		String message = refusal(() -> ImageFiles.openLazily(half, "--input"));
		assertThat(message, containsString(half + " is truncated or damaged: its pixel data ("));
		assertThat(message, containsString("but the file has " + whole.length / 2 + " bytes"));
		assertThat(refusal(() -> ImageFiles.open(half, "--input")), containsString("is truncated"));
		assertThat(refusal(() -> TrainingImages.of(List.of(half), List.of(), "--input")), containsString(
			"is truncated"));
		// a stack cut inside its last plane, and an ImageJ single-directory stack missing a plane
		byte[] stack = TestTiffs.spec().planes(3).build().bytes();
		Path cut = write("cut.tif", Arrays.copyOf(stack, stack.length - 130));
		assertThat(refusal(() -> ImageFiles.openLazily(cut, "--input")), containsString("is truncated"));
		byte[] single = TestTiffs.spec().planes(4).imageJSingleDirectory().build().bytes();
		String text = new String(single, StandardCharsets.ISO_8859_1).replace("images=4", "images=9");
		Path more = write("single.tif", text.getBytes(StandardCharsets.ISO_8859_1));
		assertThat(refusal(() -> ImageFiles.openLazily(more, "--input")), containsString(
			"is truncated or damaged: its pixel data (images=9 planes of 8x6 pixels of 8 bits, 48 bytes)"));
	}

	@Test
	public void emptyAndForeignFilesGetOneLineAndNothingOnTheConsole() throws IOException {
		Path empty = write("empty.tif", new byte[0]);
		assertEquals("--input: " + empty + " is empty (0 bytes), not an image", refusal(() -> ImageFiles.open(empty,
			"--input")));
		assertThat(refusal(() -> ImageFiles.openLazily(empty, "--input")), containsString("is empty"));
		for (String name : List.of("text.tif", "text.png", "text.jpg", "text.gif", "text.bmp")) {
			Path text = write(name, "not an image at all".getBytes(StandardCharsets.UTF_8));
			assertThat(refusal(() -> ImageFiles.open(text, "--input")), containsString("cannot read " + text +
				" as an image"));
		}
		Path header = write("header.tif", new byte[] { 'I', 'I', 42, 0, 8, 0, 0, 0 });
		assertThat(refusal(() -> ImageFiles.openLazily(header, "--input")), containsString(
			"is truncated or damaged: its image directory 1 (bytes 8 to 10) ends at byte 10 but the file has 8 bytes"));
	}

	@Test
	public void aPngHeaderDeclaringTooManyPixelsIsRefusedBeforeDecoding() throws IOException {
		Path png = tmp.getRoot().toPath().resolve("small.png");
		ImageIO.write(new ColorProcessor(8, 6).getBufferedImage(), "png", png.toFile());
		byte[] bytes = Files.readAllBytes(png);
		ByteBuffer b = ByteBuffer.wrap(bytes); // IHDR: length at 8, type at 12, width at 16, height at 20, CRC at 29
		b.putInt(16, 100_000).putInt(20, 100_000);
		CRC32 crc = new CRC32();
		crc.update(bytes, 12, 17);
		b.putInt(29, (int) crc.getValue());
		Path liar = write("liar.png", bytes);
		String message = refusal(() -> ImageFiles.open(liar, "--input"));
		assertThat(message, containsString("its PNG header declares 100000x100000 = 10000000000 pixels, more than " +
			"ImageJ can hold"));
		// within what ImageJ holds, but more than the file's bytes can code: crafted, not a memory setting
		b.putInt(16, 20_000).putInt(20, 20_000);
		crc.reset();
		crc.update(bytes, 12, 17);
		b.putInt(29, (int) crc.getValue());
		Path crafted = write("crafted.png", bytes);
		assertThat(refusal(() -> ImageFiles.open(crafted, "--input")), containsString("its PNG header declares " +
			"20000x20000 pixels, but the file holds only " + bytes.length + " bytes (PNG's compression gives at most 8256 " +
			"pixels a byte): it is damaged or crafted"));
		assertEquals(8, ImageFiles.open(png, "--input").image().getWidth());
	}

	/**
	 * A GIF whose logical screen (what ImageJ opens) is far larger than its frame, and a JPEG whose
	 * frame header declares far more pixels than its bytes can code, are refused before decoding (they
	 * took 540 s and 5 GB, 240 s and 4 GB); the true files open.
	 */
	@Test
	public void gifScreensAndJpegFramesBeyondWhatTheirBytesCodeAreRefused() throws IOException {
		Path gif = tmp.getRoot().toPath().resolve("small.gif"), jpeg = tmp.getRoot().toPath().resolve("small.jpg");
		ImageIO.write(new ColorProcessor(100, 80).getBufferedImage(), "gif", gif.toFile());
		ImageIO.write(new ColorProcessor(100, 80).getBufferedImage(), "jpeg", jpeg.toFile());
		byte[] g = Files.readAllBytes(gif);
		ByteBuffer.wrap(g).order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort(6, (short) 20000).putShort(8, (short) 20000);
		Path screen = write("screen.gif", g);
		assertThat(refusal(() -> ImageFiles.open(screen, "--input")), containsString("its GIF header declares " +
			"20000x20000 pixels, but the file holds only " + g.length + " bytes"));
		byte[] j = Files.readAllBytes(jpeg);
		int sof = 2;
		while (!(j[sof] == (byte) 0xFF && (j[sof + 1] == (byte) 0xC0 || j[sof + 1] == (byte) 0xC2)))
			sof += 2 + ((j[sof + 2] & 0xff) << 8 | (j[sof + 3] & 0xff));
		// SOF: marker, length (2), precision (1), height (2), width (2)
		ByteBuffer.wrap(j).putShort(sof + 5, (short) 20000).putShort(sof + 7, (short) 20000);
		Path frame = write("frame.jpg", j);
		assertThat(refusal(() -> ImageFiles.open(frame, "--input")), containsString("its JPEG header declares " +
			"20000x20000 pixels, but the file holds only " + j.length + " bytes"));
		assertEquals(100, ImageFiles.open(gif, "--input").image().getWidth());
		assertEquals(80, ImageFiles.open(jpeg, "--input").image().getHeight());
	}

	@Test
	public void everyShippedAndWrittenImagePasses() throws IOException {
		List<Path> shipped;
		try (Stream<Path> walk = Files.walk(Path.of("test-images"))) {
			shipped = walk.filter(f -> f.toString().endsWith(".tif")).sorted().toList();
		}
		assertTrue(shipped.size() >= 15);
		Path dir = tmp.getRoot().toPath();
		ImageStack stack = new ImageStack(20, 10);
		for (int i = 0; i < 12; i++)
			stack.addSlice(new ShortProcessor(20, 10));
		ImagePlus hyper = new ImagePlus("hyper", stack);
		hyper.setDimensions(2, 3, 2);
		hyper.setOpenAsHyperStack(true);
		new FileSaver(hyper).saveAsTiffStack(dir.resolve("hyper.tif").toString());
		new FileSaver(new ImagePlus("f", new FloatProcessor(9, 7))).saveAsTiff(dir.resolve("float.tif").toString());
		new FileSaver(new ImagePlus("b", new ByteProcessor(9, 7))).saveAsTiff(dir.resolve("byte.tif").toString());
		new FileSaver(new ImagePlus("c", new ColorProcessor(9, 7))).saveAsTiff(dir.resolve("rgb.tif").toString());
		new FileSaver(new ImagePlus("c", new ColorProcessor(9, 7))).saveAsPng(dir.resolve("rgb.png").toString());
		ImagePlus source = ImageFiles.open(shipped.get(0), "--input").image();
		for (MapFiles.Kind kind : List.of(MapFiles.Kind.FLOAT, MapFiles.Kind.SIXTEEN_BIT))
			MapFiles.write(MapFiles.image(hyper, 6, kind, n -> kind == MapFiles.Kind.FLOAT ? new FloatProcessor(20, 10)
				: new ShortProcessor(20, 10)), dir.resolve("map-" + kind.option() + ".tif"));
		List<Path> written = List.of(dir.resolve("hyper.tif"), dir.resolve("float.tif"), dir.resolve("byte.tif"),
			dir.resolve("rgb.tif"), dir.resolve("map-float.tif"), dir.resolve("map-16bit.tif"));
		for (Path file : Stream.concat(shipped.stream(), written.stream()).toList()) {
			TiffCheck.Report report = TiffCheck.check(file, "--input");
			ImagePlus lazy = ImageFiles.openLazily(file, "--input").image();
			ImagePlus whole = ImageFiles.open(file, "--input").image();
			assertEquals(file.toString(), whole.getStackSize(), lazy.getStackSize());
			// a TIFF of one plane is read once, whole; one of several planes is read a plane at a time
			assertEquals(file.toString(), whole.getStackSize() > 1, lazy.getStack().isVirtual());
			assertEquals(file.toString(), new ImageFiles.Shape(ImagePlusPlanes.count(whole), (long) whole.getWidth() * whole
				.getHeight()), ImageFiles.shape(file, "--input"));
			assertEquals(file.toString(), report.planes(), whole.getStackSize());
			assertEquals(file.toString(), whole.getNChannels(), lazy.getNChannels());
			assertEquals(file.toString(), whole.getNFrames(), lazy.getNFrames());
			for (int n = 1; n <= whole.getStackSize(); n++)
				assertTrue(file + " plane " + n, Arrays.equals(new Object[] { whole.getStack().getPixels(n) },
					new Object[] { lazy.getStack().getPixels(n) }) || pixelsEqual(whole.getStack().getPixels(n), lazy
						.getStack().getPixels(n)));
		}
		assertEquals(source.getWidth(), ImageFiles.open(shipped.get(0), "--input").image().getWidth());
		assertEquals(9, ImageFiles.open(dir.resolve("rgb.png"), "--input").image().getWidth());
	}

	static boolean pixelsEqual(Object a, Object b) {
		if (a instanceof byte[] x && b instanceof byte[] y) return Arrays.equals(x, y);
		if (a instanceof short[] x && b instanceof short[] y) return Arrays.equals(x, y);
		if (a instanceof float[] x && b instanceof float[] y) return Arrays.equals(x, y);
		if (a instanceof int[] x && b instanceof int[] y) return Arrays.equals(x, y);
		return false;
	}
}
