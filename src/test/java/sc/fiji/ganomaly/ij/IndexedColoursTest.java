package sc.fiji.ganomaly.ij;

import static org.junit.Assert.assertEquals;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

/**
 * A PNG whose palette holds greys in no order is read as the greys it shows, the same values as the
 * picture saved plainly, whether from a file (command line, folder command) or as an image open in
 * Fiji; display look-up tables (an inverted grey ramp, a colour ramp) and colour palettes keep the
 * pixel values, as ImageJ holds them.
 */
public class IndexedColoursTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void greysInNoOrderAreReadAsTheGreysTheyShow() throws IOException {
		int[] order = new int[256], entryOf = new int[256];
		for (int i = 0; i < 256; i++)
			order[i] = (i * 97 + 13) % 256; // palette entry i shows grey order[i]
		for (int i = 0; i < 256; i++)
			entryOf[order[i]] = i;
		byte[] shuffled = new byte[256], inverted = new byte[256], reds = new byte[256];
		for (int i = 0; i < 256; i++) {
			shuffled[i] = (byte) order[i];
			inverted[i] = (byte) (255 - i);
			reds[i] = (byte) i;
		}
		BufferedImage plain = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
		BufferedImage indexed = palette(shuffled, shuffled, shuffled), invertedImage = palette(inverted, inverted,
			inverted), redImage = palette(reds, new byte[256], new byte[256]);
		for (int y = 0; y < 16; y++)
			for (int x = 0; x < 16; x++) {
				int grey = x * 16 + y;
				plain.getRaster().setSample(x, y, 0, grey);
				indexed.getRaster().setSample(x, y, 0, entryOf[grey]);
				invertedImage.getRaster().setSample(x, y, 0, grey);
				redImage.getRaster().setSample(x, y, 0, grey);
			}
		assertEquals(3 * 16 + 5, value(write(plain, "plain.png"), 3, 5), 0);
		// from a file and as an image open in Fiji
		assertEquals(3 * 16 + 5, value(write(indexed, "indexed.png"), 3, 5), 0);
		ij.ImagePlus open = new ij.ImagePlus("open", new ij.process.ByteProcessor(16, 16));
		for (int y = 0; y < 16; y++)
			for (int x = 0; x < 16; x++)
				open.getProcessor().set(x, y, entryOf[x * 16 + y]);
		open.getProcessor().setLut(new ij.process.LUT(shuffled, shuffled, shuffled));
		assertEquals(3 * 16 + 5, value(open, 3, 5), 0);
		// look-up tables that display the values keep them: an inverted grey ramp, a colour ramp
		assertEquals(3 * 16 + 5, value(write(invertedImage, "inverted.png"), 3, 5), 0);
		ij.ImagePlus red = write(redImage, "red.png");
		assertEquals(1, ImagePlusPlanes.channels(red));
		assertEquals(3 * 16 + 5, value(red, 3, 5), 0);
	}

	private static BufferedImage palette(byte[] r, byte[] g, byte[] b) {
		return new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, r, g, b));
	}

	private ij.ImagePlus write(BufferedImage image, String name) throws IOException {
		Path file = tmp.getRoot().toPath().resolve(name);
		javax.imageio.ImageIO.write(image, "png", file.toFile());
		return ImageFiles.open(file, "--input").image();
	}

	/** The value the scoring reads at (x, y) of the image's first plane. */
	private static double value(ij.ImagePlus imp, int x, int y) {
		RandomAccessibleInterval<? extends RealType<?>> plane = ImagePlusPlanes.of(imp, 1, 1).get(0).image();
		RandomAccess<? extends RealType<?>> at = plane.randomAccess();
		at.setPosition(new long[] { x, y, 0 });
		return at.get().getRealDouble();
	}
}
