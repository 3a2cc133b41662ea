package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Plugins › GANomaly › GANomaly Options… in the real ImageJ2 runtime ({@code ../shared/fiji-runtime}),
 * headless and in the GUI: the device chosen is saved and used by the engine in a later session, the
 * report names what is installed and what is missing, the engine's fallback warning reaches the log
 * (ImageJ's Log window in the GUI); and {@code scripts/install-into-fiji --gpu} with a local Maven
 * repository standing in for Maven Central. Skipped where the runtime is not there.
 */
public class OptionsCommandTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static final Path RUNTIME = FijiMacroTest.RUNTIME;
	static final String GPU_JAR = "tensorflow-core-native-1.1.0-linux-x86_64-gpu.jar";
	static Path app;

	@BeforeClass
	public static void install() throws Exception {
		assumeTrue("skipped: no ImageJ2 runtime at " + RUNTIME, Files.isExecutable(RUNTIME.resolve("fiji")));
		app = tmp.getRoot().toPath().resolve("Fiji.app");
		String log = install("scripts/install-into-fiji", app.toString());
		assertTrue(log, log.contains("installed into"));
	}

	@Test
	public void headlessChoiceIsSavedAndUsedByTheEngine() throws Exception {
		String first = macro("headless", "run(\"GANomaly Options...\", \"device=GPU\");");
		assertTrue(first, first.contains("GANomaly options: device GPU (saved)"));
		assertTrue(first, first.contains("GPU natives: missing: get " + GPU_JAR + " (Maven Central: " +
			"org.tensorflow:tensorflow-core-native:1.1.0, classifier linux-x86_64-gpu, 526 MB) into " +
			app.resolve("lib/ganomaly-tensorflow/gpu") + "/"));
		assertTrue(first, first.contains("Natives loaded from: " + app.resolve("lib/ganomaly-tensorflow/" +
			"tensorflow-core-native-1.1.0-linux-x86_64.jar")));
		assertTrue(first, first.contains("Devices TensorFlow sees: /job:localhost/replica:0/task:0/device:CPU:0"));
		assertTrue(first, first.contains("Device in use: CPU"));
		// the engine's fallback, through the LogService, once
		assertEquals(first, 1, count(first, "[WARNING] GANomaly: GPU requested, but " + app.resolve(
			"lib/ganomaly-tensorflow/gpu") + " holds no GPU natives"));
		// a later session, with no device in the macro, loads the engine for the saved GPU
		String later = macro("headless", "run(\"GANomaly Options...\");\nrun(\"GANomaly Options...\");");
		assertTrue(later, later.contains("GANomaly options: device GPU (saved)"));
		// still the GPU, still without its natives: a restart would load the CPU's again
		assertFalse(later, later.contains("in this session: restart Fiji"));
		assertTrue(later, later.contains("[WARNING] GANomaly: GPU requested"));
		// the GPU asked for without its natives loaded the CPU's: choosing the CPU then needs no restart
		String cpu = macro("headless", "run(\"GANomaly Options...\", \"device=GPU\");\nrun(\"GANomaly Options...\", " +
			"\"device=CPU\");");
		assertTrue(cpu, cpu.contains("GANomaly options: device CPU (saved)"));
		assertFalse(cpu, cpu.contains("in this session: restart Fiji"));
		String after = macro("headless", "run(\"GANomaly Options...\");");
		assertFalse(cpu + "\n---- the next session:\n" + after, after.contains("GPU requested"));
		// a device that does not exist stops the macro in one line, and the saved one stays
		String bad = macro("headless", "run(\"GANomaly Options...\", \"device=TPU\");\nprint(\"RESULT after failure\");");
		assertTrue(bad, bad.contains("device: must be CPU or GPU, not 'TPU'"));
		assertFalse("a bad device stops the macro:\n" + bad, bad.contains("RESULT after failure"));
		String kept = macro("headless", "run(\"GANomaly Options...\");");
		assertTrue(kept, kept.contains("GANomaly options: device CPU (saved)"));
	}

	@Test
	public void guiDialogShowsTheSavedDeviceAndWarningsReachTheLogWindow() throws Exception {
		assumeTrue("skipped: the GUI test needs Xvfb (apt-get install -y xvfb)", FijiMacroTest.onPath("Xvfb"));
		Path gui = tmp.newFolder("gui").toPath().resolve("Fiji.app");
		install("scripts/install-into-fiji", gui.toString());
		macro(gui, "headless", "run(\"GANomaly Options...\", \"device=GPU\");");
		// from the menu (a macro's run() shows no message items: imagej-legacy resolves them)
		String out = FijiMacroTest.run(new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), gui.toString(), "record",
			FijiMacroTest.PROJECT.resolve("test-images/normal_01.tif").toString(), "GANomaly Options...")
			.redirectErrorStream(true), 180);
		List<String> dialogs = out.lines().filter(l -> l.contains("DIALOG appeared")).toList();
		assertEquals(out, 1, dialogs.size());
		String dialog = out.substring(out.indexOf("DIALOG appeared"), out.indexOf("clicked OK")).replaceAll("\\s+", " ");
		assertTrue(dialog, dialog.contains("[combo GPU]"));
		assertTrue("a way out of the dialog that saves nothing: " + dialog, dialog.contains("[button Cancel]"));
		assertTrue(dialog, dialog.contains("GPU natives: missing: get " + GPU_JAR));
		assertTrue(out, out.contains("run(\"GANomaly Options...\", \"device=GPU\");"));
		String window = out.substring(out.indexOf("LOG WINDOW:"));
		assertTrue(window, window.contains("Device in use: CPU"));
		assertTrue(window, window.contains("GANomaly: GPU requested, but " + gui.resolve("lib/ganomaly-tensorflow/gpu") +
			" holds no GPU natives"));
	}

	@Test
	public void installGpuFromALocalRepository() throws Exception {
		Path repo = tmp.newFolder("repo").toPath();
		Path dir = Files.createDirectories(repo.resolve("org/tensorflow/tensorflow-core-native/1.1.0"));
		// the CPU natives under the GPU jar's name: TensorFlow loads them and finds no GPU, as on a machine without CUDA
		Files.createSymbolicLink(dir.resolve(GPU_JAR), app.resolve("lib/ganomaly-tensorflow/" +
			"tensorflow-core-native-1.1.0-linux-x86_64.jar"));
		Path other = tmp.newFolder("gpu").toPath().resolve("Fiji.app");
		String dry = install("scripts/install-into-fiji", "--gpu", "--dry-run", other.toString());
		assertTrue(dry, dry.contains("would copy " + dir.resolve(GPU_JAR)));
		assertFalse(Files.exists(other));
		String log = install("scripts/install-into-fiji", "--gpu", other.toString());
		Path installed = other.resolve("lib/ganomaly-tensorflow/gpu/" + GPU_JAR);
		assertTrue(log, log.contains("installed the GPU natives: " + installed));
		assertEquals(Files.size(dir.resolve(GPU_JAR)), Files.size(installed));
		String out = macro(other, "headless", "run(\"GANomaly Options...\", \"device=GPU\");\nrun(\"GANomaly Options...\", " +
			"\"device=CPU\");");
		assertTrue(out, out.contains("GPU natives: " + installed + " (needs CUDA 12 and cuDNN 9)"));
		assertTrue(out, out.contains("Natives loaded from: " + installed));
		assertTrue(out, out.contains("[WARNING] GANomaly: GPU requested, but TensorFlow found no usable GPU"));
		// the GPU's natives are loaded: the CPU's need a new session
		assertTrue(out, out.contains("The engine was loaded for the GPU in this session: restart Fiji to use the CPU"));
		String mac = run(new ProcessBuilder("bash", "scripts/install-into-fiji", "--gpu", other.toString()), "Darwin arm64");
		assertTrue(mac, mac.contains("TensorFlow Java 1.1.0 has GPU natives for Linux x86-64 only, not Darwin arm64"));
	}

	private static String install(String... command) throws Exception {
		return run(new ProcessBuilder(command), null);
	}

	private static String run(ProcessBuilder pb, String uname) throws Exception {
		pb.redirectErrorStream(true).environment().put("GANOMALY_NO_BUILD", "1");
		pb.environment().put("GANOMALY_MAVEN_REPO", tmp.getRoot().toPath().resolve("repo").toString());
		if (uname != null) pb.environment().put("GANOMALY_UNAME", uname);
		return FijiMacroTest.run(pb, 120);
	}

	private static String macro(String mode, String code) throws Exception {
		return macro(app, mode, code);
	}

	private static String macro(Path fiji, String mode, String code) throws Exception {
		Path file = Files.createTempFile(tmp.getRoot().toPath(), "options", ".ijm");
		Files.writeString(file, code + "\n");
		return FijiMacroTest.run(new ProcessBuilder("bash", RUNTIME.resolve("fiji").toString(), fiji.toString(), mode,
			file.toString()).redirectErrorStream(true), 180);
	}

	private static int count(String text, String part) {
		int n = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1))
			n++;
		return n;
	}
}
