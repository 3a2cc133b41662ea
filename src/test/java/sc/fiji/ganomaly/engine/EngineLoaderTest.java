package sc.fiji.ganomaly.engine;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class EngineLoaderTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void onlyTheJdkAndTheEngineInterfaceAreShared() {
		assertTrue(EngineClassLoader.shared("java.lang.String"));
		assertTrue(EngineClassLoader.shared("sc.fiji.ganomaly.engine.Engine"));
		assertTrue(EngineClassLoader.shared("sc.fiji.ganomaly.engine.NetworkSpec"));
		assertFalse(EngineClassLoader.shared("sc.fiji.ganomaly.engine.tensorflow.TensorFlowEngine"));
		assertFalse(EngineClassLoader.shared("org.tensorflow.Tensor"));
		assertFalse(EngineClassLoader.shared("com.google.protobuf.Message"));
	}

	/** The loaders' own words (glibc's ld.so, macOS's dyld) when natives were built for a newer system. */
	@Test
	public void aSystemOlderThanTheNativesIsNamed() {
		UnsatisfiedLinkError linux = new UnsatisfiedLinkError("/home/u/.javacpp/cache/tensorflow-core-native-1.1.0-" +
			"linux-x86_64.jar/org/tensorflow/internal/c_api/linux-x86_64/libjnitensorflow.so: /lib64/libc.so.6: version " +
			"`GLIBC_2.34' not found (required by /home/u/.javacpp/cache/libjnitensorflow.so)");
		UnsatisfiedLinkError outer = new UnsatisfiedLinkError("no jnitensorflow in java.library.path: /usr/lib");
		outer.initCause(linux);
		assertTrue(NativePlatform.systemTooOld(new ExceptionInInitializerError(outer)).contains("glibc 2.34"));
		UnsatisfiedLinkError mac = new UnsatisfiedLinkError("dlopen(/Users/u/.javacpp/cache/libjnitensorflow.dylib, " +
			"0x0001): Symbol not found: __ZNSt3__1 Referenced from: <A1B2> /Users/u/.javacpp/cache/libjnitensorflow.dylib " +
			"(built for macOS 14.0 which is newer than running OS)");
		assertTrue(NativePlatform.systemTooOld(mac).contains("macOS 14"));
		assertEquals(null, NativePlatform.systemTooOld(new UnsatisfiedLinkError("dlopen(/Users/u/libjnitensorflow.dylib, " +
			"0x0001): tried: '/Users/u/libjnitensorflow.dylib' (mach-o file, but is an incompatible architecture " +
			"(have 'arm64', need 'x86_64'))")));
		assertEquals(null, NativePlatform.systemTooOld(new NoClassDefFoundError("org/tensorflow/Graph")));
	}

	@Test
	public void recognisesTheCpuNativesJar() {
		assertTrue(EngineLoader.isCpuNatives(Paths.get("tensorflow-core-native-1.1.0-linux-x86_64.jar")));
		assertTrue(EngineLoader.isCpuNatives(Paths.get("tensorflow-core-native-1.1.0-macosx-arm64.jar")));
		assertFalse(EngineLoader.isCpuNatives(Paths.get("tensorflow-core-native-1.1.0.jar")));
		assertFalse(EngineLoader.isCpuNatives(Paths.get("tensorflow-core-api-1.1.0.jar")));
	}

	private Path fakeEngine() throws IOException {
		Path dir = tmp.newFolder("engine").toPath();
		for (String jar : new String[] { "tensorflow-core-api-1.1.0.jar", "tensorflow-core-native-1.1.0.jar",
			"tensorflow-core-native-1.1.0-linux-x86_64.jar" })
			Files.createFile(dir.resolve(jar));
		return dir;
	}

	@Test
	public void gpuNativesReplaceTheCpuNatives() throws IOException {
		Path dir = fakeEngine();
		Files.createDirectories(dir.resolve("gpu"));
		Files.createFile(dir.resolve("gpu/tensorflow-core-native-1.1.0-linux-x86_64-gpu.jar"));
		String[] names = Arrays.stream(EngineLoader.classPath(dir, true)).map(URL::getPath)
			.map(p -> p.substring(p.lastIndexOf('/') + 1)).toArray(String[]::new);
		assertArrayEquals(new String[] { "tensorflow-core-api-1.1.0.jar", "tensorflow-core-native-1.1.0.jar",
			"tensorflow-core-native-1.1.0-linux-x86_64-gpu.jar" }, names);
	}

	@Test
	public void gpuWithoutGpuNativesFallsBackToTheCpu() throws IOException {
		Path dir = fakeEngine();
		assertArrayEquals(EngineLoader.classPath(dir, false), EngineLoader.classPath(dir, true));
	}

	@Test
	public void theEngineComesFromItsFolderAndSaysItsDevice() {
		Path folder = Paths.get(System.getProperty(EngineLoader.ENGINE_DIR_PROPERTY));
		Engine engine = EngineLoader.load(folder, false);
		assertTrue(Proxy.isProxyClass(engine.getClass()));
		String description = engine.description();
		assertTrue(description, description.matches("TensorFlow 2\\.\\d+\\.\\d+ \\(CPU: CPU:0\\)"));
	}

	@Test
	public void aMissingFolderSaysWhatToSet() {
		String previous = System.getProperty(EngineLoader.ENGINE_DIR_PROPERTY);
		System.setProperty(EngineLoader.ENGINE_DIR_PROPERTY, tmp.getRoot().toPath().resolve("nowhere").toString());
		try {
			EngineLoader.engineFolder();
			fail();
		}
		catch (EngineException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("nowhere") && e.getMessage().contains("does not exist"));
		}
		finally {
			System.setProperty(EngineLoader.ENGINE_DIR_PROPERTY, previous);
		}
	}

	/**
	 * An engine that could not be loaded is not loaded again in another class loader (TensorFlow's natives
	 * bind to the first), even from a good folder: the first reason again, and how to start afresh.
	 */
	@Test
	public void aFailedLoadSaysItsFirstReasonAgain() throws IOException {
		String previous = System.getProperty(EngineLoader.ENGINE_DIR_PROPERTY);
		System.setProperty(EngineLoader.ENGINE_DIR_PROPERTY, fakeEngine().toString()); // jars of no bytes
		try {
			EngineException first = org.junit.Assert.assertThrows(EngineException.class, EngineLoader::tensorflow);
			assertTrue(first.getMessage(), first.getMessage().startsWith("the TensorFlow engine in " + System.getProperty(
				EngineLoader.ENGINE_DIR_PROPERTY) + " could not be loaded ("));
			assertTrue(first.getMessage(), first.getMessage().endsWith("); reinstall GANomaly for Fiji"));
			System.setProperty(EngineLoader.ENGINE_DIR_PROPERTY, previous);
			EngineException again = org.junit.Assert.assertThrows(EngineException.class, EngineLoader::tensorflow);
			assertEquals(first.getMessage() + "; restart Fiji (or the JVM) to load it again", again.getMessage());
			assertEquals(null, EngineLoader.loaded());
		}
		finally {
			System.setProperty(EngineLoader.ENGINE_DIR_PROPERTY, previous);
		}
	}

	@Test
	public void anEmptyFolderIsRefused() throws IOException {
		try {
			EngineLoader.classPath(tmp.newFolder("empty").toPath(), false);
			fail();
		}
		catch (EngineException e) {
			assertEquals(true, e.getMessage().contains("holds no jars"));
		}
	}

	private static String[] names(URL[] urls) {
		return Arrays.stream(urls).map(URL::getPath).map(p -> p.substring(p.lastIndexOf('/') + 1)).toArray(String[]::new);
	}

	/** lib/ganomaly-tensorflow with the shared jars and lib/<platform>/ganomaly-tensorflow with each platform's natives. */
	private Path updateSiteLayout() throws IOException {
		Path lib = tmp.newFolder("lib").toPath();
		Path engine = Files.createDirectories(lib.resolve(EngineLoader.ENGINE_FOLDER));
		for (String jar : new String[] { "tensorflow-core-api-1.1.0.jar", "tensorflow-core-native-1.1.0.jar" })
			Files.createFile(engine.resolve(jar));
		for (NativePlatform p : NativePlatform.ALL)
			Files.createFile(Files.createDirectories(lib.resolve(p.updater()).resolve(EngineLoader.ENGINE_FOLDER))
				.resolve(p.nativesJar()));
		return engine;
	}

	@Test
	public void eachPlatformTakesItsNativesFromItsPlatformFolder() throws IOException {
		Path engine = updateSiteLayout();
		for (NativePlatform p : NativePlatform.ALL) {
			URL[] urls = EngineLoader.classPath(engine, p, false);
			assertArrayEquals(new String[] { "tensorflow-core-api-1.1.0.jar", "tensorflow-core-native-1.1.0.jar",
				p.nativesJar() }, names(urls));
			assertTrue(urls[2].getPath(), urls[2].getPath().endsWith("/lib/" + p.updater() + "/ganomaly-tensorflow/" + p.nativesJar()));
		}
	}

	@Test
	public void otherPlatformsNativesInTheEngineFolderAreLeftOut() throws IOException {
		Path dir = fakeEngine();
		Files.createFile(dir.resolve("tensorflow-core-native-1.1.0-windows-x86_64.jar"));
		NativePlatform linux = NativePlatform.of("Linux", "amd64");
		assertArrayEquals(new String[] { "tensorflow-core-api-1.1.0.jar", "tensorflow-core-native-1.1.0-linux-x86_64.jar",
			"tensorflow-core-native-1.1.0.jar" }, names(EngineLoader.classPath(dir, linux, false)));
		try {
			EngineLoader.classPath(dir, NativePlatform.of("Mac OS X", "aarch64"), false);
			fail();
		}
		catch (EngineException e) {
			assertTrue(e.getMessage(), e.getMessage().startsWith("the GANomaly engine has no TensorFlow natives for macOS " +
				"arm64 (Apple silicon): expected tensorflow-core-native-1.1.0-macosx-arm64.jar in " + dir));
		}
	}

	@Test
	public void gpuElsewhereThanLinuxX8664RunsOnTheCpu() throws IOException {
		Path engine = updateSiteLayout();
		NativePlatform mac = NativePlatform.of("Mac OS X", "aarch64");
		Files.createDirectories(engine.resolve("gpu"));
		Files.createFile(engine.resolve("gpu/tensorflow-core-native-1.1.0-linux-x86_64-gpu.jar"));
		assertArrayEquals(EngineLoader.classPath(engine, mac, false), EngineLoader.classPath(engine, mac, true));
		assertEquals("tensorflow-core-native-1.1.0-linux-x86_64-gpu.jar",
			names(EngineLoader.classPath(engine, NativePlatform.of("Linux", "amd64"), true))[2]);
	}
}
