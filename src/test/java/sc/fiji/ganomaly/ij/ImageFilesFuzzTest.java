package sc.fiji.ganomaly.ij;

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
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

/**
 * Seeded mutations of small real TIFFs (bytes flipped in headers, directories and anywhere, truncations,
 * offsets rewritten, directory chains looped): each opens through {@link ImageFiles#openLazily}
 * with every plane's pixels read, and through {@link ImageFiles#open}, and gives an image or a
 * one-line IllegalArgumentException, within a time limit, printing nothing.
 */
public class ImageFilesFuzzTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	static final long SEED = 20261203L;
	static final int MUTANTS = 3000;
	static final long BUDGET_NANOS = 30_000_000_000L, PER_FILE_SECONDS = 5;

	enum Mutation {
		FLIP_HEADER, FLIP_DIRECTORY, TRUNCATE, REWRITE_OFFSET, LOOP_CHAIN, HUGE_SIZE,
		/** bits flipped anywhere: in ImageJ's metadata and selections, strips, pixels */
		FLIP_ANYWHERE
	}

	/** One seed file and its directories' offsets and entry counts. */
	record Seed(String name, byte[] bytes, ByteOrder order, long[] directories, int[] entries) {}

	List<Seed> seeds() throws IOException {
		List<byte[]> files = new ArrayList<>();
		for (TestTiffs.Spec s : List.of(TestTiffs.spec(), TestTiffs.spec().bigEndian().bits(16).planes(3), TestTiffs
			.spec().bits(32).planes(2), TestTiffs.spec().deflate().planes(2), TestTiffs.spec().planes(4)
				.imageJSingleDirectory()))
			files.add(s.build().bytes());
		Path dir = tmp.getRoot().toPath();
		ImageStack stack = new ImageStack(12, 9);
		for (int i = 0; i < 4; i++) {
			ShortProcessor ip = new ShortProcessor(12, 9);
			ip.setValue(100 * i);
			ip.fill();
			stack.addSlice("plane " + i, ip);
		}
		ImagePlus hyper = new ImagePlus("hyper", stack);
		hyper.setDimensions(2, 2, 1);
		hyper.setOpenAsHyperStack(true);
		new FileSaver(hyper).saveAsTiffStack(dir.resolve("hyper.tif").toString());
		new FileSaver(new ImagePlus("f", new FloatProcessor(10, 7))).saveAsTiff(dir.resolve("float.tif").toString());
		new FileSaver(new ImagePlus("c", new ColorProcessor(10, 7))).saveAsTiff(dir.resolve("rgb.tif").toString());
		ImagePlus annotated = new ImagePlus("annotated", new ShortProcessor(16, 12));
		ij.gui.Overlay overlay = new ij.gui.Overlay();
		ij.gui.PolygonRoi spline = new ij.gui.PolygonRoi(new float[] { 1, 12, 6 }, new float[] { 1, 3, 10 },
			ij.gui.Roi.POLYGON);
		spline.fitSpline();
		overlay.add(spline);
		overlay.add(new ij.gui.PointRoi(new float[] { 2, 5 }, new float[] { 3, 6 }));
		overlay.add(new ij.gui.TextRoi(2, 2, "note", new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 9)));
		overlay.add(new ij.gui.ImageRoi(3, 3, new ij.process.ByteProcessor(3, 3)));
		overlay.add(new ij.gui.EllipseRoi(2, 2, 12, 10, 0.5));
		annotated.setOverlay(overlay);
		annotated.setRoi(new ij.gui.OvalRoi(2, 3, 8, 7));
		annotated.setProperty("Info", "information");
		new FileSaver(annotated).saveAsTiff(dir.resolve("annotated.tif").toString());
		for (String name : List.of("hyper.tif", "float.tif", "rgb.tif", "annotated.tif"))
			files.add(Files.readAllBytes(dir.resolve(name)));
		List<Seed> seeds = new ArrayList<>();
		for (int i = 0; i < files.size(); i++) {
			Path file = Files.write(dir.resolve("seed" + i + ".tif"), files.get(i));
			TiffCheck.Report report = TiffCheck.check(file, "seed");
			ByteOrder order = report.littleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
			long[] offsets = report.directories().stream().mapToLong(TiffCheck.Directory::offset).toArray();
			int[] entries = new int[offsets.length];
			for (int d = 0; d < offsets.length; d++)
				entries[d] = ByteBuffer.wrap(files.get(i)).order(order).getShort((int) offsets[d]) & 0xffff;
			seeds.add(new Seed(file.getFileName().toString(), files.get(i), order, offsets, entries));
		}
		return seeds;
	}

	static byte[] mutate(Seed seed, Mutation m, Random random) {
		byte[] b = seed.bytes().clone();
		ByteBuffer buffer = ByteBuffer.wrap(b).order(seed.order());
		int d = random.nextInt(seed.directories().length);
		int at = (int) seed.directories()[d], n = seed.entries()[d];
		int entry = at + 2 + 12 * random.nextInt(n);
		switch (m) {
			case FLIP_HEADER -> b[random.nextInt(8)] ^= (byte) (1 << random.nextInt(8));
			case FLIP_DIRECTORY -> {
				for (int k = 1 + random.nextInt(3); k > 0; k--)
					b[at + random.nextInt(2 + 12 * n + 4)] ^= (byte) (1 << random.nextInt(8));
			}
			case TRUNCATE -> b = Arrays.copyOf(b, random.nextInt(b.length));
			case FLIP_ANYWHERE -> {
				for (int k = 1 + random.nextInt(4); k > 0; k--)
					b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
			}
			case REWRITE_OFFSET -> buffer.putInt(entry + 8, random.nextBoolean() ? random.nextInt(b.length + 64)
				: random.nextInt());
			case LOOP_CHAIN -> buffer.putInt(at + 2 + 12 * n, (int) seed.directories()[random.nextInt(d + 1)]);
			case HUGE_SIZE -> {
				boolean both = random.nextBoolean();
				for (int i = 0; i < n; i++) {
					int tag = buffer.getShort(at + 2 + 12 * i) & 0xffff;
					if (tag == 256 || tag == 257 && both) buffer.putShort(at + 2 + 12 * i + 2, (short) 4).putInt(at + 2 +
						12 * i + 4, 1).putInt(at + 2 + 12 * i + 8, 1 + random.nextInt(Integer.MAX_VALUE));
				}
			}
		}
		return b;
	}

	/** Opens a file both ways, reading every plane; returns null when it is read, else the refusal. */
	static String open(Path file) {
		String refusal = null;
		for (boolean lazy : new boolean[] { true, false }) {
			try {
				ImageFiles.Input input = lazy ? ImageFiles.openLazily(file, "--input") : ImageFiles.open(file, "--input");
				ImageStack stack = input.image().getStack();
				for (int p = 1; p <= stack.getSize(); p++)
					if (stack.getPixels(p) == null) throw new AssertionError(file + ": plane " + p + " has no pixels");
				ImagePlusPlanes.count(input.image());
			}
			catch (IllegalArgumentException e) {
				refusal = e.getMessage();
			}
		}
		return refusal;
	}

	@Test
	public void mutatedTiffsGiveAnImageOrOneLineQuicklyAndPrintNothing() throws Exception {
		Random random = new Random(SEED);
		List<Seed> seeds = seeds();
		Path dir = tmp.newFolder("mutants").toPath();
		PrintStream out = System.out, err = System.err;
		ByteArrayOutputStream console = new ByteArrayOutputStream();
		ThreadFactory daemons = r -> {
			Thread t = new Thread(r, "fuzz");
			t.setDaemon(true); // a file that never answers must not keep the test JVM alive
			return t;
		};
		ExecutorService executor = Executors.newSingleThreadExecutor(daemons);
		int[] read = new int[Mutation.values().length], refused = new int[read.length];
		List<String> failures = new ArrayList<>();
		long start = System.nanoTime(), slowest = 0;
		int tried = 0;
		try {
			System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
			System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
			for (; tried < MUTANTS && System.nanoTime() - start < BUDGET_NANOS; tried++) {
				Seed seed = seeds.get(random.nextInt(seeds.size()));
				Mutation m = Mutation.values()[random.nextInt(Mutation.values().length)];
				Path file = Files.write(dir.resolve("mutant" + tried + ".tif"), mutate(seed, m, random));
				String label = "mutant " + tried + " (" + m + " of " + seed.name() + ")";
				long t0 = System.nanoTime();
				Future<String> result = executor.submit(() -> open(file));
				try {
					String refusal = result.get(PER_FILE_SECONDS, TimeUnit.SECONDS);
					if (refusal == null) read[m.ordinal()]++;
					else if (refusal.startsWith("--input: ") && !refusal.contains("\n")) refused[m.ordinal()]++;
					else failures.add(label + ": not one line naming the option: " + refusal);
				}
				catch (TimeoutException e) {
					failures.add(label + ": no answer within " + PER_FILE_SECONDS + " s");
					result.cancel(true);
					executor.shutdownNow();
					executor = Executors.newSingleThreadExecutor(daemons);
				}
				catch (java.util.concurrent.ExecutionException e) {
					failures.add(label + ": " + e.getCause());
				}
				slowest = Math.max(slowest, System.nanoTime() - t0);
				if (console.size() > 0) {
					failures.add(label + ": printed " + console.toString(StandardCharsets.UTF_8).strip());
					console.reset();
				}
				Files.delete(file);
			}
		}
		finally {
			System.setOut(out);
			System.setErr(err);
			executor.shutdownNow();
		}
		long readTotal = Arrays.stream(read).sum(), refusedTotal = Arrays.stream(refused).sum();
		err.printf("fuzz: %d mutants in %.1f s (slowest %.0f ms): %d read, %d refused in one line, %d failures; " +
			"per mutation read/refused: %s%n", tried, (System.nanoTime() - start) / 1e9, slowest / 1e6, readTotal,
			refusedTotal, failures.size(), perMutation(read, refused));
		assertEquals(String.join("\n", failures.subList(0, Math.min(20, failures.size()))), 0, failures.size());
		assertTrue("enough mutants ran: " + tried, tried >= 300);
		assertTrue("mutants are refused: " + refusedTotal, refusedTotal > tried / 4);
	}

	static String perMutation(int[] read, int[] refused) {
		StringBuilder s = new StringBuilder();
		for (Mutation m : Mutation.values())
			s.append(m).append(' ').append(read[m.ordinal()]).append('/').append(refused[m.ordinal()]).append(' ');
		return s.toString().strip();
	}
}
