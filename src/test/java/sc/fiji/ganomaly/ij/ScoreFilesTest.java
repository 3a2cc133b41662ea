package sc.fiji.ganomaly.ij;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/** The shared per-file pieces of ganomaly score and ganomaly-spark that need no model. */
public class ScoreFilesTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** Channels are 1-based numbers, each given once (in one option or several). */
	@Test
	public void channelsAreNumbersEachGivenOnce() {
		assertEquals(List.of(2, 1), ImageChannels.parse(List.of("2, 1")));
		assertEquals(List.of(1, 3), ImageChannels.parse(List.of("1", "3")));
		for (List<String> bad : List.of(List.of("2,2"), List.of("1", "1"), List.of("one")))
			try {
				ImageChannels.parse(bad);
				fail(bad + " accepted");
			}
			catch (IllegalArgumentException e) {
				assertTrue(e.getMessage(), e.getMessage().startsWith("--channels "));
			}
	}

	@Test
	public void globsListsFoldersAndFilesExpandInOrder() throws IOException {
		Path dir = tmp.getRoot().toPath();
		for (String name : List.of("b.tif", "a.tif", "note.txt", "sub/c.tif", "sub/deep/e.tif", ".cache/h.tif",
			"sub/.f.tif")) {
			Files.createDirectories(dir.resolve(name).getParent());
			Files.writeString(dir.resolve(name), "x");
		}
		assertEquals(List.of(dir.resolve("a.tif"), dir.resolve("b.tif")), ImageFiles.expand(List.of(dir + "/*.tif"),
			"--input"));
		// ** matches no folder too, as in bash's globstar; hidden files and folders only when named
		assertEquals(List.of(dir.resolve("a.tif"), dir.resolve("b.tif"), dir.resolve("sub/c.tif"), dir.resolve(
			"sub/deep/e.tif")), ImageFiles.expand(List.of(dir + "/**/*.tif"), "--input"));
		assertEquals(List.of(dir.resolve("sub/c.tif"), dir.resolve("sub/deep/e.tif")), ImageFiles.expand(List.of(dir +
			"/sub/**/*.tif"), "--input"));
		assertEquals(List.of(dir.resolve("sub/deep/e.tif")), ImageFiles.expand(List.of(dir + "/**/deep/**/*.tif"),
			"--input"));
		assertEquals(List.of(dir.resolve(".cache/h.tif")), ImageFiles.expand(List.of(dir + "/.cache/*.tif"), "--input"));
		// ** within a name stands for no folder of its own: run**/img/ is not runimg/
		Path runs = tmp.newFolder("runs").toPath();
		for (String name : List.of("run1/img/a.tif", "runimg/b.tif")) {
			Files.createDirectories(runs.resolve(name).getParent());
			Files.writeString(runs.resolve(name), "x");
		}
		assertEquals(List.of(runs.resolve("run1/img/a.tif")), ImageFiles.expand(List.of(runs + "/run**/img/*.tif"),
			"--input"));
		Files.writeString(dir.resolve("list.txt"), "# inputs\nsub/c.tif\n\n*.tif\n");
		assertEquals(List.of(dir.resolve("sub/c.tif"), dir.resolve("a.tif"), dir.resolve("b.tif")),
			ImageFiles.expand(List.of("@" + dir.resolve("list.txt")), "--input"));
		// **/ repeated is one **/, matched at once; a glob of many is refused, not matched in 2^n ways
		assertEquals(ImageFiles.expand(List.of(dir + "/**/*.tif"), "--input"), ImageFiles.expand(List.of(dir + "/" +
			"**/".repeat(40) + "*.tif"), "--input"));
		assertEquals("--input: the glob " + dir + "/**/a/**/b/**/c/**/d/**/e/**/f/**/*.tif holds 7 folder wildcards " +
			"(**/); at most 6 are taken", org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ImageFiles
				.expand(List.of(dir + "/**/a/**/b/**/c/**/d/**/e/**/f/**/*.tif"), "--input")).getMessage());
		// as Windows editors save it: a byte order mark and CRLF; in Latin-1, a clear refusal
		Files.writeString(dir.resolve("bom.txt"), "\uFEFFsub/c.tif\r\na.tif\r\n");
		assertEquals(List.of(dir.resolve("sub/c.tif"), dir.resolve("a.tif")),
			ImageFiles.expand(List.of("@" + dir.resolve("bom.txt")), "--input"));
		Files.write(dir.resolve("latin1.txt"), "caf\u00e9.tif\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
		assertEquals("--input: the list " + dir.resolve("latin1.txt") + " is not UTF-8 text; save it as UTF-8",
			org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ImageFiles.expand(List.of("@" +
				dir.resolve("latin1.txt")), "--input")).getMessage());
		assertEquals(List.of(dir.resolve("b.tif"), dir.resolve("a.tif"), dir.resolve("b.tif")), ImageFiles.expand(
			List.of(dir.resolve("b.tif").toString(), dir + "/*.tif"), "--input"));
		try {
			ImageFiles.expand(List.of(dir + "/*.png"), "--input");
			fail();
		}
		catch (IllegalArgumentException e) {
			assertEquals("--input: no file matches " + dir + "/*.png", e.getMessage());
		}
		// a glob takes images only, not the note beside them nor the folders it matches, whose images it names instead
		assertEquals(List.of(dir.resolve("a.tif"), dir.resolve("b.tif")), ImageFiles.expand(List.of(dir + "/*"),
			"--input"));
		IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ImageFiles.expand(
			List.of(dir + "/su*"), "--input"));
		assertEquals("--input: no image file matches " + dir + "/su*, only the folder(s) sub; give it, or a glob of " +
			"their images such as '" + dir + "/su*/*.tif'", e.getMessage());
		e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ImageFiles.expand(List.of(dir + "/*.txt"),
			"--input"));
		assertEquals("--input: no image file matches " + dir + "/*.txt", e.getMessage());
	}

	/** A list of paths larger than any real one is refused before it is read. */
	@Test
	public void aListLargerThanAnyListOfPathsIsRefusedUnread() throws IOException {
		Path list = tmp.getRoot().toPath().resolve("huge.txt");
		try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(list.toFile(), "rw")) {
			file.setLength(ImageFiles.MAX_LIST_BYTES + 1); // sparse: nothing is written
		}
		try {
			ImageFiles.expand(List.of("@" + list), "--input");
			fail("read");
		}
		catch (IllegalArgumentException e) {
			assertEquals("--input: the list " + list + " has 67108865 bytes, more than 67108864; split it into several lists",
				e.getMessage());
		}
	}

	/** A folder whose images are all in folders inside it says so, and how to read them. */
	@Test
	public void aFolderOfFoldersSaysHowToReadThem() throws IOException {
		Path dir = tmp.newFolder("plates").toPath();
		Files.createDirectories(dir.resolve("plate1"));
		Files.writeString(dir.resolve("plate1/a.tif"), "x");
		IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ImageFiles
			.files(List.of(dir), "--input"));
		assertTrue(e.getMessage(), e.getMessage().endsWith("; the folders in it are not read: give them, or a glob " +
			"such as '" + dir + "/**/*.tif'"));
		// a Fiji folder field takes no glob
		e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ImageFiles.files(List.of(dir), "folder"));
		assertTrue(e.getMessage(), e.getMessage().endsWith("; the folders in it are not read: choose one of them"));
	}

	@Test
	public void existingNamesWithBracketsAreFilesNotGlobs() throws IOException {
		Path run = tmp.getRoot().toPath().resolve("run[1]");
		Files.createDirectories(run);
		Files.writeString(run.resolve("cell{a}.tif"), "x");
		Files.writeString(tmp.getRoot().toPath().resolve("list.txt"), "run[1]/cell{a}.tif\n");
		for (String word : List.of(run.resolve("cell{a}.tif").toString(), run.toString(), "@" + tmp.getRoot().toPath()
			.resolve("list.txt")))
			assertEquals(word, List.of(run.resolve("cell{a}.tif")), ImageFiles.expand(List.of(word), "--input"));
	}

	@Test
	public void sixteenBitMapsStoreTheirScaleAndReadBackAsScores() throws IOException {
		ImagePlus source = hyperstack(3, 2);
		source.getCalibration().pixelWidth = 0.25;
		float[][] maps = new float[6][];
		for (int i = 0; i < 6; i++) {
			maps[i] = new float[40 * 30];
			for (int k = 0; k < maps[i].length; k++)
				maps[i][k] = -1.5f + 0.0137f * (k % 977) + i;
		}
		Path f = tmp.getRoot().toPath().resolve("f_anomaly.tif"), s = tmp.getRoot().toPath().resolve("s_anomaly.tif");
		MapFiles.write(MapFiles.image(source, 6, MapFiles.Kind.FLOAT, i -> new FloatProcessor(40, 30, maps[i - 1])), f);
		MapFiles.write(MapFiles.image(source, 6, MapFiles.Kind.SIXTEEN_BIT, i -> new ShortProcessor(40, 30, MapFiles
			.toShorts(maps[i - 1]), null)), s);
		try (Stream<Path> list = Files.list(tmp.getRoot().toPath())) {
			assertEquals("no temporary files", 2, list.count());
		}
		ImagePlus fr = IJ.openImage(f.toString()), sr = IJ.openImage(s.toString());
		assertEquals(3, sr.getNSlices());
		assertEquals(2, sr.getNFrames());
		assertEquals(0.25, sr.getCalibration().pixelWidth, 0);
		assertEquals(16, sr.getBitDepth());
		assertTrue(Files.size(s) < 0.6 * Files.size(f));
		for (int i = 1; i <= 6; i++) {
			float[] exact = (float[]) fr.getStack().getProcessor(i).getPixels();
			short[] stored = (short[]) sr.getStack().getProcessor(i).getPixels();
			for (int k = 0; k < exact.length; k++) {
				assertEquals(maps[i - 1][k], exact[k], 0);
				assertEquals(maps[i - 1][k], sr.getCalibration().getCValue(stored[k] & 0xffff), MapFiles.STEP / 2 + 1e-6);
			}
		}
		// the scale is stored whatever the source's bit depth (a calibration copied from an 8- or 32-bit
		// image lost its function on the 16-bit map)
		for (int bits : new int[] { 8, 32 }) {
			ij.ImageStack planes = new ij.ImageStack(40, 30);
			for (int i = 0; i < 6; i++)
				planes.addSlice(bits == 8 ? new ij.process.ByteProcessor(40, 30) : new FloatProcessor(40, 30));
			ImagePlus other = new ImagePlus("other", planes);
			other.setDimensions(1, 3, 2);
			assertEquals(bits, other.getBitDepth());
			Path o = tmp.getRoot().toPath().resolve(bits + "_anomaly.tif");
			MapFiles.write(MapFiles.image(other, 6, MapFiles.Kind.SIXTEEN_BIT, i -> new ShortProcessor(40, 30, MapFiles
				.toShorts(maps[i - 1]), null)), o);
			ImagePlus or = IJ.openImage(o.toString());
			short[] stored = (short[]) or.getStack().getProcessor(1).getPixels();
			assertEquals(bits + "-bit source", maps[0][5], or.getCalibration().getCValue(stored[5] & 0xffff), MapFiles.STEP /
				2 + 1e-6);
			assertEquals("score", or.getCalibration().getValueUnit());
		}
		short[] clipped = MapFiles.toShorts(new float[] { -100, 1000, Float.NaN });
		assertEquals(0, clipped[0]);
		assertEquals(65535, clipped[1] & 0xffff);
		assertEquals(0, clipped[2]);
	}

	@Test
	public void aBandOfPlanesIsTheSameAsThosePlanesOfTheWholeStackAlsoWhenReadLazily() throws IOException {
		ImagePlus imp = hyperstack(3, 2);
		Path file = tmp.getRoot().toPath().resolve("h.tif");
		new FileSaver(imp).saveAsTiffStack(file.toString());
		ImageFiles.Input lazy = ScoreFiles.open(file, "--input");
		assertTrue(lazy.image().getStack().isVirtual());
		assertEquals(6, ScoreFiles.planes(lazy));
		List<ImagePlusPlanes.Plane> all = ImagePlusPlanes.of(imp), band = ImagePlusPlanes.of(lazy.image(), 3, 5);
		for (int i = 0; i < 3; i++) {
			ImagePlusPlanes.Plane a = all.get(i + 2), b = band.get(i);
			assertEquals(List.of(a.index(), a.slice(), a.frame()), List.of(b.index(), b.slice(), b.frame()));
			assertEquals(sum(a.image()), sum(b.image()), 0);
		}
	}

	private static ImagePlus hyperstack(int slices, int frames) {
		ImageStack stack = new ImageStack(40, 30);
		for (int i = 0; i < slices * frames; i++) {
			short[] p = new short[40 * 30];
			for (int k = 0; k < p.length; k++)
				p[k] = (short) (k * (i + 1) % 4000);
			stack.addSlice(new ShortProcessor(40, 30, p, null));
		}
		ImagePlus imp = new ImagePlus("h", stack);
		imp.setDimensions(1, slices, frames);
		imp.setOpenAsHyperStack(true);
		return imp;
	}

	private static double sum(RandomAccessibleInterval<? extends RealType<?>> view) {
		double s = 0;
		for (RealType<?> t : Views.flatIterable(view))
			s += t.getRealDouble();
		return s;
	}
}
