package sc.fiji.ganomaly.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import org.junit.Test;

/** The natives each computer gets, from Java's os.name and os.arch as the JDKs of each platform report them. */
public class NativePlatformTest {

	private static void assertPlatform(String updater, String classifier, String osName, String osArch) {
		NativePlatform p = NativePlatform.of(osName, osArch);
		assertEquals(osName + "/" + osArch, updater, p.updater());
		assertEquals(osName + "/" + osArch, classifier, p.classifier());
	}

	@Test
	public void everyShippedPlatformGetsItsOwnNatives() {
		assertPlatform("linux64", "linux-x86_64", "Linux", "amd64");
		assertPlatform("linux64", "linux-x86_64", "Linux", "x86_64");
		assertPlatform("linux-arm64", "linux-arm64", "Linux", "aarch64");
		assertPlatform("macos-arm64", "macosx-arm64", "Mac OS X", "aarch64");
		assertPlatform("win64", "windows-x86_64", "Windows 11", "amd64");
		assertPlatform("win64", "windows-x86_64", "Windows Server 2022", "amd64");
		assertEquals("tensorflow-core-native-1.1.0-macosx-arm64.jar", NativePlatform.of("Mac OS X", "aarch64").nativesJar());
	}

	@Test
	public void thisMachineIsLinuxX8664() {
		assertEquals("linux64", NativePlatform.current().updater());
	}

	private static void assertUnsupported(String expected, String osName, String osArch) {
		try {
			NativePlatform.of(osName, osArch);
			fail(osName + "/" + osArch);
		}
		catch (EngineException e) {
			assertEquals("TensorFlow Java 1.1.0 has no build for " + expected + ", so GANomaly's engine cannot run on " +
				"this computer; it runs on Linux x86-64, Linux arm64, macOS arm64 (Apple silicon) and Windows x86-64" +
				(expected.equals("macOS x86-64") ? " (a Mac with Apple silicon runs it in an arm64 Java or Fiji, not under " +
					"Rosetta)" : "") + ". The texture score needs no engine: train with it (score texture) and score with it",
				e.getMessage());
		}
	}

	@Test
	public void platformsTensorFlowDoesNotShipGetOneSentence() {
		assertUnsupported("macOS x86-64", "Mac OS X", "x86_64");
		assertUnsupported("Windows arm64", "Windows 11", "aarch64");
		assertUnsupported("Windows x86", "Windows 10", "x86");
		assertUnsupported("Linux ppc64le", "Linux", "ppc64le");
		assertUnsupported("FreeBSD x86-64", "FreeBSD", "amd64");
	}
}
