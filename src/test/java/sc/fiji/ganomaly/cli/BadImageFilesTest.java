package sc.fiji.ganomaly.cli;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.equalTo;
import static org.hamcrest.CoreMatchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.ErrorCollector;
import org.junit.rules.TemporaryFolder;

import ij.process.ColorProcessor;
import net.imglib2.img.array.ArrayImgs;
import sc.fiji.ganomaly.ij.TestTiffs;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;

/**
 * {@code ganomaly score} and {@code ganomaly train} on broken and hostile image files: exit code
 * 2, one line on standard error naming --input and the file, nothing on standard output (neither
 * the command's nor ImageJ's), within a few seconds.
 */
public class BadImageFilesTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	@Rule
	public ErrorCollector errors = new ErrorCollector();

	static Path dir, model;
	static final Map<String, Path> BAD = new LinkedHashMap<>();
	static final Map<String, String> SAYS = new LinkedHashMap<>();

	static Path bad(String what, String says, String name, byte[] bytes) throws IOException {
		Path file = Files.write(dir.resolve(name), bytes);
		BAD.put(what, file);
		SAYS.put(what, says);
		return file;
	}

	@BeforeClass
	public static void setUp() throws IOException {
		dir = tmp.getRoot().toPath();
		float[] pixels = new float[48 * 48];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (float) (1000 + 400 * Math.sin(i * 0.6));
		model = dir.resolve("m.ganomaly.zip");
		try (GanomalyModel m = Ganomaly.train(new TrainingData().add("n", ArrayImgs.floats(pixels, 48, 48)),
			new TrainingSettings().patchSize(16).nz(8).ngf(8).ndf(8).epochs(1).patchesPerEpoch(64).batchSize(32).seed(1), null))
		{
			m.save(model);
		}
		TestTiffs.Built self = TestTiffs.spec().build();
		self.pointTo(self.nextPointers().get(0), self.directories().get(0));
		bad("self-looping directory chain (8 KB)", "form a loop", "self-loop.tif", Arrays.copyOf(self.bytes(), 8192));
		TestTiffs.Built cycle = TestTiffs.spec().planes(2).build();
		cycle.pointTo(cycle.nextPointers().get(1), cycle.directories().get(0));
		bad("two directories pointing to each other", "form a loop", "cycle.tif", cycle.bytes());
		TestTiffs.Built liar = TestTiffs.spec().build();
		ByteBuffer.wrap(liar.bytes()).order(ByteOrder.LITTLE_ENDIAN).putInt(liar.widthValues().get(0), 40000)
			.putInt(liar.widthValues().get(0) + 12, 40000);
		bad("header claiming 40000x40000 pixels in 186 bytes", "40000x40000 pixels", "liar.tif", liar.bytes());
		byte[] normal = Files.readAllBytes(Path.of("test-images/normal_01.tif"));
		bad("normal_01.tif cut in half", "is truncated or damaged: its pixel data", "half.tif", Arrays.copyOf(normal,
			normal.length / 2));
		bad("empty .tif", "is empty (0 bytes), not an image", "empty.tif", new byte[0]);
		TestTiffs.Built ratio = TestTiffs.spec().deflate().build();
		ByteBuffer.wrap(ratio.bytes()).order(ByteOrder.LITTLE_ENDIAN).putInt(ratio.widthValues().get(0), 20000)
			.putInt(ratio.widthValues().get(0) + 12, 20000);
		bad("deflated plane beyond deflate's ratio", "largest ratio of 1032:1", "ratio.tif", ratio.bytes());
		bad("BigTIFF", "is a BigTIFF, which ImageJ 1.x cannot read", "big.tif", TestTiffs.spec().big().build().bytes());
		String single = new String(TestTiffs.spec().planes(3).imageJSingleDirectory().build().bytes(),
			StandardCharsets.ISO_8859_1);
		bad("ImageJ single-directory stack with planes missing", "(images=9 planes of", "single.tif", single.replace(
			"images=3", "images=9").getBytes(StandardCharsets.ISO_8859_1));
		Path png = dir.resolve("small.png");
		ImageIO.write(new ColorProcessor(8, 6).getBufferedImage(), "png", png.toFile());
		byte[] bytes = Files.readAllBytes(png);
		ByteBuffer.wrap(bytes).putInt(16, 100_000).putInt(20, 100_000);
		CRC32 crc = new CRC32();
		crc.update(bytes, 12, 17);
		ByteBuffer.wrap(bytes).putInt(29, (int) crc.getValue());
		bad("PNG header claiming 100000x100000 pixels", "more than ImageJ can hold", "liar.png", bytes);
		bad("text named .png", "cannot read", "text.png", "not a picture".getBytes(StandardCharsets.UTF_8));
	}

	record Run(int code, String out, String err, String console, long millis) {}

	static Run run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream(),
			console = new ByteArrayOutputStream();
		PrintStream systemOut = System.out, systemErr = System.err;
		long start = System.nanoTime();
		int code;
		try {
			System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
			System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
			code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
				StandardCharsets.UTF_8));
		}
		finally {
			System.setOut(systemOut);
			System.setErr(systemErr);
		}
		return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), console
			.toString(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1_000_000);
	}

	void checkRefused(String label, Run r, String command, Path file, String says) {
		errors.checkThat(label, r.code(), equalTo(2));
		errors.checkThat(label, r.err(), startsWith("ganomaly " + command + ": --input: "));
		errors.checkThat(label, r.err(), containsString(file.toString()));
		errors.checkThat(label, r.err(), containsString(says));
		errors.checkThat(label + ": one line", r.err().strip().lines().count(), equalTo(1L));
		errors.checkThat(label + ": nothing on stdout", r.out(), equalTo(""));
		errors.checkThat(label + ": nothing from ImageJ", r.console(), equalTo(""));
		errors.checkThat(label + ": quick (" + r.millis() + " ms)", r.millis() < 5000, equalTo(true));
	}

	@Test
	public void scoringABadFileExitsWithOneLine() {
		// the first run loads the engine; scoring a good file must still work
		Run good = run("score", "--input", "test-images/normal_01.tif", "--model", model.toString(), "--output", dir
			.resolve("good").toString(), "--maps", "none");
		errors.checkThat(good.err(), good.code(), equalTo(0));
		List<String> seen = new ArrayList<>();
		for (var e : BAD.entrySet()) {
			Run r = run("score", "--input", e.getValue().toString(), "--model", model.toString(), "--output", dir.resolve(
				"o").toString());
			checkRefused("score " + e.getKey() + ": " + r.err(), r, "score", e.getValue(), SAYS.get(e.getKey()));
			seen.add(e.getKey());
		}
		errors.checkThat(seen.size(), equalTo(10));
	}

	@Test
	public void trainingOnABadFileExitsWithOneLine() {
		for (String what : List.of("normal_01.tif cut in half", "self-looping directory chain (8 KB)", "empty .tif")) {
			Path file = BAD.get(what);
			Run r = run("train", "--input", file.toString(), "--model", dir.resolve("t.ganomaly.zip").toString(),
				"--patch-size", "16", "--epochs", "1");
			checkRefused("train " + what + ": " + r.err(), r, "train", file, SAYS.get(what));
		}
	}

	/** Among readable images, a bad file costs that file only: the model is written from the rest, exit code 3. */
	@Test
	public void trainingBesideABadFileLeavesItOutAndExits3() {
		Path empty = BAD.get("empty .tif"), trained = dir.resolve("beside.ganomaly.zip");
		Run r = run("train", "--input", MainTest.IMAGES.resolve("normal_01.tif").toString(), MainTest.IMAGES.resolve(
			"normal_02.tif").toString(), empty.toString(), "--model", trained.toString(), "--score", "texture", "--seed", "1");
		assertEquals(r.err(), 3, r.code());
		assertTrue(r.err(), r.err().contains("warning: left out 1 file(s) that could not be read (--input: " + empty));
		assertTrue(r.out(), r.out().contains("training on 2 image plane(s)"));
		assertTrue(java.nio.file.Files.isRegularFile(trained));
	}
}
