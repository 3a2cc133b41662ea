package sc.fiji.ganomaly.ij;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.ImagePlus;
import ij.Prefs;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import sc.fiji.ganomaly.core.api.AtomicFiles;

/** Maps written plane by plane are the bytes ImageJ's FileSaver writes, also when resumed. */
public class StreamedMapWriterTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** A map image of {@code slices} x {@code frames} planes, each fetched from {@code planes} as the writer asks. */
	private static ImagePlus map(int slices, int frames, MapFiles.Kind kind, List<ImageProcessor> planes) {
		ImagePlus source = new ImagePlus("source", stackOf(slices * frames, 24, 16));
		source.setDimensions(1, slices, frames);
		source.getCalibration().pixelWidth = 0.5;
		source.getCalibration().setUnit("um");
		return MapFiles.image(source, slices * frames, kind, i -> planes.get(i - 1));
	}

	private static ImageStack stackOf(int n, int w, int h) {
		ImageStack s = new ImageStack(w, h);
		for (int i = 0; i < n; i++)
			s.addSlice(new ShortProcessor(w, h));
		return s;
	}

	private static List<ImageProcessor> planes(int n, MapFiles.Kind kind, long seed) {
		Random r = new Random(seed);
		List<ImageProcessor> out = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			float[] v = new float[24 * 16];
			for (int k = 0; k < v.length; k++)
				v[k] = (float) r.nextGaussian();
			out.add(kind == MapFiles.Kind.FLOAT ? new FloatProcessor(24, 16, v)
				: new ShortProcessor(24, 16, MapFiles.toShorts(v), null));
		}
		return out;
	}

	/** The bytes ImageJ's FileSaver writes for {@code map} in Intel byte order, the order of every map. */
	private byte[] saved(ImagePlus map) throws IOException {
		return saved(map, true);
	}

	/** The bytes ImageJ's FileSaver writes for {@code map} with its preference for Intel byte order set to {@code intel}. */
	private byte[] saved(ImagePlus map, boolean intel) throws IOException {
		Path file = tmp.newFile().toPath();
		FileSaver saver = new FileSaver(map);
		boolean preference = Prefs.intelByteOrder;
		Prefs.intelByteOrder = intel;
		try {
			assertTrue(map.getStackSize() > 1 ? saver.saveAsTiffStack(file.toString()) : saver.saveAsTiff(file.toString()));
		}
		finally {
			Prefs.intelByteOrder = preference;
		}
		return Files.readAllBytes(file);
	}

	/**
	 * Every map is written in Intel byte order, streamed or whole, whatever ImageJ's preference, so
	 * that Fiji writes the bytes that the command line and a cluster write.
	 */
	@Test
	public void mapsAreWrittenInIntelByteOrderWhateverImageJsPreference() throws IOException {
		List<ImageProcessor> planes = planes(3, MapFiles.Kind.FLOAT, 11);
		byte[] intel = saved(map(3, 1, MapFiles.Kind.FLOAT, planes), true);
		assertEquals('I', intel[0]);
		boolean preference = Prefs.intelByteOrder;
		Prefs.intelByteOrder = false; // Fiji's "Save TIFF and raw in Intel byte order" off
		try {
			Path streamed = tmp.getRoot().toPath().resolve("streamed" + MapFiles.SUFFIX), whole = tmp.getRoot().toPath()
				.resolve("whole" + MapFiles.SUFFIX);
			StreamedMapWriter.write(map(3, 1, MapFiles.Kind.FLOAT, planes), streamed, 0, i -> {});
			MapFiles.write(map(3, 1, MapFiles.Kind.FLOAT, planes), whole);
			assertArrayEquals(intel, Files.readAllBytes(streamed));
			assertArrayEquals(intel, Files.readAllBytes(whole));
			assertFalse("the preference is the user's again", Prefs.intelByteOrder);
		}
		finally {
			Prefs.intelByteOrder = preference;
		}
	}

	/**
	 * A map resumed after ImageJ's byte-order preference changed (a run of the command line resumed
	 * in Fiji, or the preference switched between two Fiji runs) continues in its partial file's
	 * order: the file is that order's uninterrupted bytes, not two orders mixed.
	 */
	@Test
	public void aResumeContinuesInThePartialFilesByteOrder() throws IOException {
		int n = 5, stop = 2, planeBytes = 24 * 16 * 4;
		List<ImageProcessor> planes = planes(n, MapFiles.Kind.FLOAT, 13);
		for (boolean intel : new boolean[] { true, false }) {
			byte[] whole = saved(map(n, 1, MapFiles.Kind.FLOAT, planes), intel);
			Path target = tmp.getRoot().toPath().resolve("order-" + intel + MapFiles.SUFFIX);
			// the partial file a run in that order left after plane 2
			Path partial = Files.write(StreamedMapWriter.partialFor(target), whole);
			try (java.nio.channels.FileChannel cut = java.nio.channels.FileChannel.open(partial,
				java.nio.file.StandardOpenOption.WRITE)) {
				cut.truncate(StreamedMapWriter.pixelOffset(partial) + stop * planeBytes);
			}
			assertEquals(stop, StreamedMapWriter.completePlanes(target, planeBytes, n));
			List<ImageProcessor> resumed = new ArrayList<>(planes);
			for (int i = 1; i <= stop; i++)
				resumed.set(i - 1, StreamedMapWriter.keptPlane(target, 24, 16, 32, i));
			boolean preference = Prefs.intelByteOrder;
			Prefs.intelByteOrder = !intel; // the resuming run's preference is the other order
			try {
				StreamedMapWriter.write(map(n, 1, MapFiles.Kind.FLOAT, resumed), target, stop, i -> {});
			}
			finally {
				Prefs.intelByteOrder = preference;
			}
			assertArrayEquals("a partial file in " + (intel ? "Intel" : "Motorola") + " byte order", whole, Files
				.readAllBytes(target));
		}
	}

	@Test
	public void writesTheBytesOfImageJsFileSaverAndReportsEachPlaneOnceWritten() throws IOException {
		int[][] shapes = { { 1, 1 }, { 5, 1 }, { 3, 2 } };
		for (MapFiles.Kind kind : List.of(MapFiles.Kind.FLOAT, MapFiles.Kind.SIXTEEN_BIT))
			for (int[] shape : shapes) {
				int n = shape[0] * shape[1];
				List<ImageProcessor> planes = planes(n, kind, n);
				Path target = tmp.getRoot().toPath().resolve(kind + "-" + n + MapFiles.SUFFIX);
				List<Integer> reported = new ArrayList<>();
				StreamedMapWriter.write(map(shape[0], shape[1], kind, planes), target, 0, i -> {
					reported.add(i);
					assertFalse("the map appears only when complete", Files.exists(target));
				});
				assertArrayEquals(kind + " " + n + " planes", saved(map(shape[0], shape[1], kind, planes)),
					Files.readAllBytes(target));
				List<Integer> all = new ArrayList<>();
				for (int i = 1; i <= n; i++)
					all.add(i);
				assertEquals(all, reported);
				assertFalse(Files.exists(StreamedMapWriter.partialFor(target)));
			}
	}

	/**
	 * A map file opens as Score Anomalies shows its map: fire colours, scores 0 to twice the
	 * threshold, not each file stretched to its own range (where a normal image's noise looks as
	 * striking as an anomaly).
	 */
	@Test
	public void mapFilesOpenWithTheThresholdMidScale() throws IOException {
		for (MapFiles.Kind kind : List.of(MapFiles.Kind.FLOAT, MapFiles.Kind.SIXTEEN_BIT)) {
			List<ImageProcessor> planes = planes(3, kind, 5);
			ImagePlus source = new ImagePlus("source", stackOf(3, 24, 16));
			Path target = tmp.getRoot().toPath().resolve(kind + "-styled" + MapFiles.SUFFIX);
			StreamedMapWriter.write(MapFiles.image(source, 3, kind, 1.5, i -> planes.get(i - 1)), target, 0, i -> {});
			ImagePlus opened = ij.IJ.openImage(target.toString());
			ij.measure.Calibration cal = opened.getCalibration();
			assertEquals(kind.toString(), 0, cal.getCValue(opened.getDisplayRangeMin()), MapFiles.STEP);
			assertEquals(kind.toString(), 3, cal.getCValue(opened.getDisplayRangeMax()), MapFiles.STEP);
			java.awt.image.IndexColorModel lut = opened.getProcessor().getLut();
			assertTrue(kind + ": fire, not grey", lut.getRed(128) > lut.getGreen(128) + 50);
			assertEquals(kind + ": the pixels as scored", planes.get(1).getf(3, 4), opened.getStack().getProcessor(2)
				.getf(3, 4), 0);
		}
	}

	@Test
	public void aWriteStoppedAfterAnyPlaneResumesToTheSameBytes() throws IOException {
		int n = 6;
		List<ImageProcessor> planes = planes(n, MapFiles.Kind.FLOAT, 7);
		byte[] whole = saved(map(n, 1, MapFiles.Kind.FLOAT, planes));
		for (int stop = 1; stop < n; stop++) {
			Path target = tmp.getRoot().toPath().resolve("stopped" + stop + MapFiles.SUFFIX);
			int at = stop;
			try {
				StreamedMapWriter.write(map(n, 1, MapFiles.Kind.FLOAT, planes), target, 0, i -> {
					if (i == at) throw new IllegalStateException("killed");
				});
				fail();
			}
			catch (IllegalStateException expected) {
				// the partial file keeps planes 1..stop
			}
			assertFalse(Files.exists(target));
			assertEquals(stop, StreamedMapWriter.completePlanes(target, 24 * 16 * 4, n));
			// the kept planes come back from the partial file, exactly as written
			List<ImageProcessor> resumed = new ArrayList<>(planes);
			for (int i = 1; i <= stop; i++) {
				resumed.set(i - 1, StreamedMapWriter.keptPlane(target, 24, 16, 32, i));
				assertArrayEquals((float[]) planes.get(i - 1).getPixels(), (float[]) resumed.get(i - 1).getPixels(), 0f);
			}
			ImagePlus again = map(n, 1, MapFiles.Kind.FLOAT, resumed);
			assertTrue(StreamedMapWriter.layoutMatches(again, target));
			List<Integer> reported = new ArrayList<>();
			StreamedMapWriter.write(again, target, stop, reported::add);
			assertArrayEquals("stopped after plane " + stop, whole, Files.readAllBytes(target));
			assertEquals(n - stop, reported.size());
			assertEquals(stop + 1, (int) reported.get(0));
		}
	}

	@Test
	public void hiddenSiblingsOfLongNamesFitTheFileSystem() throws IOException {
		String name = "x".repeat(240) + MapFiles.SUFFIX; // 252 bytes: fits, but not with a temporary suffix
		Path target = tmp.getRoot().toPath().resolve(name);
		for (Path sibling : List.of(AtomicFiles.temporaryFor(target), StreamedMapWriter.partialFor(target))) {
			assertTrue(sibling.getFileName().toString().startsWith("."));
			assertTrue(sibling.getFileName().toString().getBytes("UTF-8").length <= 255);
			Files.writeString(sibling, "fits"); // the file system takes it
		}
		AtomicFiles.write(target, tmpFile -> Files.writeString(tmpFile, "map"));
		assertEquals("map", Files.readString(target));
		String accented = "é".repeat(120) + MapFiles.SUFFIX; // 252 bytes in UTF-8
		Path partial = StreamedMapWriter.partialFor(tmp.getRoot().toPath().resolve(accented));
		assertTrue(partial.getFileName().toString().getBytes("UTF-8").length <= 255);
		assertTrue(partial.getFileName().toString().endsWith(MapFiles.SUFFIX + ".partial"));
	}
}
