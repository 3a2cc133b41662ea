package sc.fiji.ganomaly.ij;

import static org.junit.Assert.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.Test;

public class OutputNamesTest {

	private static final Path OUT = Path.of("/out");

	@Test
	public void inputsOfOneFolderKeepTheirNames() {
		OutputNames names = OutputNames.of(List.of(Path.of("/data/a.tif"), Path.of("/data/b.tif")));
		assertEquals("a.tif", names.name(Path.of("/data/a.tif")));
		assertEquals(Path.of("/out/b_anomaly.tif"), names.map(OUT, new ImageFiles.Input(Path.of("/data/b.tif"), null)));
		assertEquals("c.tif", OutputNames.of(List.of(Path.of("/data/x/c.tif"))).name(Path.of("/data/x/c.tif")));
	}

	@Test
	public void inputsOfSeveralFoldersAreNamedBelowTheFolderHoldingThemAll() {
		List<Path> plate = List.of(Path.of("/data/plate/A01/s1.tif"), Path.of("/data/plate/A02/s1.tif"),
			Path.of("/data/plate/overview.tif"), Path.of("/data/plate/B01/deep/s1.tif"));
		OutputNames names = OutputNames.of(plate);
		assertEquals(List.of("A01/s1.tif", "A02/s1.tif", "overview.tif", "B01/deep/s1.tif"), plate.stream().map(
			names::name).toList());
		assertEquals(Path.of("/out/B01/deep/s1_anomaly.tif"), names.map(OUT, new ImageFiles.Input(plate.get(3), null)));
		assertEquals(Path.of("/out"), names.folder(OUT, plate.get(2)));
		// the common folder is a whole folder, not a common prefix of names
		OutputNames prefixes = OutputNames.of(List.of(Path.of("/data/run1/a.tif"), Path.of("/data/run10/a.tif")));
		assertEquals("run1/a.tif", prefixes.name(Path.of("/data/run1/a.tif")));
		assertEquals("data/a.tif", OutputNames.of(List.of(Path.of("/data/a.tif"), Path.of("/other/a.tif"))).name(
			Path.of("/data/a.tif")));
	}
}
