package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.IJ;
import ij.ImagePlus;

/**
 * Folders with a format ImageJ 1.x does not open but SCIFIO does (NRRD), in the real ImageJ2 runtime
 * ({@code ../shared/fiji-runtime}, SCIFIO 0.49), headless and in the GUI: training reads an NRRD, the
 * folder command scores it to the same score as the same pixels in a TIFF, and a broken NRRD, an NRRD
 * declaring 10^10 pixels and a broken TIFF cost their own rows only. Skipped where the runtime (or Xvfb, for the GUI) is not there.
 */
public class ScifioFolderTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static Path app;

	@BeforeClass
	public static void install() throws Exception {
		assumeTrue("skipped: no ImageJ2 runtime at " + FijiMacroTest.RUNTIME, Files.isExecutable(
			FijiMacroTest.RUNTIME.resolve("fiji")));
		app = tmp.getRoot().toPath().resolve("Fiji.app");
		ProcessBuilder pb = new ProcessBuilder("bash", "scripts/install-into-fiji", app.toString()).redirectErrorStream(true);
		pb.environment().put("GANOMALY_NO_BUILD", "1");
		String log = FijiMacroTest.run(pb, 120);
		assertTrue(log, log.contains("installed into"));
	}

	@Test
	public void headless() throws Exception {
		check("headless");
	}

	@Test
	public void gui() throws Exception {
		assumeTrue("skipped: the GUI test needs Xvfb (apt-get install -y xvfb)", FijiMacroTest.onPath("Xvfb"));
		check("gui");
	}

	private static void check(String mode) throws Exception {
		Path dir = tmp.newFolder(mode).toPath();
		Path train = Files.createDirectories(dir.resolve("train")), in = Files.createDirectories(dir.resolve("in"));
		Path images = FijiMacroTest.PROJECT.resolve("test-images");
		Files.copy(images.resolve("normal_01.tif"), train.resolve("normal_01.tif"));
		Files.copy(images.resolve("normal_02.tif"), train.resolve("normal_02.tif"));
		nrrd(images.resolve("normal_03.tif"), train.resolve("normal_03.nrrd"));
		nrrd(images.resolve("normal_05.tif"), in.resolve("same.nrrd"));
		Files.copy(images.resolve("normal_05.tif"), in.resolve("same_as_tiff.tif"));
		Files.writeString(in.resolve("broken.nrrd"), "NRRD0004\ntype: no such type\ndimension: 2\nsizes: 128 128\n" +
			"encoding: raw\n\n" + "data");
		// a header declaring 10^10 pixels: refused by the reader, not allocated
		Files.writeString(in.resolve("huge.nrrd"), "NRRD0004\ntype: uint16\ndimension: 2\nsizes: 100000 100000\n" +
			"endian: little\nencoding: raw\n\nxxxx");
		// not broken.tif: broken.nrrd and broken.tif would write one map, and the folder would be refused
		Files.write(in.resolve("damaged.tif"), new byte[] { 'I', 'I', 42, 0, 8, 0, 0, 0, 1, 2, 3 });
		Path model = dir.resolve("m.ganomaly.zip"), out = dir.resolve("out"), macro = dir.resolve("folder.ijm");
		Files.writeString(macro, "run(\"Train GANomaly\", \"folder=[" + train + "] model=[" + model +
			"] patchsize=16 epochs=1 batchsize=32\");\nprint(\"RESULT trained\");\n" +
			"run(\"Score Anomalies in Folder...\", \"folder=[" + in + "] model=[" + model + "] output=[" + out + "]\");\n" +
			"print(\"RESULT scored\");\n");
		String log = FijiMacroTest.run(new ProcessBuilder("bash", FijiMacroTest.RUNTIME.resolve("fiji").toString(),
			app.toString(), mode, macro.toString()).redirectErrorStream(true), 400);
		assertTrue(log, log.contains("RESULT scored"));
		assertFalse(log, log.contains("Exception"));
		assertEquals(log, 1, log.split("WARNING] Score Anomalies in Folder: broken.nrrd was not scored: folder: ", -1)
			.length - 1);
		if (mode.equals("gui")) {
			String window = log.substring(log.indexOf("LOG WINDOW:"));
			assertTrue(window, window.contains("Score Anomalies in Folder: broken.nrrd was not scored: folder: "));
			assertTrue(log, log.contains("images open: 0"));
		}
		Map<String, String> scores = column(out.resolve("scores.csv"), "score");
		assertEquals(log + scores, List.of("same.nrrd", "same_as_tiff.tif"), List.copyOf(scores.keySet()));
		assertEquals(log, scores.get("same_as_tiff.tif"), scores.get("same.nrrd"));
		// the NRRD read through SCIFIO gets the map of the same pixels read as a TIFF
		ImagePlus viaScifio = IJ.openImage(out.resolve("same_anomaly.tif").toString()), viaTiff = IJ.openImage(out
			.resolve("same_as_tiff_anomaly.tif").toString());
		assertTrue(log, viaScifio != null && viaTiff != null);
		assertArrayEquals((float[]) viaTiff.getProcessor().getPixels(), (float[]) viaScifio.getProcessor().getPixels(), 0f);
		Map<String, String> failures = column(out.resolve("failures.csv"), "reason");
		assertEquals(failures.toString(), List.of("broken.nrrd", "damaged.tif", "huge.nrrd"), List.copyOf(failures.keySet()));
		assertTrue(failures.toString(), failures.get("broken.nrrd").contains("with SCIFIO"));
	}

	/** Writes the 16-bit plane of a TIFF as an NRRD with its data attached. */
	static void nrrd(Path tiff, Path nrrd) throws IOException {
		ImagePlus imp = IJ.openImage(tiff.toString());
		short[] pixels = (short[]) imp.getProcessor().getPixels();
		ByteBuffer data = ByteBuffer.allocate(pixels.length * 2).order(ByteOrder.LITTLE_ENDIAN);
		data.asShortBuffer().put(pixels);
		byte[] header = ("NRRD0004\ntype: uint16\ndimension: 2\nsizes: " + imp.getWidth() + " " + imp.getHeight() +
			"\nendian: little\nencoding: raw\n\n").getBytes(StandardCharsets.US_ASCII);
		byte[] all = new byte[header.length + data.capacity()];
		System.arraycopy(header, 0, all, 0, header.length);
		System.arraycopy(data.array(), 0, all, header.length, data.capacity());
		Files.write(nrrd, all);
	}

	/** file name → value of {@code name} in a CSV whose first column is the file (first row per file). */
	private static Map<String, String> column(Path csv, String name) throws IOException {
		List<String> lines = Files.readAllLines(csv);
		List<String> head = List.of(lines.get(0).split(","));
		int k = head.indexOf(name);
		Map<String, String> values = new TreeMap<>();
		for (String line : lines.subList(1, lines.size())) {
			String[] cells = line.split(",", -1);
			values.putIfAbsent(Path.of(cells[0].replace("\"", "")).getFileName().toString(), cells[k]);
		}
		return values;
	}
}
