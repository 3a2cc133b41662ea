package sc.fiji.ganomaly.ij;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

import org.w3c.dom.Node;

/** JPEG files for tests: whole ones of noise, and the same damaged or crafted as files from outside may be. */
public final class TestJpegs {

	private static final String JPEG_METADATA = "javax_imageio_jpeg_image_1.0";

	private TestJpegs() {}

	/** A greyscale JPEG of {@code width × height} pixels of seeded noise; progressive (several scans) or baseline (one). */
	public static byte[] noise(int width, int height, boolean progressive) throws IOException {
		return noise(width, height, progressive, 0);
	}

	/**
	 * As {@link #noise(int, int, boolean)}, with a restart marker after every {@code restartInterval} blocks
	 * of 8 × 8 pixels (as many cameras write them; 0: none).
	 */
	public static byte[] noise(int width, int height, boolean progressive, int restartInterval) throws IOException {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
		Random random = new Random(3);
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++)
				image.getRaster().setSample(x, y, 0, 64 + random.nextInt(128));
		return jpeg(image, progressive, restartInterval);
	}

	/** A progressive greyscale JPEG of {@code width × height} black pixels: a few bytes a scan. */
	public static byte[] blank(int width, int height) throws IOException {
		return jpeg(new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY), true, 0);
	}

	private static byte[] jpeg(BufferedImage image, boolean progressive, int restartInterval) throws IOException {
		ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
			writer.setOutput(out);
			ImageWriteParam param = writer.getDefaultWriteParam();
			if (progressive) param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
			IIOMetadata metadata = null;
			if (restartInterval > 0) { // a DRI segment in the JPEG metadata's marker sequence
				metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
				IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(JPEG_METADATA);
				Node markers = root.getElementsByTagName("markerSequence").item(0);
				IIOMetadataNode dri = new IIOMetadataNode("dri");
				dri.setAttribute("interval", Integer.toString(restartInterval));
				markers.insertBefore(dri, markers.getFirstChild());
				metadata.setFromTree(JPEG_METADATA, root);
			}
			writer.write(null, new IIOImage(image, null, metadata), param);
		}
		finally {
			writer.dispose();
		}
		return bytes.toByteArray();
	}

	/** {@code jpeg} with its last scan (from its last start of scan to the end-of-image marker) repeated {@code copies} more times. */
	public static byte[] withLastScanRepeated(byte[] jpeg, int copies) {
		int last = lastIndexOf(jpeg, 0xDA), end = jpeg.length - 2;
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(jpeg, 0, end);
		for (int i = 0; i < copies; i++)
			out.write(jpeg, last, end - last);
		out.write(jpeg, end, 2);
		return out.toByteArray();
	}

	/**
	 * {@code jpeg} with the middle half of its first scan's data replaced by seeded random bytes (but
	 * FF, which would start markers), as a disk's or a transfer's error leaves it.
	 */
	public static byte[] garbled(byte[] jpeg) {
		byte[] out = jpeg.clone();
		int data = scanData(jpeg), end = jpeg.length - 2;
		Random random = new Random(5);
		for (int i = data + (end - data) / 4; i < data + 3 * (end - data) / 4; i++)
			out[i] = (byte) random.nextInt(255);
		return out;
	}

	/** {@code jpeg} with a marker no scan may hold (FF A4) in the middle of its first scan's data. */
	public static byte[] strayMarker(byte[] jpeg) {
		byte[] out = jpeg.clone();
		int data = scanData(jpeg), middle = data + (jpeg.length - 2 - data) / 2;
		out[middle] = (byte) 0xFF;
		out[middle + 1] = (byte) 0xA4;
		return out;
	}

	/** The first byte of the first scan's compressed data. */
	private static int scanData(byte[] jpeg) {
		for (int i = 2; i + 3 < jpeg.length; i++)
			if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) return i + 2 + ((jpeg[i + 2] & 0xFF) << 8 |
				(jpeg[i + 3] & 0xFF));
		throw new IllegalArgumentException("no start of scan");
	}

	private static int lastIndexOf(byte[] jpeg, int marker) {
		for (int i = jpeg.length - 2; i >= 0; i--)
			if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) return i;
		throw new IllegalArgumentException("no marker FF " + Integer.toHexString(marker));
	}
}
