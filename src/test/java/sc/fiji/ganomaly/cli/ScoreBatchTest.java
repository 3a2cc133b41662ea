package sc.fiji.ganomaly.cli;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ShortProcessor;
import net.imglib2.img.array.ArrayImgs;
import sc.fiji.ganomaly.engine.Precision;
import sc.fiji.ganomaly.ij.ImagePlusPlanes;
import sc.fiji.ganomaly.ij.ImagePlusScorer;
import sc.fiji.ganomaly.ij.MapFiles;
import sc.fiji.ganomaly.ij.ScoreBatch;
import sc.fiji.ganomaly.ij.ScoreFiles;
import sc.fiji.ganomaly.ij.TestTiffs;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;

/**
 * Scoring many files and large stacks through {@code ganomaly score}: one bad file costs that file
 * only, a stopped or killed run resumes to the bytes of an uninterrupted one, a changed input,
 * model or option is not resumed, a stack whose map is several times the heap scores in a small
 * JVM, and in Fiji a map over its budget goes to a file shown as a virtual stack.
 */
public class ScoreBatchTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static final int SIZE = 48;
	static Path model, good;
	static GanomalyModel trained;

	@BeforeClass
	public static void setUp() throws IOException {
		Random random = new Random(3);
		TrainingData data = new TrainingData();
		for (int i = 0; i < 8; i++)
			data.add("normal " + i, ArrayImgs.floats(stripes(SIZE, SIZE, random), SIZE, SIZE));
		TrainingSettings settings = new TrainingSettings().patchSize(16).nz(8).ngf(8).ndf(8).batchSize(32).epochs(1)
			.patchesPerEpoch(256).seed(5).threads(1).validationFraction(0.3).score(ScoreKind.LATENT);
		trained = Ganomaly.train(data, settings, ProgressListener.NONE);
		model = tmp.getRoot().toPath().resolve("tiny.ganomaly.zip");
		trained.save(model);
		good = tmp.newFolder("good").toPath();
		stack(good.resolve("a.tif"), 3, SIZE, 1);
		stack(good.resolve("b.tif"), 1, SIZE, 2);
		stack(good.resolve("c.tif"), 4, SIZE, 3);
	}

	@AfterClass
	public static void close() {
		if (trained != null) trained.close();
	}

	/** Stripes with noise, values about 100..200, as the model's normal data. */
	static float[] stripes(int w, int h, Random random) {
		float[] v = new float[w * h];
		double phase = random.nextDouble() * 2 * Math.PI;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				v[y * w + x] = (float) (150 + 50 * Math.sin((x + y) * 0.6 + phase) + 5 * random.nextGaussian());
		return v;
	}

	/** A 16-bit stack of {@code planes} planes, every fifth with a bright disc. */
	static void stack(Path file, int planes, int size, long seed) {
		Random random = new Random(seed);
		ImageStack stack = new ImageStack(size, size);
		for (int p = 0; p < planes; p++) {
			float[] v = stripes(size, size, random);
			short[] s = new short[v.length];
			for (int i = 0; i < v.length; i++) {
				int x = i % size - size / 3, y = i / size - size / 2;
				s[i] = (short) (p % 5 == 1 && x * x + y * y < 36 ? 400 : Math.round(v[i]));
			}
			stack.addSlice(new ShortProcessor(size, size, s, null));
		}
		ImagePlus imp = new ImagePlus(file.getFileName().toString(), stack);
		assertTrue(planes > 1 ? new FileSaver(imp).saveAsTiffStack(file.toString()) : new FileSaver(imp).saveAsTiff(
			file.toString()));
	}

	record Outcome(int exit, String out, String err) {}

	static Outcome cli(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
			StandardCharsets.UTF_8));
		return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	static Outcome score(Path output, String... more) {
		List<String> args = new ArrayList<>(List.of("score", "--model", model.toString(), "--output", output.toString()));
		args.addAll(List.of(more));
		return cli(args.toArray(String[]::new));
	}

	/** Every visible file of a folder and its bytes, by name. */
	static Map<String, byte[]> files(Path folder) throws IOException {
		Map<String, byte[]> out = new TreeMap<>();
		try (Stream<Path> list = Files.list(folder)) {
			for (Path f : list.toList())
				if (!f.getFileName().toString().startsWith(".")) out.put(f.getFileName().toString(), Files.readAllBytes(f));
		}
		return out;
	}

	static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
		assertEquals(expected.keySet(), actual.keySet());
		for (String name : expected.keySet())
			assertArrayEquals(name, expected.get(name), actual.get(name));
	}

	/** A second run into an output folder that a run is writing into is refused, and the first one's rows stay. */
	@Test
	public void oneRunAtATimeWritesIntoAnOutputFolder() throws IOException {
		Path output = tmp.newFolder().toPath();
		assertEquals(0, score(output, "--input", good.toString()).exit());
		byte[] rows = Files.readAllBytes(output.resolve("scores.csv"));
		try (java.nio.channels.FileChannel held = java.nio.channels.FileChannel.open(output.resolve(".ganomaly-score.lock"),
			java.nio.file.StandardOpenOption.WRITE); java.nio.channels.FileLock lock = held.lock())
		{
			Outcome second = score(output, "--input", good.resolve("a.tif").toString());
			assertEquals(second.err(), 2, second.exit());
			assertTrue(second.err(), second.err().contains("another scoring run is writing into " + output));
		}
		assertArrayEquals(rows, Files.readAllBytes(output.resolve("scores.csv")));
		assertEquals(0, score(output, "--input", good.toString()).exit());
		// a run of fewer files would replace the others' rows: refused, they stay
		Outcome fewer = score(output, "--input", good.resolve("a.tif").toString());
		assertEquals(fewer.err(), 2, fewer.exit());
		assertTrue(fewer.err(), fewer.err().contains("--output: " + output.resolve("scores.csv") + " holds the scores of "));
		assertArrayEquals(rows, Files.readAllBytes(output.resolve("scores.csv")));
	}

	/**
	 * A run into a folder of an earlier run's rows: refused when they are of files it does not score (a
	 * well's files of the names of another's, as a job array's tasks write them), not when it scores
	 * them again among more.
	 */
	@Test
	public void aRunReplacesNoRowsOfFilesItDoesNotScore() throws IOException {
		Path plate = tmp.newFolder().toPath(), output = tmp.newFolder().toPath();
		for (String well : List.of("A01", "A02"))
			Files.copy(good.resolve("a.tif"), Files.createDirectories(plate.resolve(well)).resolve("s1.tif"));
		assertEquals(0, score(output, "--input", plate.resolve("A01").toString()).exit());
		byte[] rows = Files.readAllBytes(output.resolve("scores.csv"));
		Outcome other = score(output, "--input", plate.resolve("A02").toString());
		assertEquals(other.err(), 2, other.exit());
		assertTrue(other.err(), other.err().contains("holds the scores of 1 file(s) that this run does not score (" +
			plate.resolve("A01").resolve("s1.tif") + ")"));
		assertArrayEquals(rows, Files.readAllBytes(output.resolve("scores.csv")));
		Outcome both = score(output, "--input", plate.resolve("A01").toString(), "--input", plate.resolve("A02").toString());
		assertEquals(both.err(), 0, both.exit());
		long wellRows = new String(rows, java.nio.charset.StandardCharsets.UTF_8).lines().count() - 1;
		assertEquals(1 + 2 * wellRows, Files.readAllLines(output.resolve("scores.csv")).size());
		// an input deleted since loses nothing that still exists
		Files.delete(plate.resolve("A02").resolve("s1.tif"));
		assertEquals(0, score(output, "--input", plate.resolve("A01").toString()).exit());
	}

	/** An input gone between its listing and the run (moved away, deleted) costs that file only. */
	@Test
	public void anInputGoneSinceItWasListedCostsThatFileOnly() throws IOException {
		Path gone = good.resolveSibling("gone-" + System.nanoTime() + ".tif"), output = tmp.newFolder().toPath();
		try (sc.fiji.ganomaly.core.GanomalyModel m = sc.fiji.ganomaly.core.GanomalyModel.load(model, 1)) {
			sc.fiji.ganomaly.ij.ScoreBatch.Summary s = sc.fiji.ganomaly.ij.ScoreBatch.run(m, new sc.fiji.ganomaly.ij
				.ScoreBatch.Request(List.of(good.resolve("a.tif"), gone), model, m.precision(), sc.fiji.ganomaly.ij.ScoreFiles
					.Settings.of(m, 0, "model", null, List.of(), sc.fiji.ganomaly.ij.MapFiles.Kind.NONE), output, false, false,
				"--input"), sc.fiji.ganomaly.core.api.ProgressListener.NONE);
			assertEquals(1, s.files());
			assertEquals(1, s.failures().size());
		}
		List<String> failures = Files.readAllLines(output.resolve("failures.csv"));
		assertTrue(failures.toString(), failures.size() == 2 && failures.get(1).startsWith(gone + ",") && failures.get(1)
			.contains("--input: "));
	}

	/**
	 * A plate's wells, each a folder of sites of the same names: every input is named by its path below
	 * the folder holding them all, in scores.csv and as its map's place, so that nothing collides; the
	 * rows and maps are those of each file scored on its own, and a resume finds them done.
	 */
	@Test
	public void filesOfOneNameInOtherFoldersAreNamedByTheirFolders() throws IOException {
		Path plate = tmp.newFolder("plate").toPath(), output = tmp.newFolder().toPath();
		for (String well : List.of("A01", "A02")) {
			Files.createDirectories(plate.resolve(well));
			Files.copy(good.resolve(well.equals("A01") ? "a.tif" : "c.tif"), plate.resolve(well).resolve("s1.tif"));
		}
		Files.copy(good.resolve("b.tif"), plate.resolve("overview.tif"));
		Outcome o = score(output, "--input", plate + "/**/*.tif");
		assertEquals(o.err(), 0, o.exit());
		List<String> rows = Files.readAllLines(output.resolve("scores.csv"));
		assertEquals(List.of("A01/s1.tif", "A01/s1.tif", "A01/s1.tif", "A02/s1.tif", "A02/s1.tif", "A02/s1.tif",
			"A02/s1.tif", "overview.tif"), rows.subList(1, rows.size()).stream().map(r -> r.substring(0, r.indexOf(',')))
				.toList());
		for (String name : List.of("a", "c")) { // each as scored alone, into a folder of its own
			Path alone = tmp.newFolder().toPath();
			assertEquals(0, score(alone, "--input", good.resolve(name + ".tif").toString()).exit());
			String map = name.equals("a") ? "A01/s1_anomaly.tif" : "A02/s1_anomaly.tif";
			assertArrayEquals(map, Files.readAllBytes(alone.resolve(name + "_anomaly.tif")), Files.readAllBytes(output
				.resolve(map)));
			List<String> own = Files.readAllLines(alone.resolve("scores.csv"));
			for (String row : own.subList(1, own.size()))
				assertTrue(row, rows.contains(map.substring(0, 4) + "s1.tif" + row.substring(row.indexOf(','))));
		}
		assertTrue(Files.isRegularFile(output.resolve("overview_anomaly.tif")));
		Outcome again = score(output, "--input", plate + "/**/*.tif", "--resume");
		assertEquals(again.err(), 0, again.exit());
		assertEquals(rows, Files.readAllLines(output.resolve("scores.csv")));
	}

	/**
	 * An output folder inside the glob's tree: the resume names inputs as the first part did (by their
	 * common folder, which the maps it wrote there do not move) and leaves those maps out of its inputs.
	 */
	@Test
	public void aResumeIntoTheGlobsOwnTreeNamesAsTheFirstPartDid() throws IOException {
		Path data = tmp.newFolder("data").toPath(), output = data.resolve("scores");
		for (String well : List.of("A01", "A02"))
			Files.copy(good.resolve("b.tif"), Files.createDirectories(data.resolve("plate1").resolve(well)).resolve("s1.tif"));
		String glob = data + "/**/*.tif";
		assertEquals(0, score(output, "--input", glob).exit());
		assertTrue(Files.isRegularFile(output.resolve("A01/s1_anomaly.tif")));
		Outcome again = score(output, "--input", glob, "--resume");
		assertEquals(again.err(), 0, again.exit());
		try (Stream<Path> written = Files.walk(output)) {
			assertEquals(List.of("A01/s1_anomaly.tif", "A02/s1_anomaly.tif", "failures.csv", "scores.csv"), written.filter(
				Files::isRegularFile).map(f -> output.relativize(f).toString()).filter(n -> !n.startsWith(".")).sorted()
				.toList());
		}
		assertEquals(3, Files.readAllLines(output.resolve("scores.csv")).size());
	}

	/**
	 * A link to nothing, in a folder or given by name, fails as a file of its own, instead of being
	 * passed over or ending the run.
	 */
	@Test
	public void aLinkToNothingInAFolderIsAFailureOfItsOwn() throws IOException {
		Path in = tmp.newFolder("links").toPath(), output = tmp.newFolder().toPath();
		Files.copy(good.resolve("a.tif"), in.resolve("a.tif"));
		Files.createSymbolicLink(in.resolve("gone.tif"), in.resolve("moved-away.tif"));
		Files.createSymbolicLink(in.resolve("loop.tif"), in.resolve("loop.tif")); // a link that names itself
		Outcome o = score(output, "--input", in.toString());
		assertEquals(o.err(), 3, o.exit());
		List<String> failures = Files.readAllLines(output.resolve("failures.csv"));
		assertEquals(failures.toString(), 3, failures.size());
		assertEquals(in.resolve("gone.tif") + ",\"--input: " + in.resolve("gone.tif") + " is a link to " + in.resolve(
			"moved-away.tif") + ", which does not exist\"", failures.get(1));
		assertTrue(failures.get(2), failures.get(2).startsWith(in.resolve("loop.tif") + ",--input: cannot read "));
		assertTrue(Files.readString(output.resolve("scores.csv")).contains("a.tif,"));
		// given by name, as a shell's glob gives them: the same
		Path named = tmp.newFolder().toPath();
		Outcome globbed = score(named, "--input", in.resolve("a.tif").toString(), in.resolve("gone.tif").toString());
		assertEquals(globbed.err(), 3, globbed.exit());
		assertEquals(failures.get(1), Files.readAllLines(named.resolve("failures.csv")).get(1));
	}

	/** A file named with a terminal's escape sequence and a carriage return shows them as ?, not as a cleared screen. */
	@Test
	public void aFileNamedWithControlCharactersCannotRewriteTheTerminal() throws IOException {
		Path in = tmp.newFolder("escapes").toPath(), output = tmp.newFolder().toPath();
		Files.copy(good.resolve("a.tif"), in.resolve("a.tif"));
		Files.createFile(in.resolve("bad\u001b[2J\rx.tif"));
		Outcome o = score(output, "--input", in.toString());
		assertEquals(o.err(), 3, o.exit());
		assertFalse(o.err(), o.err().contains("\u001b") || o.err().contains("\r"));
		assertTrue(o.err(), o.err().contains("warning: bad?[2J?x.tif was not scored: --input: "));
	}

	@Test
	public void oneBadFileCostsThatFileOnly() throws IOException {
		Path in = tmp.newFolder("mixed").toPath();
		for (String name : List.of("a.tif", "b.tif", "c.tif"))
			Files.copy(good.resolve(name), in.resolve(name));
		// broken and hostile files between the good ones: empty, not an image, cut in half, a directory
		// chain that loops, a header that declares 40000 x 40000 pixels in a few hundred bytes
		Files.createFile(in.resolve("b2-empty.tif"));
		Files.writeString(in.resolve("b3-text.tif"), "not an image");
		byte[] whole = Files.readAllBytes(good.resolve("b.tif"));
		Files.write(in.resolve("b4-half.tif"), java.util.Arrays.copyOf(whole, whole.length / 2));
		TestTiffs.Built loop = TestTiffs.spec().build();
		loop.pointTo(loop.nextPointers().get(0), loop.directories().get(0));
		Files.write(in.resolve("b5-loop.tif"), java.util.Arrays.copyOf(loop.bytes(), 8192));
		TestTiffs.Built liar = TestTiffs.spec().build();
		java.nio.ByteBuffer.wrap(liar.bytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(liar.widthValues().get(0),
			40000).putInt(liar.widthValues().get(0) + 12, 40000);
		Files.write(in.resolve("b6-liar.tif"), liar.bytes());
		// a readable image smaller than a window: it fails only when scored, in a run of small files
		// scored together, the others then scored one at a time
		stack(in.resolve("b7-small.tif"), 1, 10, 4);
		// pages of other sizes: ImageJ hands out each page as it is (such a file failed the whole batch)
		TestTiffs.Built pages = TestTiffs.spec().size(40, 40).planes(2).build();
		java.nio.ByteBuffer.wrap(pages.bytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(pages.widthValues().get(1),
			39);
		Files.write(in.resolve("b8-pages.tif"), pages.bytes());
		Path reference = tmp.newFolder().toPath(), output = tmp.newFolder().toPath();
		assertEquals(0, score(reference, "--input", good.toString()).exit());

		long started = System.nanoTime();
		Outcome o = score(output, "--input", in.toString());
		assertTrue("no file hangs the batch", System.nanoTime() - started < 60e9);
		assertEquals(o.err(), 3, o.exit());
		assertEquals("ImageJ prints nothing", "scored 3 file(s), 8 plane(s); wrote " + output.resolve("scores.csv") + "\n",
			o.out());
		assertTrue(o.err(), o.err().contains("7 file(s) could not be scored; see " + output.resolve("failures.csv")));
		// the good files' rows and maps are those of a folder without the bad ones
		Map<String, byte[]> expected = files(reference), actual = files(output);
		assertSameFiles(without(expected, "failures.csv"), without(actual, "failures.csv"));
		List<String> failures = Files.readAllLines(output.resolve("failures.csv"));
		assertEquals(8, failures.size());
		assertEquals(ScoreBatch.FAILURES_HEADER, failures.get(0));
		String[][] reasons = { { "b2-empty.tif", "is empty (0 bytes), not an image" }, { "b3-text.tif", "cannot read" },
			{ "b4-half.tif", "is truncated or damaged" }, { "b5-loop.tif", "its image directories form a loop" },
			{ "b6-liar.tif", "40000x40000 pixels" }, { "b8-pages.tif", "image directory 2 is 39x40 pixels, directory 1 " +
				"40x40" } };
		for (int i = 0; i < reasons.length; i++) {
			String row = failures.get(i + 1);
			assertTrue(row, row.matches(java.util.regex.Pattern.quote(in.resolve(reasons[i][0]) + ",") + "\"?--input: .*") &&
				row.contains(reasons[i][1]));
		}
		assertEquals(in.resolve("b7-small.tif") + ",\"--input: b7-small.tif is 10x10 pixels, smaller than the model's patch of " +
			"16x16\"", failures.get(7));
		assertEquals(List.of(ScoreBatch.FAILURES_HEADER), Files.readAllLines(reference.resolve("failures.csv")));

		Path stopped = tmp.newFolder().toPath();
		Outcome first = score(stopped, "--input", in.toString(), "--stop-at-first-failure");
		assertEquals(2, first.exit());
		assertEquals(first.err(), 1, first.err().lines().count());
		assertTrue(first.err(), first.err().startsWith("ganomaly score: --input: ") && first.err().contains("b2-empty.tif"));
		// the file it stopped at is listed, as in a run that goes on
		assertEquals(List.of(ScoreBatch.FAILURES_HEADER, failures.get(1)), Files.readAllLines(stopped.resolve(
			"failures.csv")));
	}

	/**
	 * A stack whose fourth plane cannot be read (its compressed bytes are garbage): planes are scored
	 * in groups, but the planes before the bad one keep their rows, as when scored one at a time, and
	 * the file is recorded as failed; with maps and without.
	 */
	@Test
	public void aStackWithABadPlaneKeepsTheRowsBeforeIt() throws IOException {
		TestTiffs.Built built = TestTiffs.spec().size(48, 48).bits(16).planes(6).deflate().build();
		java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(built.bytes()).order(built.order());
		int data = bytes.getInt(built.stripOffsetValues().get(3)), length = bytes.getInt(built.stripCountValues().get(3));
		for (int i = 2; i < length; i++)
			built.bytes()[data + i] = (byte) (i * 37);
		Path in = tmp.newFolder("bad-plane").toPath();
		Files.write(in.resolve("bad.tif"), built.bytes());
		Files.copy(good.resolve("b.tif"), in.resolve("good.tif"));
		for (String maps : List.of("none", "float")) {
			Path output = tmp.newFolder().toPath();
			Outcome o = score(output, "--input", in.toString(), "--maps", maps);
			assertEquals(o.err(), 3, o.exit());
			List<String> rows = Files.readAllLines(output.resolve("scores.csv"));
			assertEquals(maps + ": " + rows, List.of("bad.tif,1", "bad.tif,2", "bad.tif,3", "good.tif,1"), rows.stream()
				.skip(1).map(r -> r.substring(0, r.indexOf(',', r.indexOf(',') + 1))).toList());
			List<String> failures = Files.readAllLines(output.resolve("failures.csv"));
			assertEquals(failures.toString(), 2, failures.size());
			assertTrue(failures.get(1), failures.get(1).contains("cannot read plane 4 of"));
		}
	}

	private static Map<String, byte[]> without(Map<String, byte[]> files, String name) {
		Map<String, byte[]> out = new TreeMap<>(files);
		out.remove(name);
		return out;
	}

	@Test
	public void theSameFileNamedTwiceIsOneInput() throws IOException {
		Path output = tmp.newFolder().toPath();
		assertEquals(0, score(output, "--input", good.resolve("a.tif").toString(), good.toString() + "/a.tif").exit());
		assertEquals(1 + 3, Files.readAllLines(output.resolve("scores.csv")).size());
	}

	@Test
	public void inputsThatWouldWriteOneMapAreRefusedUnlessNoMapsAreWritten() throws IOException {
		// a.tif and A.TIFF: other names, one map file (a_anomaly.tif on a file system that ignores case)
		Path in = tmp.newFolder("one-map").toPath();
		Files.copy(good.resolve("a.tif"), in.resolve("a.tif"));
		Files.copy(good.resolve("b.tif"), in.resolve("A.TIFF"));
		Path output = tmp.newFolder().toPath();
		Outcome o = score(output, "--input", in.toString());
		assertEquals(2, o.exit());
		assertEquals("ganomaly score: --input: " + in.resolve("A.TIFF") + " and " + in.resolve("a.tif") + " would both " +
			"write the map a_anomaly.tif; rename one, score them into different output folders, or write no maps\n",
			o.err());
		assertEquals(Map.of(), files(output));
		// without maps their rows are told apart by name
		assertEquals(0, score(output, "--input", in.toString(), "--maps", "none").exit());
		List<String> rows = Files.readAllLines(output.resolve("scores.csv"));
		assertEquals(List.of("A.TIFF", "a.tif", "a.tif", "a.tif"), rows.subList(1, rows.size()).stream().map(r -> r
			.substring(0, r.indexOf(','))).toList());
	}

	@Test
	public void aFolderScoredIntoItselfAgainKeepsItsMapsAndLongNamesAreRefusedBeforeAnyWork() throws IOException {
		Path self = tmp.newFolder("self").toPath();
		Files.copy(good.resolve("b.tif"), self.resolve("b.tif"));
		assertEquals(0, score(self, "--input", self.toString()).exit());
		byte[] map = Files.readAllBytes(self.resolve("b_anomaly.tif"));
		Outcome again = score(self, "--input", self.toString());
		assertEquals(2, again.exit());
		assertEquals("ganomaly score: --input: " + self.resolve("b_anomaly.tif") + " is an input and would be " +
			"overwritten by the map of " + self.resolve("b.tif") + "; score into another output folder, or leave earlier " +
			"maps out of the inputs\n", again.err());
		assertArrayEquals(map, Files.readAllBytes(self.resolve("b_anomaly.tif")));
		// a resume lists its own maps among the inputs now, and leaves them out: nothing left to do
		Outcome resumed = score(self, "--input", self.toString(), "--resume");
		assertEquals(resumed.err(), 0, resumed.exit());
		assertArrayEquals(map, Files.readAllBytes(self.resolve("b_anomaly.tif")));

		// killed after its first file: the resume scores the second one to the bytes of an uninterrupted run
		Path two = tmp.newFolder("self-two").toPath();
		Files.copy(good.resolve("a.tif"), two.resolve("a.tif"));
		Files.copy(good.resolve("b.tif"), two.resolve("b.tif"));
		assertEquals(0, score(two, "--input", two.toString()).exit());
		Map<String, byte[]> whole = files(two);
		List<String> rows = Files.readAllLines(two.resolve("scores.csv"));
		int aRows = (int) rows.stream().filter(r -> r.startsWith("a.tif,")).count();
		Files.write(two.resolve("scores.csv"), rows.subList(0, 1 + aRows));
		Files.delete(two.resolve("b_anomaly.tif"));
		Outcome afterKill = score(two, "--input", two.toString(), "--resume");
		assertEquals(afterKill.err(), 0, afterKill.exit());
		assertSameFiles(whole, files(two));

		// a 250-byte file name is a valid name, its 258-byte map name is not
		Path in = tmp.newFolder("long").toPath();
		Path longName = in.resolve("x".repeat(246) + ".tif");
		Files.copy(good.resolve("b.tif"), longName);
		Path output = tmp.newFolder().toPath();
		Outcome o = score(output, "--input", good.resolve("a.tif").toString(), longName.toString());
		assertEquals(2, o.exit());
		assertTrue(o.err(), o.err().startsWith("ganomaly score: --input: the map of " + longName + " would be named x"));
		assertTrue(o.err(), o.err().endsWith("_anomaly.tif, longer than the 255 bytes a file name may have; rename " +
			"the file or write no maps\n"));
		assertEquals(Map.of(), files(output));
	}

	@Test
	public void aRunStoppedAfterAnyPlaneResumesToTheBytesOfAnUninterruptedRun() throws IOException {
		for (MapFiles.Kind maps : List.of(MapFiles.Kind.FLOAT, MapFiles.Kind.SIXTEEN_BIT, MapFiles.Kind.NONE)) {
			Path reference = tmp.newFolder().toPath();
			assertEquals(0, score(reference, "--input", good.toString(), "--maps", maps.option()).exit());
			for (int stopAfter : new int[] { 1, 2, 3, 5, 7 }) {
				Path output = tmp.newFolder().toPath();
				ScoreBatch.Summary stopped = batch(output, maps, false, stopAfter);
				assertTrue(stopped.canceled());
				assertEquals(stopAfter, Files.readAllLines(output.resolve("scores.csv")).size() - 1);
				ScoreBatch.Summary resumed = batch(output, maps, true, Integer.MAX_VALUE);
				assertEquals(maps + " stopped after " + stopAfter, stopAfter, resumed.resumedPlanes());
				assertEquals(3, resumed.files());
				assertEquals(8, resumed.planes());
				assertSameFiles(files(reference), files(output));
				try (Stream<Path> all = Files.list(output)) {
					assertEquals("no partial map is left", 0, all.filter(f -> f.toString().endsWith(".partial")).count());
				}
			}
		}
	}

	/**
	 * A stack whose third plane holds NaN fails as a file of its own: the rows of its first two planes
	 * stay in scores.csv, and the hidden part of its map that this run began does not stay behind.
	 */
	@Test
	public void aStackThatFailsPartwayLeavesNoHiddenPartOfItsMap() throws IOException {
		Path in = tmp.newFolder("partway").toPath(), output = tmp.newFolder().toPath();
		Files.copy(good.resolve("a.tif"), in.resolve("a.tif"));
		ij.ImagePlus a = ij.IJ.openImage(in.resolve("a.tif").toString());
		ij.ImageStack planes = new ij.ImageStack(a.getWidth(), a.getHeight());
		for (int k = 0; k < 4; k++) {
			ij.process.ImageProcessor plane = a.getProcessor().convertToFloat();
			if (k == 2) plane.setf(5, 7, Float.NaN);
			planes.addSlice(plane);
		}
		ij.IJ.saveAsTiff(new ij.ImagePlus("nan", planes), in.resolve("nan.tif").toString());
		Outcome o = score(output, "--input", in.toString());
		assertEquals(o.err(), 3, o.exit());
		List<String> rows = Files.readAllLines(output.resolve("scores.csv"));
		assertEquals(rows.toString(), 2, rows.stream().filter(r -> r.startsWith("nan.tif,")).count());
		assertTrue(Files.readString(output.resolve("failures.csv")).contains("nan.tif"));
		try (Stream<Path> all = Files.list(output)) {
			assertEquals(List.of(), all.filter(f -> f.toString().endsWith(".partial")).toList());
		}
	}

	/**
	 * An output folder that cannot be made is refused with the file system's reason, not its own path
	 * again: in a folder without write permission, or, for root, whom permissions do not stop, in /proc.
	 */
	@Test
	public void anOutputFolderThatCannotBeMadeSaysWhy() throws IOException {
		Path locked = tmp.newFolder("locked").toPath();
		locked.toFile().setWritable(false, false);
		Path out = Files.isWritable(locked) ? Path.of("/proc/ganomaly-out") : locked.resolve("out");
		try {
			IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ScoreBatch
				.outputFolder(out, "--output"));
			assertTrue(e.getMessage(), e.getMessage().matches("--output: cannot create folder " + java.util.regex.Pattern
				.quote(out.toString()) + ": (permission denied|the file system does not let it be made there)"));
		}
		finally {
			locked.toFile().setWritable(true);
		}
	}

	/** A file name with a newline and a quote in it: its quoted rows are counted as one row each on resume. */
	@Test
	public void aNameWithANewlineResumesToTheBytesOfAnUninterruptedRun() throws IOException {
		Path in = tmp.newFolder("newline").toPath();
		Files.copy(good.resolve("a.tif"), in.resolve("a\n\"b\".tif"));
		Files.copy(good.resolve("b.tif"), in.resolve("c.tif"));
		Path reference = tmp.newFolder().toPath(), output = tmp.newFolder().toPath();
		assertEquals(0, score(reference, "--input", in.toString(), "--maps", "none").exit());
		try (Stream<Path> list = Files.list(in)) {
			ScoreFiles.Settings settings = ScoreFiles.Settings.of(trained, 0, null, null, List.of(), MapFiles.Kind.NONE);
			List<Path> files = list.sorted().toList();
			// the first run stops after the newline file's plane
			for (boolean resume : new boolean[] { false, true })
				ScoreBatch.run(trained, new ScoreBatch.Request(files, model, Precision.FLOAT32, settings, output, resume, false,
					"--input"), stopAfter(resume ? Long.MAX_VALUE : 1));
		}
		assertSameFiles(files(reference), files(output));
	}

	/** Scores the good folder, canceling after {@code planes} planes. */
	private static ScoreBatch.Summary batch(Path output, MapFiles.Kind maps, boolean resume, int planes) throws IOException {
		try (Stream<Path> list = Files.list(good)) {
			ScoreFiles.Settings settings = ScoreFiles.Settings.of(trained, 0, null, null, List.of(), maps);
			ScoreBatch.Request request = new ScoreBatch.Request(list.sorted().toList(), model, Precision.FLOAT32, settings,
				output, resume, false, "--input");
			return ScoreBatch.run(trained, request, stopAfter(planes));
		}
	}

	/** Once the headers are read, the status says what is scored until the first plane's line replaces it. */
	@Test
	public void theStatusSaysWhatIsScoredOnceTheHeadersAreRead() throws IOException {
		List<String> statuses = new ArrayList<>();
		try (Stream<Path> list = Files.list(good)) {
			ScoreFiles.Settings settings = ScoreFiles.Settings.of(trained, 0, null, null, List.of(), MapFiles.Kind.NONE);
			ScoreBatch.run(trained, new ScoreBatch.Request(list.sorted().toList(), model, Precision.FLOAT32, settings, tmp
				.newFolder().toPath(), false, false, "--input"), new ProgressListener() {

					@Override
					public void status(String message) {
						statuses.add(message);
					}
				});
		}
		assertEquals(statuses.toString(), List.of("reading file headers: 0/3", "scoring 8 plane(s) of 3 file(s)"), statuses
			.subList(0, 2));
		assertTrue(statuses.toString(), statuses.get(2).startsWith("scored 1/8 planes"));
	}

	/** A listener that cancels once {@code planes} planes are done. */
	private static ProgressListener stopAfter(long planes) {
		return new ProgressListener() {

			long done;

			@Override
			public void progress(long d, long total) {
				done = d;
			}

			@Override
			public boolean isCanceled() {
				return done >= planes;
			}
		};
	}

	@Test
	public void aResumeOfAChangedInputModelOrOptionIsRefused() throws IOException {
		Path in = tmp.newFolder().toPath(), output = tmp.newFolder().toPath();
		Files.copy(good.resolve("a.tif"), in.resolve("a.tif"));
		assertEquals(0, score(output, "--input", in.toString()).exit());
		Outcome stride = score(output, "--input", in.toString(), "--stride", "8", "--resume");
		assertEquals(2, stride.exit());
		assertTrue(stride.err(), stride.err().startsWith("ganomaly score: resume: the run in " + output + " scored with " +
			"other inputs, model or options (then: options stride=4 ") && stride.err().contains("now: options stride=8 "));
		Files.setLastModifiedTime(in.resolve("a.tif"), FileTime.fromMillis(0));
		Outcome touched = score(output, "--input", in.toString(), "--resume");
		assertEquals(2, touched.exit());
		assertTrue(touched.err(), touched.err().contains("then: input " + in.resolve("a.tif") + " size="));
		assertEquals(touched.err(), 1, touched.err().lines().count());
		// a run of another version (another record format) is not resumed, saying so
		Path record = output.resolve(".ganomaly-score.run");
		String current = Files.readString(record);
		Files.writeString(record, current.replaceFirst("format \\d+", "format 2"));
		Outcome version = score(output, "--input", in.toString(), "--resume");
		assertEquals(2, version.exit());
		assertTrue(version.err(), version.err().contains("was made by another version of this program (ganomaly score " +
			"run, format 2)"));
		Files.writeString(record, current);
		// without --resume the run starts over
		assertEquals(0, score(output, "--input", in.toString()).exit());
		assertEquals(0, score(output, "--input", in.toString(), "--resume").exit()); // nothing left to do
		// a copy of the model elsewhere, of another date (staged to a node's scratch disk), is the same model
		Path copy = tmp.newFolder().toPath().resolve("staged.ganomaly.zip");
		Files.copy(model, copy);
		Files.setLastModifiedTime(copy, FileTime.fromMillis(0));
		Outcome staged = cli("score", "--model", copy.toString(), "--output", output.toString(), "--input", in.toString(),
			"--resume");
		assertEquals(staged.err(), 0, staged.exit());
		assertTrue(staged.out(), staged.out().contains("by the earlier run"));
	}

	@Test(timeout = 300_000)
	public void aKilledRunResumesAndAStackWithAMapOfTwiceTheHeapScoresInASmallJvm() throws Exception {
		// 100 planes of 512 x 512: a 105 MB float map in a JVM of 48 MB heap (TensorFlow's own memory
		// not counted against the heap, as JavaCPP does by default). docs/benchmarks.md's rule, 30 bytes a
		// pixel of the plane plus 20 MB, asks 28 MB here; 32 MB left too little room for G1.
		Path in = tmp.newFolder().toPath();
		stack(in.resolve("long.tif"), 100, 512, 9);
		Path reference = tmp.newFolder().toPath(), output = tmp.newFolder().toPath();
		Process child = child(in, reference);
		String log = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(child.waitFor(240, TimeUnit.SECONDS));
		assertEquals(log, 0, child.exitValue());
		assertEquals(101, Files.readAllLines(reference.resolve("scores.csv")).size());
		assertEquals(100L * 512 * 512 * 4, Files.size(reference.resolve("long_anomaly.tif")), 100_000);

		Process killed = child(in, output);
		Path csv = output.resolve("scores.csv");
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while ((!Files.exists(csv) || Files.readAllLines(csv).size() < 40) && System.nanoTime() < deadline)
			Thread.sleep(20);
		killed.destroyForcibly(); // SIGKILL
		killed.waitFor();
		long rows = Files.readAllLines(csv).size() - 1;
		assertTrue("killed halfway: " + rows + " rows", rows > 0 && rows < 100);
		assertFalse(Files.exists(output.resolve("long_anomaly.tif")));
		Outcome resumed = score(output, "--input", in.toString(), "--score", "latent", "--stride", "16", "--resume");
		assertEquals(resumed.err(), 0, resumed.exit());
		assertTrue(resumed.out(), resumed.out().contains("of them by the earlier run"));
		assertSameFiles(files(reference), files(output));
	}

	/**
	 * The default score's map of a stack of 2048² planes in the heap docs/benchmarks.md's rule gives
	 * for {@code texture} (70 MB plus 30 bytes a pixel of the plane: 195 MB; 168 MB sufficed when
	 * measured, while work planes of a G1 region's size once needed 288 MB).
	 */
	@Test(timeout = 300_000)
	public void aTextureStackOf2048PlanesScoresInTheHeapOfTheRule() throws Exception {
		Path texture = textureModel("texture.ganomaly.zip", 4, 256);
		Path in = tmp.newFolder().toPath(), output = tmp.newFolder().toPath();
		stack(in.resolve("large.tif"), 2, 2048, 10);
		Process child = child((70 + 30 * 2048 * 2048 / 1_000_000) + "m", texture, in, output, "--maps", "float");
		try {
			String log = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertTrue(child.waitFor(240, TimeUnit.SECONDS));
			assertEquals(log, 0, child.exitValue());
		}
		finally {
			child.destroyForcibly();
		}
		List<String> rows = Files.readAllLines(output.resolve("scores.csv"));
		assertEquals(3, rows.size());
		assertEquals(2L * 2048 * 2048 * 4, Files.size(output.resolve("large_anomaly.tif")), 100_000);
	}

	/**
	 * A small deflated file whose one plane needs more heap than the JVM has costs that file only,
	 * and the map an earlier run left for it goes, so that it does not pass for this run's.
	 */
	@Test(timeout = 300_000)
	public void aPlaneTooLargeForTheHeapCostsItsFileOnly() throws Exception {
		Path texture = textureModel("texture-small.ganomaly.zip", 2, 128);
		Path in = tmp.newFolder().toPath(), output = tmp.newFolder().toPath();
		Files.copy(good.resolve("a.tif"), in.resolve("a.tif"));
		Files.write(in.resolve("m.tif"), TestTiffs.spec().size(6144, 6144).bits(8).deflate().build().bytes());
		Files.copy(good.resolve("c.tif"), in.resolve("z.tif"));
		Files.writeString(output.resolve("m_anomaly.tif"), "an earlier run's map");
		Process child = child("200m", texture, in, output);
		try {
			String log = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertTrue(child.waitFor(240, TimeUnit.SECONDS));
			assertEquals(log, ScoreBatch.SOME_FAILED, child.exitValue());
		}
		finally {
			child.destroyForcibly();
		}
		List<String> rows = Files.readAllLines(output.resolve("scores.csv"));
		assertEquals(List.of("a.tif", "a.tif", "a.tif", "z.tif", "z.tif", "z.tif", "z.tif"), rows.subList(1, rows
			.size()).stream().map(r -> r.substring(0, r.indexOf(','))).toList());
		List<String> failures = Files.readAllLines(output.resolve("failures.csv"));
		assertEquals(2, failures.size());
		assertTrue(failures.get(1), failures.get(1).startsWith(in.resolve("m.tif") + ",\"--input: m.tif needs more " +
			"memory than Java has left (it may use at most "));
		assertEquals(List.of("a_anomaly.tif", "failures.csv", "scores.csv", "z_anomaly.tif"), files(output).keySet()
			.stream().toList());
	}

	@Test
	public void aMapOverItsBudgetIsWrittenBesideTheImageAndShownAsAVirtualStack() throws IOException {
		Path folder = tmp.newFolder("virtual").toPath();
		Files.copy(good.resolve("c.tif"), folder.resolve("c.tif"));
		ImagePlus virtual = ij.plugin.FileInfoVirtualStack.openVirtual(folder.resolve("c.tif").toString());
		assertTrue(virtual.getStack().isVirtual());
		ImagePlusScorer.Result inMemory = ImagePlusScorer.score(trained, virtual, 4, ProgressListener.NONE);
		assertEquals(null, inMemory.mapFile());
		Files.writeString(folder.resolve("c_anomaly.tif"), "an earlier map");
		ImagePlusScorer.Result onDisk = ImagePlusScorer.score(trained, virtual, 4, ImagePlusPlanes.Plane::image,
			4L * SIZE * SIZE * 4 - 1, ProgressListener.NONE);
		assertEquals(folder.resolve("c_anomaly-2.tif"), onDisk.mapFile());
		assertEquals("an earlier map", Files.readString(folder.resolve("c_anomaly.tif")));
		ImagePlus map = onDisk.anomalyMap();
		assertTrue(map.getStack().isVirtual());
		assertEquals("c.tif anomaly map", map.getTitle());
		assertEquals(4, map.getStackSize());
		for (int i = 1; i <= 4; i++)
			assertArrayEquals((float[]) inMemory.anomalyMap().getStack().getPixels(i), (float[]) map.getStack().getPixels(i),
				0f);
		assertEquals(inMemory.scores(), onDisk.scores());
		assertTrue(virtual.getStack().isVirtual());
		// stopped while its map is written: neither the claimed map file nor its partial file stays
		ProgressListener stopped = new ProgressListener() {

			@Override
			public boolean isCanceled() {
				return true;
			}
		};
		assertEquals(null, ImagePlusScorer.score(trained, virtual, 4, ImagePlusPlanes.Plane::image, 4L * SIZE * SIZE *
			4 - 1, stopped).mapFile());
		try (Stream<Path> left = Files.list(folder)) {
			assertEquals(List.of("c.tif", "c_anomaly-2.tif", "c_anomaly.tif"), left.map(f -> f.getFileName().toString())
				.sorted().toList());
		}
		// a title's characters that no Windows file name may hold do not reach the file's name
		virtual.setTitle("well A1: t=3/5 <x>?.tif");
		Path named = ImagePlusScorer.score(trained, virtual, 4, ImagePlusPlanes.Plane::image, 4L * SIZE * SIZE * 4 - 1,
			ProgressListener.NONE).mapFile();
		assertEquals(folder.resolve("well A1_ t=3_5 _x___anomaly.tif"), named);
	}

	/**
	 * The map of an image sequence (a folder opened as one stack) goes beside the folder: among its
	 * images, a later opening of the sequence, training or scoring of the folder would read it.
	 */
	@Test
	public void anImageSequencesMapOverItsBudgetIsWrittenBesideItsFolder() throws IOException {
		Path parent = tmp.newFolder("sequences").toPath(), folder = Files.createDirectory(parent.resolve("seq"));
		ImagePlus c = ij.IJ.openImage(good.resolve("c.tif").toString());
		for (int i = 1; i <= 2; i++)
			assertTrue(ij.IJ.saveAsTiff(new ImagePlus("s" + i, c.getStack().getProcessor(i)), folder.resolve("s" + i +
				".tif").toString()));
		ij.plugin.FolderOpener opener = new ij.plugin.FolderOpener();
		opener.openAsVirtualStack(true);
		ImagePlus sequence = opener.openFolder(folder.toString());
		assertTrue(sequence.getStack().isVirtual());
		ImagePlusScorer.Result onDisk = ImagePlusScorer.score(trained, sequence, 4, ImagePlusPlanes.Plane::image,
			2L * SIZE * SIZE * 4 - 1, ProgressListener.NONE);
		assertEquals(parent.resolve("seq_anomaly.tif"), onDisk.mapFile());
		try (Stream<Path> left = Files.list(folder)) {
			assertEquals(List.of("s1.tif", "s2.tif"), left.map(f -> f.getFileName().toString()).sorted().toList());
		}
		assertEquals(2, onDisk.anomalyMap().getStackSize());
	}

	/** A texture model trained on {@code planes} striped planes of {@code size}², saved as {@code name}. */
	private static Path textureModel(String name, int planes, int size) throws IOException {
		Random random = new Random(4);
		TrainingData data = new TrainingData();
		for (int i = 0; i < planes; i++)
			data.add("normal " + i, ArrayImgs.floats(stripes(size, size, random), size, size));
		Path texture = tmp.getRoot().toPath().resolve(name);
		try (GanomalyModel m = Ganomaly.train(data, new TrainingSettings().seed(5).score(ScoreKind.TEXTURE),
			ProgressListener.NONE))
		{
			m.save(texture);
		}
		return texture;
	}

	/** {@code ganomaly score} of a folder in another JVM. */
	private static Process child(Path in, Path output) throws IOException {
		return child("48m", model, in, output, "--score", "latent", "--stride", "16");
	}

	/** {@code ganomaly score} with {@code model} in another JVM of {@code heap} (as -Xmx takes it). */
	private static Process child(String heap, Path model, Path in, Path output, String... more) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
			.toString(), "-Xmx" + heap, "-Dorg.bytedeco.javacpp.maxBytes=0", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
			"-cp", System.getProperty("java.class.path"), "-Dganomaly.engine.dir=" + System.getProperty(
				"ganomaly.engine.dir"), Main.class.getName(), "score", "--input", in.toString(), "--model", model.toString(),
			"--output", output.toString()));
		command.addAll(List.of(more));
		ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
		pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
		return pb.start();
	}
}
