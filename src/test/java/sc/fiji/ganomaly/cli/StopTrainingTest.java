package sc.fiji.ganomaly.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.model.ModelFile;
import sc.fiji.ganomaly.ij.ImagePlusScorer;

import ij.IJ;


/**
 * SIGTERM (what Ctrl-C and a cluster's scheduler send) during {@code ganomaly train}: the epochs stop
 * as Fiji's Stop stops them, the best epoch so far is written as a model that scores, and the
 * checkpoint stays for {@code --resume}; during {@code ganomaly score}: what was scored is kept, and
 * the command says how to go on.
 */
public class StopTrainingTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void sigtermWritesTheBestModelSoFarAndKeepsTheCheckpoint() throws Exception {
		Path model = tmp.getRoot().toPath().resolve("stopped.ganomaly.zip");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
			"-cp", System.getProperty("java.class.path"), "-Dganomaly.engine.dir=" + System.getProperty(
				"ganomaly.engine.dir"), Main.class.getName(), "train", "--model", model.toString(), "--patch-size", "32",
			"--epochs", "500", "--patches-per-epoch", "64", "--batch-size", "32", "--nz", "16", "--ngf", "8", "--ndf", "8",
			"--score", "latent", "--threads", "1", "--seed", "3", "--input"));
		command.addAll(MainTest.images("normal_"));
		ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
		pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
		Process child = pb.start();
		StringBuilder output = new StringBuilder();
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
			StandardCharsets.UTF_8)))
		{
			for (String line; (line = lines.readLine()) != null;) {
				output.append(line).append('\n');
				// SIGTERM; Process.destroy would also close this stream
				if (line.startsWith("epoch 2/500")) child.toHandle().destroy();
			}
		}
		finally {
			if (!child.waitFor(5, TimeUnit.MINUTES)) child.destroyForcibly();
		}
		String out = output.toString();
		assertEquals(out, 143, child.exitValue()); // 128 + SIGTERM: the exit was the signal's
		assertTrue(out, out.contains("ganomaly train: stopping after this batch; the best epoch so far, if there is " +
			"one, is calibrated and written"));
		assertTrue("the calibration said, then counted:\n" + out, out.matches("(?s).*calibrating scores on held-out " +
			"normal data\n  0%\n.*  90%\n.*"));
		assertTrue(out, out.matches("(?s).*stopped; best epoch [1-9]\\d*;.*model written to .*--resume --epochs N.*"));
		assertTrue(out, !out.contains("epoch 500/500"));
		Path checkpoint = ModelFile.checkpointFolder(model);
		assertTrue("the checkpoint stays for --resume", Files.isRegularFile(checkpoint.resolve("state.json")));
		try (GanomalyModel m = GanomalyModel.load(model)) {
			// the best epoch's model was calibrated after the signal: on the texture score's scale, the giant
			// nucleus lies above the threshold and a training image below it
			GanomalyModel texture = m.withScore(ScoreKind.TEXTURE);
			float giant = planeScore(texture, "anomalous_giant.tif"), normal = planeScore(texture, "normal_01.tif");
			assertTrue("giant " + giant + ", normal " + normal, giant > 1 && normal < 1);
			// and the network's own score, calibrated from the best epoch, scores on its scale
			float own = planeScore(m, "anomalous_giant.tif");
			assertTrue("latent " + own, Float.isFinite(own));
		}
		MainTest.Run resumed = MainTest.run(withEpochs(command.subList(command.indexOf("train"), command.size()),
			"--resume"));
		assertEquals(resumed.err(), 0, resumed.code());
		java.util.regex.Matcher stoppedAt = java.util.regex.Pattern.compile("(?m)^epoch (\\d+)/500").matcher(out);
		int last = 0;
		while (stoppedAt.find())
			last = Integer.parseInt(stoppedAt.group(1));
		// the checkpoint of the last full epoch before the stop (2, or one more that ended meanwhile)
		assertTrue(resumed.out(), resumed.out().contains("resuming after epoch " + last) || resumed.out().contains(
			"resuming after epoch " + (last - 1)));
	}

	/**
	 * SIGTERM during {@code ganomaly score}: the JVM ends at once (no half-scored plane is kept), and
	 * the last line says what is kept and how to go on; --resume then scores the rest.
	 */
	@Test
	public void sigtermDuringScoringSaysHowToGoOn() throws Exception {
		Path root = tmp.getRoot().toPath(), model = root.resolve("texture.ganomaly.zip"), output = root.resolve("out");
		List<String> train = new ArrayList<>(List.of("train", "--model", model.toString(), "--seed", "1", "--input"));
		train.addAll(MainTest.images("normal_"));
		MainTest.Run trained = MainTest.run(train.toArray(new String[0]));
		assertEquals(trained.err(), 0, trained.code());
		ij.ImageStack stack = new ij.ImageStack(512, 512);
		java.util.Random random = new java.util.Random(2);
		for (int i = 0; i < 60; i++) {
			short[] v = new short[512 * 512];
			for (int k = 0; k < v.length; k++)
				v[k] = (short) (1000 + 100 * random.nextGaussian());
			stack.addSlice(new ij.process.ShortProcessor(512, 512, v, null));
		}
		Path input = root.resolve("stack.tif");
		new ij.io.FileSaver(new ij.ImagePlus("stack", stack)).saveAsTiffStack(input.toString());
		List<String> score = List.of("score", "--model", model.toString(), "--output", output.toString(), "--input", input
			.toString());
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
			"-cp", System.getProperty("java.class.path"), Main.class.getName()));
		command.addAll(score);
		Path log = root.resolve("score.log"), csv = output.resolve("scores.csv");
		Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		try {
			// SIGTERM once the first planes' rows are written (scores.csv grows as planes finish)
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
			while (child.isAlive() && (!Files.exists(csv) || Files.readAllLines(csv).size() < 2) && System.nanoTime() <
				deadline)
				Thread.sleep(20);
			child.toHandle().destroy();
		}
		finally {
			if (!child.waitFor(5, TimeUnit.MINUTES)) child.destroyForcibly();
		}
		String out = Files.readString(log);
		assertEquals(out, 143, child.exitValue());
		assertTrue(out, out.contains("ganomaly score: interrupted; what was scored is kept in " + output + ": run the " +
			"same command with --resume to score the rest"));
		List<String> resume = new ArrayList<>(score);
		resume.add("--resume");
		MainTest.Run resumed = MainTest.run(resume.toArray(new String[0]));
		assertEquals(resumed.err(), 0, resumed.code());
		assertTrue(resumed.out(), resumed.out().matches("(?s)scored 1 file\\(s\\), 60 plane\\(s\\) \\([1-9]\\d* of them by " +
			"the earlier run\\).*"));
	}

	/** The training's arguments with 3 epochs and {@code extra}. */
	private static String[] withEpochs(List<String> train, String extra) {
		List<String> args = new ArrayList<>(train);
		args.set(args.indexOf("--epochs") + 1, "3");
		args.add(1, extra);
		return args.toArray(new String[0]);
	}

	/** The image score of the test image {@code name}'s first plane. */
	static float planeScore(GanomalyModel model, String name) {
		return ImagePlusScorer.score(model, IJ.openImage(MainTest.IMAGES.resolve(name).toString()), 4,
			ProgressListener.NONE).scores().get(0).score();
	}
}
