package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Test;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.app.event.StatusEvent;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;

import sc.fiji.ganomaly.core.api.EpochSummary;

/**
 * The status bar says what a training does as its percentage runs: the calibration after the last
 * epoch is not shown as the training starting again at 0 %.
 */
public class StatusProgressTest {

	/** Collects the status bar's messages. */
	public static final class Messages {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@EventHandler
		public void onEvent(StatusEvent e) {
			if (e.getStatusMessage() != null) seen.add(e.getStatusMessage());
		}

		boolean await(String message) throws InterruptedException {
			for (int i = 0; i < 100 && !seen.contains(message); i++)
				Thread.sleep(50);
			return seen.contains(message);
		}
	}

	@Test
	public void thePercentageSaysWhatItCounts() throws Exception {
		try (Context context = new Context(StatusService.class, EventService.class)) {
			Messages messages = new Messages();
			context.service(EventService.class).subscribe(messages);
			StatusProgress p = new StatusProgress("Train GANomaly", context.service(StatusService.class), null, () -> false);
			p.status("training the network: epoch 1 of 2");
			p.progress(0, 10);
			assertTrue(messages.seen.toString(), messages.await("Train GANomaly: training the network: epoch 1 of 2, 0 %"));
			p.epochFinished(new EpochSummary(1, 2, 1, 1, 0.5, true, 100, 10, 0));
			Thread.sleep(600); // the text follows the bar at most twice a second
			p.progress(6, 10);
			for (int i = 0; i < 100 && messages.seen.stream().noneMatch(m -> m.startsWith(
				"Train GANomaly: training the network: epoch 2 of 2, 60 %")); i++)
				Thread.sleep(50);
			assertTrue(messages.seen.toString(), messages.seen.stream().anyMatch(m -> m.startsWith(
				"Train GANomaly: training the network: epoch 2 of 2, 60 %")));
			p.phase("calibrating scores on held-out normal data");
			p.warning("not shown as what it does");
			Thread.sleep(600);
			p.progress(0, 4);
			assertTrue(messages.seen.toString(), messages.await(
				"Train GANomaly: calibrating scores on held-out normal data, 0 %"));
		}
	}
}
