package sc.fiji.ganomaly.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * scripts/make-update-site writes the plugin jar once, the shared engine jars, and each platform's
 * TensorFlow natives in its own lib/&lt;platform&gt;/ folder; the engine loads from that layout. With
 * profile all-natives (system property ganomaly.natives.dir) it checks all four platforms; in the
 * default build, the build machine's natives only (nothing more is downloaded).
 */
public class UpdateSiteTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void everyPlatformHasItsNativesInItsOwnFolder() throws Exception {
		boolean all = System.getProperty("ganomaly.natives.dir") != null;
		Path site = tmp.getRoot().toPath().resolve("site");
		ProcessBuilder pb = new ProcessBuilder("bash", "scripts/make-update-site", site.toString()).redirectErrorStream(true);
		pb.environment().put("GANOMALY_NO_BUILD", "1");
		pb.environment().put("GANOMALY_NATIVES", all ? "all" : "build");
		Process p = pb.start();
		p.getOutputStream().close();
		String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(log, p.waitFor(300, TimeUnit.SECONDS));
		assertEquals(log, 0, p.exitValue());

		List<String> files = files(site);
		assertEquals(files.toString(), List.of("jars/ganomaly-fiji.jar"),
			files.stream().filter(f -> f.endsWith("ganomaly-fiji.jar") || f.startsWith("jars/")).toList());
		assertFalse("no Spark: " + files, files.stream().anyMatch(f -> f.toLowerCase().contains("spark") ||
			f.contains("scala")));
		try (JarFile plugin = new JarFile(site.resolve("jars/ganomaly-fiji.jar").toFile())) {
			assertFalse(plugin.stream().anyMatch(e -> e.getName().startsWith("org/apache/spark/") ||
				e.getName().startsWith("org/tensorflow/")));
		}
		List<String> shared = files.stream().filter(f -> f.startsWith("lib/ganomaly-tensorflow/")).toList();
		assertTrue(shared.toString(), shared.contains("lib/ganomaly-tensorflow/ganomaly-fiji-engine.jar") &&
			shared.contains("lib/ganomaly-tensorflow/tensorflow-core-api-1.1.0.jar"));
		assertFalse("no platform natives in the shared folder: " + shared, shared.stream()
			.anyMatch(f -> EngineLoader.isCpuNatives(Path.of(f))));

		List<NativePlatform> platforms = all ? NativePlatform.ALL : List.of(NativePlatform.current());
		List<String> natives = files.stream().filter(f -> f.startsWith("lib/") && !shared.contains(f)).sorted().toList();
		assertEquals(platforms.stream().map(n -> "lib/" + n.updater() + "/ganomaly-tensorflow/" + n.nativesJar()).sorted()
			.toList(), natives);
		for (NativePlatform n : platforms)
			try (JarFile jar = new JarFile(site.resolve("lib/" + n.updater() + "/ganomaly-tensorflow/" + n.nativesJar()).toFile())) {
				assertTrue(n.nativesJar() + " holds " + n.classifier() + "'s libraries", jar.stream()
					.anyMatch(e -> e.getName().startsWith("org/tensorflow/internal/c_api/" + n.classifier() + "/") &&
						e.getName().contains("tensorflow")));
			}

		String description = EngineLoader.load(site.resolve("lib/ganomaly-tensorflow"), false).description();
		assertTrue(description, description.startsWith("TensorFlow 2."));
	}

	private static List<String> files(Path root) throws IOException {
		try (Stream<Path> walk = Files.walk(root)) {
			return walk.filter(Files::isRegularFile).map(f -> root.relativize(f).toString().replace('\\', '/')).sorted().toList();
		}
	}
}
