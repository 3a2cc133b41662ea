package sc.fiji.ganomaly.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

/**
 * Installs into a Fiji-like folder with scripts/install-into-fiji and runs the command line from
 * it in a fresh JVM whose class path has no TensorFlow: the engine must come from
 * lib/ganomaly-tensorflow, found from the plugin jar's location.
 */
public class FijiLayoutTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void installedLayoutTrainsAndScores() throws Exception {
		Path fiji = tmp.getRoot().toPath().resolve("Fiji.app");
		ProcessBuilder installer = new ProcessBuilder("bash", "scripts/install-into-fiji", fiji.toString())
			.redirectErrorStream(true);
		installer.environment().put("GANOMALY_NO_BUILD", "1");
		Process install = installer.start();
		install.getOutputStream().close();
		String log = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(log, install.waitFor(120, TimeUnit.SECONDS));
		assertEquals(log, 0, install.exitValue());

		Path plugin = fiji.resolve("jars/ganomaly-fiji.jar");
		try (JarFile jar = new JarFile(plugin.toFile())) {
			assertNotNull("commands are indexed", jar.getEntry("META-INF/json/org.scijava.plugin.Plugin"));
			assertNotNull(jar.getEntry("sc/fiji/ganomaly/engine/EngineLoader.class"));
			assertFalse("no TensorFlow classes in the plugin jar", jar.stream()
				.anyMatch(e -> e.getName().startsWith("sc/fiji/ganomaly/engine/tensorflow/") || e.getName().startsWith("org/tensorflow/")));
		}
		assertEquals("Fiji's own jars (gson, imglib2, ...) are not copied", List.of("ganomaly-fiji.jar"),
			Arrays.asList(fiji.resolve("jars").toFile().list()));
		List<String> engine = Arrays.stream(fiji.resolve("lib/ganomaly-tensorflow").toFile().list()).sorted().toList();
		assertTrue(engine.toString(), engine.stream().anyMatch(n -> n.endsWith("-engine.jar")));
		assertTrue(engine.toString(), engine.contains("tensorflow-core-api-1.1.0.jar"));

		Path image = tmp.getRoot().toPath().resolve("normal.tif");
		FloatProcessor ip = new FloatProcessor(48, 48);
		for (int i = 0; i < 48 * 48; i++)
			ip.setf(i, (float) (100 + 40 * Math.sin(i * 0.37)));
		new FileSaver(new ImagePlus("normal", ip)).saveAsTiff(image.toString());
		Path model = tmp.getRoot().toPath().resolve("m.ganomaly.zip");
		run(fiji, "train", "--input", image.toString(), "--model", model.toString(), "--patch-size", "16", "--epochs", "1",
			"--patches-per-epoch", "32", "--batch-size", "16", "--nz", "8", "--ngf", "8", "--ndf", "8", "--score", "latent");
		try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(model.toFile())) {
			String manifest = new String(zip.getInputStream(zip.getEntry("manifest.json")).readAllBytes(),
				StandardCharsets.UTF_8);
			assertTrue("trained by the engine of Fiji's layout: " + manifest, manifest.contains("\"engine\": \"TensorFlow 2."));
		}
		Path out = tmp.getRoot().toPath().resolve("out");
		run(fiji, "score", "--input", image.toString(), "--model", model.toString(), "--output", out.toString());
		assertEquals(2, Files.readAllLines(out.resolve("scores.csv")).size());
	}

	/**
	 * True if {@code output} holds a line of TensorFlow's native logging: "... I tensorflow/core/...",
	 * absl's "I0000 ... mlir_graph_optimization_pass.cc" and its "before absl::InitializeLog()" notice.
	 */
	public static boolean hasTensorFlowLog(String output) {
		return Pattern.compile("(?m)(^\\S+ \\S+: [IWE] (tensorflow|external|xla)/|^[IWE]\\d{4} |absl::InitializeLog|MLIR)")
			.matcher(output).find();
	}

	/** Runs the command line with Fiji's jars and the host libraries it needs, but no TensorFlow. */
	private static void run(Path fiji, String... args) throws IOException, InterruptedException {
		String host = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter(p -> p.matches(".*/(ij|imglib2|scijava-common|parsington|gson)-[0-9.]+[a-z0-9]*\\.jar"))
			.collect(Collectors.joining(File.pathSeparator));
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
			"-cp", fiji.resolve("jars/ganomaly-fiji.jar") + File.pathSeparator + host, "sc.fiji.ganomaly.cli.Main"));
		command.addAll(List.of(args));
		ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
		pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
		Process p = pb.start();
		p.getOutputStream().close();
		String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(output, p.waitFor(300, TimeUnit.SECONDS));
		assertEquals(output, 0, p.exitValue());
		assertFalse("TensorFlow's start-up lines stay off the console:\n" + output, hasTensorFlowLog(output));
	}
}
