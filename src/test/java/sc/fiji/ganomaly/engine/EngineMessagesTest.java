package sc.fiji.ganomaly.engine;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.Test;

/** Warnings go to the latest front end still open: closing one hands them back to the one before. */
public class EngineMessagesTest {

	@Test
	public void aClosedSinkHandsTheWarningsBackToTheOneBefore() {
		List<String> first = new ArrayList<>(), second = new ArrayList<>();
		Consumer<String> a = first::add, b = second::add;
		EngineMessages.setSink(a);
		try {
			EngineMessages.setSink(b); // a second SciJava context in the same JVM
			EngineMessages.warn("1");
			EngineMessages.clearSink(b); // the second context is disposed
			EngineMessages.warn("2");
			EngineMessages.setSink(b);
			EngineMessages.clearSink(a); // the first is disposed before the second
			EngineMessages.warn("3");
			EngineMessages.clearSink(b);
			EngineMessages.warn("GANomaly: this line goes to standard error");
		}
		finally {
			EngineMessages.clearSink(a);
			EngineMessages.clearSink(b);
		}
		assertEquals(List.of("2"), first);
		assertEquals(List.of("1", "3"), second);
	}
}
