package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The tests' launcher of the Fiji runtime ({@link FijiMacroTest#run}): a runtime whose SciJava
 * context fails while it is created, and whose GUI threads then keep its JVM alive, is started once
 * more at once instead of costing the test its whole timeout; so is one that ran with a service field
 * left null.
 */
public class RuntimeLaunchTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private static final String TRACE = "Exception in thread \"main\" java.lang.IllegalStateException: Context already injected: " +
		"org.scijava.AbstractContextual#context\n\tat org.scijava.Context.inject(Context.java:540)\n" +
		"\tat org.scijava.SciJava.<init>(SciJava.java:111)\n\tat Launch.main(Launch.java:29)\n";

	@Test
	public void aRuntimeThatDiedStartingIsStartedOnceMore() throws Exception {
		Path started = tmp.getRoot().toPath().resolve("started");
		// the first start prints the trace and hangs (as the GUI's threads do); the second one works
		String script = "if [ -e '" + started + "' ]; then echo '[launch] UI: ok'; exit 0; fi; touch '" + started +
			"'; printf '%s' '" + TRACE.replace("'", "'\\''") + "'; sleep 120";
		long t0 = System.nanoTime();
		String out = FijiMacroTest.run(new ProcessBuilder("bash", "-c", script).redirectErrorStream(true), 60);
		double seconds = (System.nanoTime() - t0) / 1e9;
		assertEquals("[launch] UI: ok\n", out);
		assertTrue(seconds + " s", seconds < 20);
	}

	@Test
	public void aServiceLeftUninjectedIsStartedOnceMore() throws Exception {
		Path started = tmp.getRoot().toPath().resolve("started");
		String npe = "java.lang.NullPointerException: Cannot invoke \"net.imagej.legacy.LegacyService.getIJ1Helper()\" " +
			"because \"this.legacyService\" is null";
		String script = "if [ -e '" + started + "' ]; then echo 'RESULT ok'; exit 0; fi; touch '" + started +
			"'; echo '" + npe.replace("'", "'\\''") + "'; exit 0";
		assertEquals("RESULT ok\n", FijiMacroTest.run(new ProcessBuilder("bash", "-c", script).redirectErrorStream(true), 60));
	}

	@Test
	public void onlyADeathInTheContextsCreationCounts() {
		assertTrue(FijiMacroTest.failedToStart("[launch] x\n" + TRACE));
		assertTrue(!FijiMacroTest.failedToStart("[launch] UI: LegacyUI\nException in thread \"main\" java.lang.RuntimeException: x\n" +
			"\tat Launch.main(Launch.java:36)\n"));
		assertTrue(!FijiMacroTest.failedToStart("at org.scijava.SciJava.<init>(SciJava.java:111)\n"));
	}
}
