package sc.fiji.ganomaly.cli;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.Test;

/** What a scoring batch prints on standard error, to a log and to a terminal. */
public class ScoringProgressTest {

	private static final String CLEAR = "\r\033[K";

	/**
	 * A batch as BatchRun reports it: headers read, its planes counted, planes scored, a warning
	 * after the first; {@code planes} of the 3 scored before it ends.
	 */
	private static String run(boolean terminal, long interval, int planes) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		ScoringProgress p = new ScoringProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, interval);
		p.status("reading file headers: 0/300");
		p.status("reading file headers: 100/300");
		p.status("scoring 3 plane(s) of 300 file(s)");
		for (int i = 1; i <= planes; i++) {
			p.progress(i, 3);
			p.status("scored " + i + "/3 planes");
			if (i == 1) p.warning("b.tif was not scored: \u001b[2J");
		}
		p.end();
		return bytes.toString(StandardCharsets.UTF_8);
	}

	@Test
	public void aQuickBatchLogsItsWarningsAndItsLastPlane() {
		assertEquals(List.of("warning: b.tif was not scored: ?[2J", "scored 3/3 planes"), run(false, Long.MAX_VALUE, 3)
			.lines().toList());
	}

	/** A batch whose every step takes longer than the interval: every line, headers read included. */
	@Test
	public void aSlowBatchLogsAsItGoes() {
		assertEquals(List.of("reading file headers: 0/300", "reading file headers: 100/300",
			"scoring 3 plane(s) of 300 file(s)", "scored 1/3 planes", "warning: b.tif was not scored: ?[2J",
			"scored 2/3 planes", "scored 3/3 planes"), run(false, 0, 3).lines().toList());
	}

	@Test
	public void aTerminalGetsOneLineRewrittenInPlaceEndedWithTheLastPlane() {
		assertEquals(CLEAR + "reading file headers: 0/300" + CLEAR + "reading file headers: 100/300" + CLEAR +
			"scoring 3 plane(s) of 300 file(s)" + CLEAR + "scored 1/3 planes" + CLEAR + "warning: b.tif was not scored: " +
			"?[2J\n" + CLEAR + "scored 2/3 planes" + CLEAR + "scored 3/3 planes\n", run(true, 0, 3));
	}

	/** A batch that ends before its last plane (a failure, --stop-at-first-failure): what follows starts a line. */
	@Test
	public void aTerminalsLineIsEndedWhenTheBatchEndsEarly() {
		assertEquals(CLEAR + "reading file headers: 0/300" + CLEAR + "reading file headers: 100/300" + CLEAR +
			"scoring 3 plane(s) of 300 file(s)\n", run(true, 0, 0));
	}
}
