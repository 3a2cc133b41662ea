package sc.fiji.ganomaly.ij;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.TiffEncoder;
import ij.process.ByteProcessor;

/** ImageJ's own metadata in a TIFF ({@link ImageJMetadata}): what ImageJ would decode is checked first. */
public class ImageJMetadataTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** Stands for any class whose deserialization runs code: it only notes that it ran. */
	static final class Deserialized implements Serializable {

		private static final long serialVersionUID = 1L;

		static volatile boolean ran;

		private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
			in.defaultReadObject();
			ran = true;
		}
	}

	/** An 8-bit 16x16 TIFF as ImageJ writes it, with {@code edit} applied to its file information. */
	Path tiff(String name, java.util.function.Consumer<FileInfo> edit) throws IOException {
		ByteProcessor ip = new ByteProcessor(16, 16);
		for (int i = 0; i < 256; i++)
			ip.set(i, i);
		FileInfo fi = new ImagePlus(name, ip).getFileInfo();
		edit.accept(fi);
		Path file = tmp.getRoot().toPath().resolve(name);
		try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
			new TiffEncoder(fi).write(out);
		}
		return file;
	}

	static byte[] serialized(Object o) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
			out.writeObject(o);
		}
		return bytes.toByteArray();
	}

	/** A TIFF whose ImageJ plot is a {@link Deserialized}. */
	Path withPlot(String name) throws IOException {
		byte[] plot = serialized(new Deserialized());
		return tiff(name, fi -> fi.plot = plot);
	}

	@Test
	public void aPlotIsRefusedBeforeImageJDeserializesIt() throws IOException {
		Deserialized.ran = false;
		Path file = withPlot("plot.tif");
		String message = TiffCheckTest.refusal(() -> ImageFiles.open(file, "--input"));
		assertFalse("ImageJ deserialized the plot", Deserialized.ran);
		assertThat(message, containsString("--input: " + file));
		assertThat(message, containsString("plot"));
		TiffCheckTest.refusal(() -> ImageFiles.openLazily(file, "--input"));
		assertFalse(Deserialized.ran);
	}

	@Test
	public void anImageWithAnOverlayStillOpens() throws IOException {
		Path file = tiff("overlay.tif", fi -> {
			fi.overlay = new byte[][] { ij.io.RoiEncoder.saveAsByteArray(new ij.gui.PolygonRoi(new float[] { 1, 10, 5 },
				new float[] { 1, 2, 12 }, ij.gui.Roi.POLYGON)) };
			fi.roi = ij.io.RoiEncoder.saveAsByteArray(new ij.gui.OvalRoi(2, 3, 8, 9));
		});
		ImagePlus imp = ImageFiles.open(file, "--input").image();
		assertEquals(255, imp.getProcessor().get(15, 15));
		assertEquals(1, imp.getOverlay().size());
	}

	@Test
	public void everyKindOfMetadataImageJWritesStillOpens() throws IOException {
		ij.ImageStack stack = new ij.ImageStack(16, 16);
		for (int i = 0; i < 4; i++) {
			ByteProcessor ip = new ByteProcessor(16, 16);
			ip.set(i, i, 200);
			stack.addSlice("label " + i, ip);
		}
		ImagePlus imp = new ImagePlus("meta", stack);
		imp.setDimensions(2, 2, 1);
		imp = new ij.CompositeImage(imp, ij.IJ.COMPOSITE);
		imp.setProperty("Info", "some information");
		imp.setProp("key", "value");
		ij.gui.Overlay overlay = new ij.gui.Overlay();
		ij.gui.PolygonRoi spline = new ij.gui.PolygonRoi(new float[] { 1, 12, 6, 2 }, new float[] { 1, 3, 13, 9 },
			ij.gui.Roi.POLYGON);
		spline.fitSpline();
		overlay.add(spline);
		ij.gui.PointRoi points = new ij.gui.PointRoi(new float[] { 2, 5, 9 }, new float[] { 3, 6, 10 });
		points.setCounter(1);
		overlay.add(points);
		overlay.add(new ij.gui.TextRoi(2, 2, "a note", new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 9)));
		overlay.add(new ij.gui.ImageRoi(3, 3, new ByteProcessor(4, 4)));
		overlay.add(new ij.gui.ShapeRoi(new ij.gui.OvalRoi(1, 1, 6, 6)).or(new ij.gui.ShapeRoi(new ij.gui.Roi(8, 8, 4, 4))));
		overlay.add(new ij.gui.EllipseRoi(2, 2, 12, 10, 0.5));
		overlay.add(new ij.gui.Line(1, 1, 14, 14));
		imp.setOverlay(overlay);
		imp.setRoi(new ij.gui.OvalRoi(2, 3, 8, 9));
		Path file = tmp.getRoot().toPath().resolve("meta.tif");
		new ij.io.FileSaver(imp).saveAsTiff(file.toString());
		ImagePlus read = ImageFiles.open(file, "--input").image();
		assertEquals(4, read.getStackSize());
		assertEquals(200, read.getStack().getProcessor(3).get(2, 2));
		assertEquals(overlay.size(), read.getOverlay().size());
		assertEquals("some information", read.getInfoProperty());
		assertEquals(4, ImageFiles.openLazily(file, "--input").image().getStackSize());
	}

	/** The bytes of an ImageJ selection, with {@code edit} applied. */
	static byte[] roi(ij.gui.Roi roi, java.util.function.Consumer<java.nio.ByteBuffer> edit) {
		java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(ij.io.RoiEncoder.saveAsByteArray(roi));
		edit.accept(b);
		return b.array();
	}

	String refusedOverlay(String name, byte[] selection) throws IOException {
		Path file = tiff(name, fi -> fi.overlay = new byte[][] { selection });
		long before = usedHeap();
		String message = TiffCheckTest.refusal(() -> ImageFiles.open(file, "--input"));
		assertThat(message, containsString("--input: " + file + " is not a readable TIFF: image directory 1's ImageJ " +
			"metadata's overlay selection 1 "));
		assertFalse("the check allocated " + (usedHeap() - before) + " bytes", usedHeap() - before > 256L << 20);
		return message;
	}

	static long usedHeap() {
		Runtime r = Runtime.getRuntime();
		return r.totalMemory() - r.freeMemory();
	}

	@Test
	public void aPolygonDeclaringMorePointsThanItHoldsIsRefused() throws IOException {
		// 268 million points in 100 bytes: ImageJ would allocate two int arrays of 1 GiB each before reading them
		byte[] polygon = roi(new ij.gui.PolygonRoi(new int[] { 1, 5, 3 }, new int[] { 1, 2, 6 }, 3, ij.gui.Roi.POLYGON),
			b -> {
				b.putShort(16, (short) 0);
				b.putInt(18, 1 << 28);
			});
		assertThat(refusedOverlay("points.tif", polygon), containsString("declares 268435456 points (1073741888 bytes) " +
			"but has "));
	}

	@Test
	public void aSplineAlongAFarPointIsRefused() throws IOException {
		// ImageJ fits one spline point for every two pixels of the outline: 10^30 pixels long here
		ij.gui.PolygonRoi far = new ij.gui.PolygonRoi(new float[] { 1, 5, 1e30f }, new float[] { 1, 2, 6 },
			ij.gui.Roi.POLYLINE);
		byte[] spline = roi(far, b -> b.putShort(50, (short) (b.getShort(50) | 1)));
		assertThat(refusedOverlay("spline.tif", spline), containsString("asks for a spline fitted along "));
	}

	@Test
	public void aTextOfMoreCharactersThanItsBytesIsRefused() throws IOException {
		byte[] text = roi(new ij.gui.TextRoi(2, 2, "a note", new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 9)),
			b -> b.putInt(64 + 12, Integer.MAX_VALUE / 4));
		assertThat(refusedOverlay("text.tif", text), containsString("declares a text of 536870911 characters"));
	}

	@Test
	public void anImageSelectionIsCheckedAsATiffOfItsOwn() throws IOException {
		Deserialized.ran = false;
		Path inner = withPlot("inner.tif");
		ij.gui.ImageRoi image = new ij.gui.ImageRoi(3, 3, new ByteProcessor(16, 16));
		byte[] plain = ij.io.RoiEncoder.saveAsByteArray(image);
		int header2 = java.nio.ByteBuffer.wrap(plain).getInt(60), size = java.nio.ByteBuffer.wrap(plain).getInt(header2 + 32);
		byte[] tiff = Files.readAllBytes(inner);
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(plain.length - size + tiff.length);
		b.put(plain, 0, 64).put(tiff).put(plain, 64 + size, plain.length - 64 - size);
		b.putInt(60, header2 - size + tiff.length).putInt(header2 - size + tiff.length + 32, tiff.length);
		assertThat(refusedOverlay("image.tif", b.array()), containsString("image selection whose image is not a readable " +
			"TIFF"));
		assertFalse(Deserialized.ran);
	}

	@Test
	public void moreOverlaySelectionsThanByteCountsAreRefused() throws IOException {
		// ImageJ would allocate an array of 2^31 - 1 selections before reading the first
		Path file = tiff("many.tif", fi -> fi.overlay = new byte[][] { ij.io.RoiEncoder.saveAsByteArray(new ij.gui.Roi(1, 1,
			4, 4)) });
		byte[] bytes = Files.readAllBytes(file);
		java.nio.ByteOrder order = bytes[0] == 'I' ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN;
		byte[] type = java.nio.ByteBuffer.allocate(4).order(order).putInt(ImageJMetadata.OVERLAY).array();
		java.nio.ByteBuffer.wrap(bytes).order(order).putInt(indexOf(bytes, type) + 4, Integer.MAX_VALUE);
		Files.write(file, bytes);
		assertThat(TiffCheckTest.refusal(() -> ImageFiles.open(file, "--input")), containsString(
			"metadata declares 2147483647 overlay selections from byte count 1 of 1"));
	}

	static int indexOf(byte[] in, byte[] what) {
		for (int i = 0; i + what.length <= in.length; i++)
			if (java.util.Arrays.equals(in, i, i + what.length, what, 0, what.length)) return i;
		throw new AssertionError("not found");
	}
}
