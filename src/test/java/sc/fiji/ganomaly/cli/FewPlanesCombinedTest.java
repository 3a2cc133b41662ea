package sc.fiji.ganomaly.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * With fewer than ten normal planes a band of each is held out; the combined score's calibration
 * reads each band's texture statistics with its plane around it, as a user's map of the whole plane
 * does. Read on the band alone, the band's edges had set the combined threshold far above every
 * anomaly: debris scored 0.21 with the combined score (16.4 with texture), the stack's anomalous
 * slices 0.16 and 0.23.
 */
public class FewPlanesCombinedTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void theCombinedScoreFlagsWhatTheTextureScoreFlagsAfterATrainingOnNinePlanes() throws Exception {
		Path images = Path.of("test-images"), model = tmp.getRoot().toPath().resolve("net9.ganomaly.zip"), out = tmp
			.getRoot().toPath().resolve("out");
		run("train", "--input", images.resolve("normal_01.tif").toString(), images.resolve("normal_02.tif").toString(),
			images.resolve("normal_03.tif").toString(), images.resolve("normal_04.tif").toString(), images.resolve(
				"stack_normal.tif").toString(), "--model", model.toString(), "--score", "latent", "--patch-size", "16", "--nz",
			"8", "--ngf", "8", "--ndf", "8", "--epochs", "2", "--patches-per-epoch", "64", "--batch-size", "16",
			"--threads", "1");
		run("score", "--input", images.resolve("normal_05.tif").toString(), images.resolve("anomalous_debris.tif")
			.toString(), images.resolve("stack_anomalous.tif").toString(), "--model", model.toString(), "--score",
			"combined", "--output", out.toString(), "--maps", "none");
		List<String> rows = Files.readAllLines(out.resolve("scores.csv"));
		assertTrue(rows.toString(), rows.get(1).startsWith("normal_05.tif,1,") && rows.get(1).endsWith(",false"));
		for (String anomalous : new String[] { "anomalous_debris.tif,1,", "stack_anomalous.tif,2,", "stack_anomalous.tif,4," })
			assertTrue(rows.toString(), rows.stream().anyMatch(r -> r.startsWith(anomalous) && r.endsWith(",true")));
	}

	private static void run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
			StandardCharsets.UTF_8));
		assertEquals(err.toString(StandardCharsets.UTF_8), 0, code);
	}
}
