package sc.fiji.ganomaly.ij;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.ImagePlus;

/**
 * An OME-TIFF is read with the channels, slices and frames its OME-XML states, its planes in
 * ImageJ's order, whether read whole or plane by plane; one whose planes are not those of one OME
 * image in the file is refused in one line.
 */
public class OmeLayoutTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** An OME-TIFF of {@code planes} 16-bit planes whose first description says {@code pixels} (a Pixels element's attributes). */
	private Path ome(String name, int planes, String pixels, int images) throws IOException {
		StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><OME xmlns=" +
			"\"http://www.openmicroscopy.org/Schemas/OME/2016-06\">");
		for (int i = 0; i < images; i++)
			xml.append("<Image ID=\"Image:").append(i).append("\"><Pixels ID=\"Pixels:").append(i).append("\" ").append(pixels)
				.append(" Type=\"uint16\" SizeX=\"8\" SizeY=\"6\"><TiffData/></Pixels></Image>");
		xml.append("</OME>");
		Path file = tmp.getRoot().toPath().resolve(name);
		Files.write(file, TestTiffs.spec().bits(16).planes(planes).description(xml.toString()).build().bytes());
		return file;
	}

	/** The plane of the file (0-based) that an image shows at channel c, slice z, frame t (1-based). */
	private static int planeShown(ImagePlus imp, int c, int z, int t) {
		int value = imp.getStack().getProcessor(imp.getStackIndex(c, z, t)).get(0, 0) / 100;
		for (int p = 0; p < 256; p++)
			if (TestTiffs.pixel(p, 0, 0) == value) return p;
		throw new AssertionError("no plane has the value " + value);
	}

	@Test
	public void channelsSlicesAndFramesAreThoseOfTheOmeXmlInImageJsOrder() throws IOException {
		// planes stored slice fastest, then channel, then frame: file plane z + 3 c + 6 t
		Path file = ome("zct.ome.tif", 12, "DimensionOrder=\"XYZCT\" SizeC=\"2\" SizeZ=\"3\" SizeT=\"2\"", 1);
		for (ImagePlus imp : List.of(ImageFiles.open(file, "--input").image(), ImageFiles.openLazily(file, "--input")
			.image())) {
			assertEquals(2, imp.getNChannels());
			assertEquals(3, imp.getNSlices());
			assertEquals(2, imp.getNFrames());
			for (int t = 1; t <= 2; t++)
				for (int z = 1; z <= 3; z++)
					for (int c = 1; c <= 2; c++)
						assertEquals("c" + c + " z" + z + " t" + t, (z - 1) + 3 * (c - 1) + 6 * (t - 1), planeShown(imp, c, z, t));
		}
		// in ImageJ's own order the planes stay where they are
		ImagePlus czt = ImageFiles.openLazily(ome("czt.ome.tif", 6, "DimensionOrder=\"XYCZT\" SizeC=\"2\" SizeZ=\"3\" " +
			"SizeT=\"1\"", 1), "--input").image();
		assertEquals(2, czt.getNChannels());
		assertEquals(3, czt.getNSlices());
		assertEquals(5, planeShown(czt, 2, 3, 1));
		assertEquals("planes (slices and frames), not channels, are counted", 3, ImageFiles.shape(file.resolveSibling(
			"czt.ome.tif"), "--input").planes());
	}

	@Test
	public void planesThatAreNotOneOmeImagesAreRefusedInOneLine() throws IOException {
		Path part = ome("part.ome.tif", 6, "DimensionOrder=\"XYCZT\" SizeC=\"2\" SizeZ=\"5\" SizeT=\"1\"", 1);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFiles.openLazily(part,
			"--input"));
		assertTrue(e.getMessage(), e.getMessage().startsWith("--input: " + part + " is an OME-TIFF of 2 channel(s), 5 " +
			"slice(s) and 1 time point(s), but ImageJ reads 6 plane(s) of pixels from it"));
		assertFalse(e.getMessage(), e.getMessage().contains("\n"));
		Path series = ome("series.ome.tif", 4, "DimensionOrder=\"XYCZT\" SizeC=\"1\" SizeZ=\"2\" SizeT=\"1\"", 2);
		e = assertThrows(IllegalArgumentException.class, () -> ImageFiles.open(series, "folder"));
		assertTrue(e.getMessage(), e.getMessage().startsWith("folder: " + series + " is an OME-TIFF of 2 images (series)"));
		Path unordered = ome("unordered.ome.tif", 2, "DimensionOrder=\"XYZZT\" SizeC=\"1\" SizeZ=\"2\" SizeT=\"1\"", 1);
		e = assertThrows(IllegalArgumentException.class, () -> ImageFiles.open(unordered, "--input"));
		assertTrue(e.getMessage(), e.getMessage().contains("whose Pixels element does not say its DimensionOrder"));
		// TiffData that puts the planes elsewhere than the DimensionOrder (slice 2 in the file's second plane of an XYCZT file)
		Path placed = tmp.getRoot().toPath().resolve("placed.ome.tif");
		Files.write(placed, TestTiffs.spec().bits(16).planes(4).description("<?xml version=\"1.0\"?><OME><Image ID=\"I\">" +
			"<Pixels DimensionOrder=\"XYCZT\" SizeC=\"2\" SizeZ=\"2\" SizeT=\"1\"><TiffData IFD=\"1\" FirstZ=\"1\"/>" +
			"</Pixels></Image></OME>").build().bytes());
		e = assertThrows(IllegalArgumentException.class, () -> ImageFiles.open(placed, "--input"));
		assertTrue(e.getMessage(), e.getMessage().contains("whose TiffData elements place its planes otherwise than its " +
			"DimensionOrder XYCZT says"));
	}

	/**
	 * OME-XML with a namespace prefix and single quotes is read; a description that only names an
	 * element beginning with OME is no OME-XML, and a TIFF that holds it reads as before.
	 */
	@Test
	public void omeIsToldByItsRootElement() throws IOException {
		Path prefixed = tmp.getRoot().toPath().resolve("prefixed.ome.tif");
		Files.write(prefixed, TestTiffs.spec().bits(16).planes(4).description("<?xml version='1.0'?><!-- a comment -->" +
			"<ome:OME xmlns:ome='http://www.openmicroscopy.org/Schemas/OME/2016-06'><ome:Image ID='I'><ome:Pixels " +
			"DimensionOrder='XYZCT' SizeC = '2' SizeZ='2' SizeT='1'><ome:TiffData IFD='0' PlaneCount='4'/></ome:Pixels>" +
			"</ome:Image></ome:OME>").build().bytes());
		ImagePlus imp = ImageFiles.openLazily(prefixed, "--input").image();
		assertEquals(2, imp.getNChannels());
		assertEquals(2, imp.getNSlices());
		assertEquals("channel 2 of slice 1 is the file's third plane", 2, planeShown(imp, 2, 1, 1));
		Path notOme = tmp.getRoot().toPath().resolve("omega.tif");
		Files.write(notOme, TestTiffs.spec().bits(16).planes(4).description("<?xml version=\"1.0\"?><Metadata><OMEGA/>" +
			"</Metadata>").build().bytes());
		ImagePlus plain = ImageFiles.openLazily(notOme, "--input").image();
		assertEquals(1, plain.getNChannels());
		assertEquals(4, plain.getNSlices());
	}
}
