package sc.fiji.ganomaly.spark;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import sc.fiji.ganomaly.ij.ScoreFiles;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A band's rows are complete with file names that hold line breaks (quoted, as scores.csv quotes them). */
public class PartsTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void rowsOfNamesWithLineBreaksStayWhole() throws IOException {
		String rows = "\"we\nird.tif\",3,0.500000,false\n\"we\nird.tif\",4,1.500000,true\n";
		Path part = tmp.getRoot().toPath().resolve("part.csv");
		Files.writeString(part, rows, StandardCharsets.UTF_8);
		assertTrue(Parts.validRows(part, 3, 4));
		assertEquals(List.of("\"we\nird.tif\",3,0.500000,false", "\"we\nird.tif\",4,1.500000,true"), Parts.readRows(part));
		Files.writeString(part, rows.substring(0, rows.length() - 8), StandardCharsets.UTF_8);
		assertFalse("an unfinished row", Parts.validRows(part, 3, 4));
		Files.writeString(part, "\"we\rird.tif\",3,0.500000,false\n", StandardCharsets.UTF_8);
		assertEquals(List.of("\"we\rird.tif\",3,0.500000,false"), Parts.readRows(part));
		// a name that holds what ends a row ("…,true" and a line break) is quoted, and stays in its row
		String odd = ScoreFiles.csvRow("a,true\nb.tif", 3, 0.5f, 1) + "\n" + ScoreFiles.csvRow("a,true\nb.tif", 4, 1.5f, 1) +
			"\n";
		Files.writeString(part, odd, StandardCharsets.UTF_8);
		assertTrue(Parts.validRows(part, 3, 4));
		assertEquals(List.of("\"a,true\nb.tif\",3,0.500000,false", "\"a,true\nb.tif\",4,1.500000,true"), Parts.readRows(
			part));
	}
}
