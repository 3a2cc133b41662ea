package sc.fiji.ganomaly.core.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.ganomaly.core.ModelClaimProbe;

/** Folder locks against other processes, as two Fijis or a Fiji and the command line meet them. */
public class FolderLockTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** What another JVM gets when it tries {@code name} in {@code folder} (or a model claim: "claim", the model). */
	public static String probe(String... args) throws IOException, InterruptedException {
		String classes = Paths.get("target/classes").toAbsolutePath() + java.io.File.pathSeparator + Paths.get(
			"target/test-classes").toAbsolutePath() + java.io.File.pathSeparator + System.getProperty("java.class.path");
		ProcessBuilder pb = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
			classes, args[0].equals("claim") ? ModelClaimProbe.class.getName() : FolderLockProbe.class.getName());
		for (int i = args[0].equals("claim") ? 1 : 0; i < args.length; i++)
			pb.command().add(args[i]);
		Process p = pb.redirectErrorStream(true).start();
		assertTrue("the probe ends", p.waitFor(60, TimeUnit.SECONDS));
		return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
	}

	/** A second run of this JVM is refused, and that refusal leaves the first one's lock held against others. */
	@Test
	public void aRefusalInThisJvmKeepsTheLockHeld() throws Exception {
		Path folder = tmp.newFolder("out").toPath();
		try (FolderLock first = FolderLock.take(folder, ".lock", "busy")) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FolderLock.take(folder,
				".lock", "another run is writing into out"));
			assertEquals("another run is writing into out", e.getMessage());
			assertEquals("BUSY", probe(folder.toString(), ".lock"));
		}
		assertEquals("TAKEN", probe(folder.toString(), ".lock"));
	}
}
