package sc.fiji.ganomaly.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.ganomaly.core.ModelClaim;
import sc.fiji.ganomaly.core.Metrics;
import sc.fiji.ganomaly.core.ModelFiles;
import sc.fiji.ganomaly.core.api.FolderLockTest;

import ij.IJ;
import ij.ImagePlus;

/** The command line on the shipped test images: train, score, evaluate, and refusals. */
public class MainTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static final Path IMAGES = Paths.get("test-images");
	static Path model;

	/** Result of one run. */
	record Run(int code, String out, String err) {}

	static Run run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
			new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	static List<String> images(String prefix) throws IOException {
		try (Stream<Path> list = Files.list(IMAGES)) {
			return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix) && n.endsWith(".tif") &&
				!n.contains("_mask")).sorted().map(n -> IMAGES.resolve(n).toString()).toList();
		}
	}

	@BeforeClass
	public static void train() throws IOException {
		model = tmp.getRoot().toPath().resolve("nuclei.ganomaly.zip");
		List<String> args = new ArrayList<>(List.of("train", "--model", model.toString(), "--patch-size", "32", "--epochs",
			"3", "--patches-per-epoch", "256", "--batch-size", "32", "--nz", "32", "--ngf", "16", "--ndf", "16", "--seed",
			"1", "--threads", "2", "--score", "latent", "--input"));
		args.addAll(images("normal_"));
		Run r = run(args.toArray(new String[0]));
		assertEquals(r.err(), 0, r.code());
		assertTrue(r.out(), r.out().contains("epoch 3/3"));
		assertTrue(Files.isRegularFile(model));
		assertFalse("checkpoints are removed once the model is written",
			Files.exists(sc.fiji.ganomaly.core.model.ModelFile.checkpointFolder(model)));
	}

	/**
	 * The default score picks texture for these 128² planes and trains no network: the command says so,
	 * the file holds the manifest alone, and it scores the anomalous images above its threshold.
	 */
	@Test
	public void defaultTrainingFitsTheTextureStatisticsAlone() throws IOException {
		Path texture = tmp.getRoot().toPath().resolve("texture.ganomaly.zip");
		List<String> args = new ArrayList<>(List.of("train", "--model", texture.toString(), "--patch-size", "32",
			"--seed", "3000000000", "--threads", "2", "--epochs", "15", "--batch-size", "32", "--input")); // a seed beyond
		// int, as the API takes; the network's settings, which the texture score does not use
		args.addAll(images("normal_"));
		Run r = run(args.toArray(new String[0]));
		assertEquals(r.err(), 0, r.code());
		assertTrue(r.out(), r.out().contains("score: texture (the training images hold several patches: local image " +
			"statistics; no network is trained)"));
		assertTrue(r.out(), r.out().contains("no network (the texture score needs none); score texture, threshold 1.0"));
		assertFalse(r.out(), r.out().contains("epoch"));
		assertTrue(r.err(), r.err().contains("warning: --epochs, --batch-size not used: the texture score trains no network"));
		try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(texture.toFile())) {
			assertEquals(List.of("manifest.json"), zip.stream().map(java.util.zip.ZipEntry::getName).toList());
			String manifest = new String(zip.getInputStream(zip.getEntry("manifest.json")).readAllBytes(),
				StandardCharsets.UTF_8);
			assertTrue(manifest, manifest.matches("(?s).*\"seed\": 3000000000\\b.*"));
		}
		Path output = tmp.getRoot().toPath().resolve("texture-scores");
		args = new ArrayList<>(List.of("score", "--model", texture.toString(), "--output", output.toString(), "--input"));
		args.addAll(images("anomalous_"));
		r = run(args.toArray(new String[0]));
		assertEquals(r.err(), 0, r.code());
		List<String> csv = Files.readAllLines(output.resolve("scores.csv"));
		assertEquals(String.join("\n", csv), images("anomalous_").size() + 1, csv.size());
		assertTrue(String.join("\n", csv), csv.stream().skip(1).allMatch(l -> l.endsWith(",true")));
	}

	@Test
	public void scoreWritesACsvRowPerPlaneAndMapsOfTheSameShape() throws IOException {
		Path output = tmp.getRoot().toPath().resolve("scores");
		List<String> inputs = new ArrayList<>(images("anomalous_"));
		inputs.add(IMAGES.resolve("stack_anomalous.tif").toString());
		List<String> args = new ArrayList<>(List.of("score", "--model", model.toString(), "--output", output.toString(),
			"--input"));
		args.addAll(inputs);
		Run r = run(args.toArray(new String[0]));
		assertEquals(r.err(), 0, r.code());
		List<String> csv = Files.readAllLines(output.resolve("scores.csv"));
		assertEquals("file,slice,score,anomalous", csv.get(0));
		int planes = 0;
		for (String input : inputs) {
			ImagePlus source = IJ.openImage(input);
			String base = Paths.get(input).getFileName().toString().replace(".tif", "");
			ImagePlus map = IJ.openImage(output.resolve(base + "_anomaly.tif").toString());
			assertEquals(32, map.getBitDepth());
			assertEquals(source.getWidth(), map.getWidth());
			assertEquals(source.getHeight(), map.getHeight());
			assertEquals(source.getNSlices() * source.getNFrames(), map.getStackSize());
			planes += source.getNSlices() * source.getNFrames();
		}
		assertEquals(planes + 1, csv.size());
		assertTrue(csv.get(1), csv.get(1).matches("anomalous_[a-z]+\\.tif,1,-?[0-9.]+,(true|false)"));
		assertTrue(csv.stream().anyMatch(l -> l.startsWith("stack_anomalous.tif,5,")));
	}

	/** A file evaluate cannot score is named with the option it was given under, as score names its --input. */
	@Test
	public void evaluateSaysOnWhichSideABadFileWas() throws IOException {
		Path tiny = tmp.getRoot().toPath().resolve("tiny.tif");
		ij.IJ.saveAsTiff(new ij.ImagePlus("tiny", new ij.process.ShortProcessor(20, 20)), tiny.toString());
		List<String> args = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--normal"));
		args.addAll(images("normal_"));
		args.addAll(List.of("--anomalous", tiny.toString()));
		Run r = run(args.toArray(new String[0]));
		assertEquals(r.err(), 2, r.code());
		assertTrue(r.err(), r.err().startsWith("ganomaly evaluate: --anomalous: tiny.tif is 20x20 pixels"));
		// an image on both sides would count for both in every metric
		String normal = images("normal_").get(0);
		r = run("evaluate", "--model", model.toString(), "--normal", normal, "--anomalous", IMAGES.toAbsolutePath()
			.resolve(Path.of(normal).getFileName()).toString());
		assertEquals(r.err(), 2, r.code());
		assertTrue(r.err(), r.err().startsWith("ganomaly evaluate: --anomalous: ") && r.err().contains(" is given as " +
			"--normal too; each image belongs to one side"));
	}

	/**
	 * A training into a model file that another training is writing is refused in one line, whatever score
	 * either one trains, in this JVM and in another; the claim given back leaves no checkpoint folder behind,
	 * but keeps a checkpoint to resume.
	 */
	@Test
	public void oneTrainingAtATimePerModelFile() throws Exception {
		Path target = tmp.getRoot().toPath().resolve("claimed.ganomaly.zip");
		Path folder = ModelFiles.checkpointFolder(target);
		List<String> args = new ArrayList<>(List.of("train", "--model", target.toString(), "--patch-size", "32",
			"--score", "texture", "--input"));
		args.addAll(images("normal_"));
		String busy = "--model: another training is writing " + target + "; wait until it ends or train into another " +
			"model file";
		try (ModelClaim other = ModelClaim.take(target, "model")) {
			Run r = run(args.toArray(new String[0]));
			assertEquals(r.err(), 2, r.code());
			assertEquals("ganomaly train: " + busy + "\n", r.err());
			assertFalse(Files.exists(target));
			// the refusal in this JVM left the lock held against other processes
			assertEquals(busy.replace("--model", "model"), FolderLockTest.probe("claim", target.toString()));
			Files.writeString(folder.resolve("epoch-1.index"), "a checkpoint");
			other.deleteCheckpoints(); // as ModelClaim.write does once a network trained to its end is written
			assertFalse(Files.exists(folder.resolve("epoch-1.index")));
			assertEquals("the claim is held until it is given back", busy.replace("--model", "model"), FolderLockTest
				.probe("claim", target.toString()));
		}
		assertFalse("a claim given back takes its folder with it", Files.exists(folder));
		assertEquals("TAKEN", FolderLockTest.probe("claim", target.toString()));
		assertFalse(Files.exists(folder));
		Run r = run(args.toArray(new String[0]));
		assertEquals(r.err(), 0, r.code());
		assertTrue(Files.isRegularFile(target));
		assertFalse(Files.exists(folder));
		// a checkpoint to resume stays
		Files.createDirectories(folder);
		Files.writeString(folder.resolve("state.json"), "{}");
		ModelClaim.take(target, "model").close();
		assertTrue(Files.exists(folder.resolve("state.json")));
	}

	/** A score run refused for a bad option or model leaves no output folder behind. */
	@Test
	public void aRefusedScoreMakesNoOutputFolder() throws IOException {
		String input = images("normal_").get(0);
		String[][] refused = { { "--score", "nice" }, { "--precision", "half" }, { "--threads", "-1" }, { "--stride",
			"-1" }, { "--threshold", "high" } };
		for (String[] bad : refused) {
			Path out = tmp.getRoot().toPath().resolve("refused-" + bad[0].substring(2));
			Run r = run("score", "--input", input, "--model", model.toString(), "--output", out.toString(), bad[0], bad[1]);
			assertEquals(bad[0] + " " + bad[1] + ": " + r.err(), 2, r.code());
			assertFalse(bad[0] + " " + bad[1] + ": " + r.err(), java.nio.file.Files.exists(out));
		}
		Path out = tmp.getRoot().toPath().resolve("refused-model");
		Run r = run("score", "--input", input, "--model", tmp.getRoot().toPath().resolve("none.zip").toString(),
			"--output", out.toString());
		assertEquals(r.err(), 2, r.code());
		assertFalse(r.err(), java.nio.file.Files.exists(out));
		// an output folder that cannot be made is the input's problem: one line, no pointer to --help
		java.nio.file.Path file = java.nio.file.Files.writeString(tmp.getRoot().toPath().resolve("a-file"), "x");
		r = run("score", "--input", input, "--model", model.toString(), "--output", file.resolve("out").toString());
		assertEquals(r.err(), 2, r.code());
		assertEquals(r.err(), 1, r.err().lines().count());
		assertTrue(r.err(), r.err().startsWith("ganomaly score: --output"));
	}

	@Test
	public void evaluatePrintsTheThreeMetrics() throws IOException {
		List<String> args = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--normal"));
		args.addAll(images("normal_"));
		args.add("--anomalous");
		args.addAll(images("anomalous_"));
		Run r = run(args.toArray(new String[0]));
		assertEquals(r.err(), 0, r.code());
		// the metrics of the planes' scores that `ganomaly score` writes for the same files
		float[] normal = scoredPlanes("normal_"), anomalous = scoredPlanes("anomalous_");
		double[] expected = { Metrics.rocAuc(normal, anomalous), Metrics.prAuc(normal, anomalous), Metrics.bestF1(
			normal, anomalous) };
		String[] metrics = { "ROC AUC", "PR AUC", "best F1" };
		for (int i = 0; i < metrics.length; i++) {
			Matcher m = Pattern.compile(metrics[i] + ": ([0-9.]+)").matcher(r.out());
			assertTrue(r.out(), m.find());
			assertEquals(metrics[i], expected[i], Double.parseDouble(m.group(1)), 5e-5);
		}
		assertTrue(r.out(), r.out().contains("normal samples: " + normal.length + "\nanomalous samples: " +
			anomalous.length + "\n"));
	}

	/** The scores that {@code ganomaly score} writes for the test images whose names start with {@code prefix}. */
	private static float[] scoredPlanes(String prefix) throws IOException {
		Path output = tmp.getRoot().toPath().resolve("planes-" + prefix);
		List<String> args = new ArrayList<>(List.of("score", "--model", model.toString(), "--output", output.toString(),
			"--maps", "none", "--input"));
		args.addAll(images(prefix));
		Run r = run(args.toArray(new String[0]));
		assertEquals(r.err(), 0, r.code());
		List<String> rows = Files.readAllLines(output.resolve("scores.csv"));
		float[] scores = new float[rows.size() - 1];
		for (int i = 1; i < rows.size(); i++)
			scores[i - 1] = Float.parseFloat(rows.get(i).split(",")[2]);
		return scores;
	}

	@Test
	public void helpForEveryCommand() {
		for (String command : new String[] { "train", "score", "evaluate" }) {
			Run r = run(command, "--help");
			assertEquals(0, r.code());
			assertTrue(r.out(), r.out().startsWith("usage: ganomaly " + command));
		}
		assertEquals(2, run().code());
	}
}
