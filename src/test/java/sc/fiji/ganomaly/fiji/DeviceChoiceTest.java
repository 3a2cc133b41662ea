package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

import org.junit.Test;
import org.scijava.Context;
import org.scijava.prefs.PrefService;

/**
 * The device chosen in GANomaly Options… is on disk as soon as the command reports it saved, not only
 * after a clean exit: a Fiji that is killed afterwards still starts with it.
 */
public class DeviceChoiceTest {

	@Test
	public void theChoiceIsOnDiskAtOnce() {
		// Java keeps preferences in files (under this root) on Linux only: the registry or a plist elsewhere
		assumeTrue(java.util.prefs.Preferences.userRoot().getClass().getName().endsWith("FileSystemPreferences"));
		Path root = Paths.get(System.getProperty("java.util.prefs.userRoot"));
		try (Context context = new Context(PrefService.class)) {
			PrefService prefs = context.getService(PrefService.class);
			for (String device : List.of("CPU", "GPU", "cpu")) {
				DeviceChoice.choose(prefs, device);
				assertEquals(device.toUpperCase(), DeviceChoice.saved(prefs));
				assertEquals(List.of("<entry key=\"device\" value=\"" + device.toUpperCase() + "\"/>"), savedEntries(root));
			}
		}
	}

	/** The "device" entries of the preference files under {@code root}, as written. */
	private static List<String> savedEntries(Path root) {
		assertTrue("no preferences at " + root, Files.isDirectory(root));
		try (Stream<Path> files = Files.walk(root)) {
			return files.filter(f -> f.getFileName().toString().equals("prefs.xml")).flatMap(f -> {
				try {
					return Files.readAllLines(f).stream();
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
			}).map(String::strip).filter(l -> l.startsWith("<entry key=\"device\"")).toList();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
