package sc.fiji.ganomaly.ij;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ShortProcessor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import sc.fiji.ganomaly.core.api.TrainingData;

/** Training planes from files: all of them when they fit, evenly spaced planes read alone when not. */
public class TrainingImagesTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** A stack whose plane n is filled with n. */
	private Path stack(String name, int planes) throws IOException {
		ImageStack s = new ImageStack(20, 10);
		for (int n = 1; n <= planes; n++) {
			short[] v = new short[200];
			java.util.Arrays.fill(v, (short) n);
			s.addSlice(new ShortProcessor(20, 10, v, null));
		}
		Path file = tmp.getRoot().toPath().resolve(name);
		FileSaver saver = new FileSaver(new ImagePlus(name, s));
		assertTrue(planes > 1 ? saver.saveAsTiffStack(file.toString()) : saver.saveAsTiff(file.toString()));
		return file;
	}

	private static double value(TrainingData.Sample s) {
		RandomAccessibleInterval<? extends RealType<?>> img = s.image();
		return Views.flatIterable(img).firstElement().getRealDouble();
	}

	@Test
	public void allPlanesWhenTheyFitElseEvenlySpacedOnes() throws IOException {
		Path a = stack("a.tif", 10), b = stack("b.tif", 4);
		long plane = 4L * 20 * 10;
		TrainingImages.Loaded all = TrainingImages.load(List.of(a, b), List.of(), "--input", 14 * plane);
		assertEquals(14, all.data().size());
		assertNull(all.note());

		TrainingImages.Loaded some = TrainingImages.load(List.of(a, b), List.of(), "--input", 7 * plane);
		assertEquals(14, some.planes());
		List<String> names = some.data().samples().stream().map(TrainingData.Sample::name).toList();
		assertEquals(List.of("a.tif plane 2", "a.tif plane 4", "a.tif plane 6", "a.tif plane 8", "a.tif plane 10",
			"b.tif plane 2", "b.tif plane 4"), names);
		// each sample holds the pixels of the plane it names
		assertArrayEquals(new double[] { 2, 4, 6, 8, 10, 2, 4 }, some.data().samples().stream().mapToDouble(
			TrainingImagesTest::value).toArray(), 0);
		assertEquals("training on 7 of the 14 planes (evenly spaced through the images), as many as fit in memory; " +
			"give Java more memory (-Xmx) to train on more", some.note());

		TrainingImages.Loaded one = TrainingImages.load(List.of(a, b), List.of(), "--input", 1);
		assertEquals("at least one plane", List.of("a.tif plane 8"), one.data().samples().stream().map(
			TrainingData.Sample::name).toList());
	}

	/**
	 * A file that cannot be read costs that file only: the others are trained on and the note names
	 * it (at most three of them); when no file can be read, the first one's refusal ends the training.
	 */
	@Test
	public void filesThatCannotBeReadAreLeftOutAndNamed() throws IOException {
		Path a = stack("good-a.tif", 3), b = stack("good-b.tif", 2);
		Path empty = Files.write(tmp.getRoot().toPath().resolve("empty.tif"), new byte[0]);
		Path cut = tmp.getRoot().toPath().resolve("cut.tif");
		byte[] whole = Files.readAllBytes(a);
		Files.write(cut, java.util.Arrays.copyOf(whole, 40));
		TrainingImages.Loaded loaded = TrainingImages.load(List.of(a, empty, b, cut), List.of(), "--input", Long.MAX_VALUE);
		assertEquals(List.of("good-a.tif plane 1", "good-a.tif plane 2", "good-a.tif plane 3", "good-b.tif plane 1",
			"good-b.tif plane 2"), loaded.data().samples().stream().map(TrainingData.Sample::name).toList());
		assertEquals(5, loaded.planes());
		assertEquals(2, loaded.leftOut().size());
		assertTrue(loaded.leftOut().get(0), loaded.leftOut().get(0).startsWith("--input: " + empty));
		assertTrue(loaded.leftOut().get(1), loaded.leftOut().get(1).startsWith("--input: " + cut));
		assertEquals("left out 2 file(s) that could not be read (" + loaded.leftOut().get(0) + "; " + loaded.leftOut().get(
			1) + ")", loaded.note());
		IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> TrainingImages
			.load(List.of(empty, cut), List.of(), "--input", Long.MAX_VALUE));
		assertEquals(loaded.leftOut().get(0), e.getMessage());
		// a script's TrainingImages.of refuses as before: it would have no note to show
		e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> TrainingImages.of(List.of(a, empty),
			List.of(), "--input"));
		assertEquals(loaded.leftOut().get(0), e.getMessage());
		// five left out: the note names three
		List<Path> many = new java.util.ArrayList<>(List.of(a));
		for (int i = 0; i < 5; i++)
			many.add(Files.write(tmp.getRoot().toPath().resolve("empty" + i + ".tif"), new byte[0]));
		String note = TrainingImages.load(many, List.of(), "--input", Long.MAX_VALUE).note();
		assertTrue(note, note.startsWith("left out 5 file(s) that could not be read (--input: " + many.get(1)));
		assertTrue(note, note.endsWith("; and 2 more)"));
		assertEquals(note, 3, note.split("--input: ", -1).length - 1);
	}

	@Test
	public void moreFilesThanPlanesThatFitAreTakenEvenlySpaced() throws IOException {
		List<Path> files = new java.util.ArrayList<>();
		for (int i = 0; i < 10; i++)
			files.add(stack("f" + i + ".tif", 1));
		TrainingImages.Loaded three = TrainingImages.load(files, List.of(), "--input", 3 * 4L * 20 * 10);
		assertEquals(10, three.planes());
		assertEquals(List.of("f1.tif", "f5.tif", "f8.tif"), three.data().samples().stream().map(
			TrainingData.Sample::name).toList());
	}

	/** Images of several bit depths train, and the note says so: the texture score compares their intensities. */
	@Test
	public void imagesOfSeveralBitDepthsAreNoted() throws IOException {
		Path sixteen = stack("sixteen.tif", 1), eight = tmp.getRoot().toPath().resolve("eight.tif");
		assertTrue(new FileSaver(new ImagePlus("eight", new ij.process.ByteProcessor(20, 10))).saveAsTiff(eight
			.toString()));
		TrainingImages.Loaded one = TrainingImages.load(List.of(sixteen), List.of(), "--input", Long.MAX_VALUE);
		assertNull(one.note());
		TrainingImages.Loaded mixed = TrainingImages.load(List.of(sixteen, eight), List.of(), "--input", Long.MAX_VALUE);
		assertEquals(2, mixed.data().size());
		assertEquals("the training images are of several bit depths (8-bit, 16-bit): the texture score compares their " +
			"intensities, so images of one kind look unusual to a model of the other; train on images saved as they " +
			"were acquired, of one bit depth", mixed.note());
	}

	/**
	 * An open image's area selection is what is trained on (its bounding rectangle, in every plane and
	 * channel); a line outlines no area, and a folder's files are read whole.
	 */
	@Test
	public void anOpenImagesSelectionIsWhatIsTrainedOn() {
		ImageStack s = new ImageStack(40, 30);
		for (int plane = 0; plane < 4; plane++) { // two channels x two slices, value = 10000 * plane + 100 * y + x
			short[] v = new short[40 * 30];
			for (int y = 0; y < 30; y++)
				for (int x = 0; x < 40; x++)
					v[y * 40 + x] = (short) (10000 * plane + 100 * y + x);
			s.addSlice(new ShortProcessor(40, 30, v, null));
		}
		ImagePlus imp = new ImagePlus("cells", s);
		imp.setDimensions(2, 2, 1);
		imp.setRoi(new ij.gui.OvalRoi(5, 7, 20, 12));
		TrainingImages.Loaded loaded = TrainingImages.load(imp, "cells", List.of(), Long.MAX_VALUE);
		assertEquals(2, loaded.data().size());
		for (int k = 0; k < 2; k++) {
			TrainingData.Sample sample = loaded.data().samples().get(k);
			assertEquals("cells selection plane " + (k + 1), sample.name());
			RandomAccessibleInterval<? extends RealType<?>> plane = sample.image();
			assertArrayEquals(new long[] { 20, 12, 2 }, plane.dimensionsAsLongArray());
			var ra = plane.randomAccess();
			for (int c = 0; c < 2; c++) {
				ra.setPosition(new long[] { 0, 0, c });
				assertEquals(10000 * (2 * k + c) + 100 * 7 + 5, ra.get().getRealDouble(), 0);
				ra.setPosition(new long[] { 19, 11, c });
				assertEquals(10000 * (2 * k + c) + 100 * 18 + 24, ra.get().getRealDouble(), 0);
			}
		}
		imp.setRoi(new ij.gui.Line(1, 1, 30, 20));
		assertArrayEquals(new long[] { 40, 30, 2 }, TrainingImages.load(imp, "cells", List.of(), Long.MAX_VALUE).data()
			.samples().get(0).image().dimensionsAsLongArray());
	}

	/** An anomaly map among the training images is refused, beside its image or in another folder (a scoring's output). */
	@Test
	public void anomalyMapsOfOtherTrainingImagesAreRefused() {
		Path d = tmp.getRoot().toPath();
		for (List<Path> inputs : List.of(List.of(d.resolve("a.tif"), d.resolve("a_anomaly.tif")), List.of(d.resolve(
			"a.tif"), d.resolve("b.tif"), d.resolve("out/A_anomaly.tif"))))
		{
			IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> TrainingImages
				.refuseMaps(inputs, "--input"));
			assertTrue(e.getMessage(), e.getMessage().startsWith("--input: " + inputs.get(inputs.size() - 1) + " is the " +
				"anomaly map of " + d.resolve("a.tif")));
		}
		TrainingImages.refuseMaps(List.of(d.resolve("b.tif"), d.resolve("a_anomaly.tif")), "--input"); // no a.tif
		Path seq = d.resolve("seq/seq_anomaly.tif"); // an image sequence's map (of an earlier version) in its folder
		IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> TrainingImages
			.refuseMaps(List.of(d.resolve("seq/s1.tif"), seq), "folder"));
		assertTrue(e.getMessage(), e.getMessage().startsWith("folder: " + seq + " is the anomaly map of the image " +
			"sequence " + d.resolve("seq")));
		TrainingImages.refuseMaps(List.of(d.resolve("seq/s1.tif"), d.resolve("seq/other_anomaly.tif")), "folder");
	}
}
