package sc.fiji.ganomaly.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assume.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.ganomaly.engine.Precision;

/**
 * Scoring in bfloat16 with every network score keeps TensorFlow's lines about its graph rewrite off
 * the console, as float32 scoring does, although no log level was set.
 */
public class QuietBfloat16Test {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void bfloat16ScoringWritesNoTensorFlowLines() throws Exception {
		assumeTrue("skipped: this CPU has no bfloat16 instructions", Precision.unsupportedReason(Precision.BFLOAT16) ==
			null);
		Path model = tmp.getRoot().toPath().resolve("m.ganomaly.zip");
		List<String> train = new ArrayList<>(List.of("train", "--model", model.toString(), "--patch-size", "16",
			"--epochs", "1", "--patches-per-epoch", "64", "--batch-size", "32", "--nz", "8", "--ngf", "8", "--ndf", "8",
			"--score", "combined", "--input"));
		train.addAll(MainTest.images("normal_0"));
		MainTest.Run r = MainTest.run(train.toArray(new String[0]));
		assertEquals(r.err(), 0, r.code());
		for (String score : List.of("latent", "residual", "combined")) {
			ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), "-Dganomaly.engine.dir=" + System.getProperty("ganomaly.engine.dir"),
				Main.class.getName(), "score", "--model", model.toString(), "--precision", "bfloat16", "--score", score,
				"--maps", "none", "--output", tmp.getRoot().toPath().resolve("out-" + score).toString(), "--input", MainTest
					.IMAGES.resolve("anomalous_giant.tif").toString()).redirectErrorStream(true);
			pb.environment().remove("TF_CPP_MIN_LOG_LEVEL");
			Process p = pb.start();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			p.waitFor(120, TimeUnit.SECONDS);
			assertEquals(out, 0, p.exitValue());
			assertFalse(score + ":\n" + out, FijiLayoutTest.hasTensorFlowLog(out) || out.contains("auto_mixed_precision"));
		}
	}
}
