package sc.fiji.ganomaly.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.tools.ToolProvider;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code scripts/StageClasses.java}, which {@code scripts/install-into-fiji} stages the plugin and
 * engine jars with: of a class folder that two builds wrote (the second after a source was deleted
 * and another lost its anonymous class), it stages exactly the classes of the second build and the
 * plugin index entries of those, and it refuses a class folder older than its sources.
 */
public class StageClassesTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	static final String INDEX = "META-INF/json/org.scijava.plugin.Plugin";

	@Test
	public void stagesOnlyWhatTheCurrentSourcesBuild() throws Exception {
		Path root = tmp.getRoot().toPath(), src = root.resolve("src"), classes = root.resolve("classes");
		Path kept = write(src.resolve("p/Kept.java"), "package p; public class Kept { Runnable r = new Runnable() { " +
			"public void run() {} }; static class Nested {} }");
		Path deleted = write(src.resolve("p/Deleted.java"), "package p; public class Deleted {}");
		write(src.resolve("p/Other.java"), "package p; public class Other {} class Secondary {}");
		compile(classes, src);
		write(classes.resolve(INDEX), "{\"class\":\"p.Kept\",\"values\":{\"type\":\"a.B\"}}" +
			"{\"class\":\"p.Deleted\",\"values\":{\"type\":\"a.B\",\"menuPath\":\"x{y}\"}}");

		// the second build: Deleted.java is gone, Kept.java lost its anonymous class (javac deletes nothing)
		Files.delete(deleted);
		write(kept, "package p; public class Kept { static class Nested {} }");
		Files.setLastModifiedTime(kept, FileTime.fromMillis(System.currentTimeMillis() + 2000));
		Thread.sleep(2100);
		compile(classes, src);
		assertTrue(Files.exists(classes.resolve("p/Kept$1.class")));

		Path stage = root.resolve("stage");
		String out = stage(classes, stage, src);
		assertEquals(List.of(INDEX, "p/Kept$Nested.class", "p/Kept.class", "p/Other.class", "p/Secondary.class"),
			files(stage));
		assertEquals("{\"class\":\"p.Kept\",\"values\":{\"type\":\"a.B\"}}",
			Files.readString(stage.resolve(INDEX), StandardCharsets.UTF_8));
		assertTrue(out, out.contains("left out 3 left by earlier builds: p/Deleted.class, p/Kept$1.class, " + INDEX +
			" entry p.Deleted"));
		assertTrue(out, out.endsWith("exit 0"));

		// a source changed since the build: the class folder is out of date
		Files.setLastModifiedTime(src.resolve("p/Other.java"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
		String refused = stage(classes, root.resolve("stage2"), src);
		assertTrue(refused, refused.contains("p/Other.class is older than") && refused.contains("build first"));
		assertTrue(refused, refused.endsWith("exit 1"));
	}

	private static Path write(Path file, String text) throws IOException {
		Files.createDirectories(file.getParent());
		return Files.writeString(file, text);
	}

	/** Compiles every source of {@code src} into {@code classes}, as a build does, keeping what is there. */
	private static void compile(Path classes, Path src) throws IOException {
		Files.createDirectories(classes);
		List<String> args;
		try (Stream<Path> files = Files.walk(src)) {
			args = Stream.concat(Stream.of("-d", classes.toString()),
				files.filter(f -> f.toString().endsWith(".java")).map(Path::toString)).toList();
		}
		assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(new String[0])));
	}

	/** Runs the script; returns its output and error lines, and last "exit N". */
	private static String stage(Path classes, Path stage, Path src) throws Exception {
		Process p = new ProcessBuilder("java", "scripts/StageClasses.java", classes.toString(), stage.toString(),
			src.resolveSibling("resources").toString(), src.toString()).redirectErrorStream(true).start();
		p.getOutputStream().close();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(out, p.waitFor(60, TimeUnit.SECONDS));
		return out + "exit " + p.exitValue();
	}

	private static List<String> files(Path folder) throws IOException {
		try (Stream<Path> walk = Files.walk(folder)) {
			return walk.filter(Files::isRegularFile).map(f -> folder.relativize(f).toString().replace('\\', '/')).sorted()
				.toList();
		}
	}
}
