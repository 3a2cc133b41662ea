package sc.fiji.ganomaly.core.model;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Killing a process (SIGKILL) while it saves a model leaves the old file or the new one, never a broken one. */
public class AtomicSaveTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void killDuringSavesNeverLeavesABrokenModel() throws Exception {
		Path target = tmp.getRoot().toPath().resolve("m.ganomaly.zip");
		Random random = new Random(3);
		int checked = 0;
		for (int round = 0; round < 8; round++) {
			Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), SaveLoop.class.getName(), target.toString(),
				tmp.newFolder().toString()).redirectErrorStream(true)
				.start();
			BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
			String line = out.readLine(); // first save done
			assertTrue("child said: " + line, line != null && line.startsWith("saved"));
			Thread.sleep(random.nextInt(400));
			child.destroyForcibly(); // SIGKILL on Linux
			assertTrue(child.waitFor(30, TimeUnit.SECONDS));
			ModelFile.Unpacked u = ModelFile.read(target, 0);
			try {
				assertEquals(8 << 20, Files.size(u.savedModel().resolve("variables/variables.data-00000-of-00001")));
				assertTrue(u.manifest().training().figures().containsKey("version"));
			}
			finally {
				TemporaryFolders.deleteTree(u.folder());
			}
			checked++;
		}
		assertEquals(8, checked);
	}
}
