package sc.fiji.ganomaly.cli;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.ganomaly.core.api.ProgressListener;

/** What of a training's statuses the console shows. */
public class ConsoleProgressTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/**
	 * A training that goes on from a stopped one's checkpoint without --resume says so, as one with it
	 * does (the wording is {@code TrainingLoop}'s, which {@code ResumeTest} checks); warnings go to
	 * standard error; per-image statuses stay off the console.
	 */
	@Test
	public void whereATrainingGoesOnIsShown() {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		ConsoleProgress console = new ConsoleProgress(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(
			err, true, StandardCharsets.UTF_8));
		Path checkpoints = tmp.getRoot().toPath().resolve("m.ganomaly.zip.checkpoint");
		String goingOn = "going on after epoch 2 of a stopped training of this model with the same settings and images, as " +
			"resuming it would (delete " + checkpoints + " to begin at epoch 1)";
		// as the training hears it: through a part of the whole and beside other listeners
		ProgressListener heard = ProgressListener.part(ProgressListener.all(console, ProgressListener.NONE), 0, 2);
		heard.status("Normalised 1/5 training images");
		heard.phase(goingOn);
		heard.phase("resuming after epoch 3");
		heard.warning("training has not converged");
		assertEquals(goingOn + "\nresuming after epoch 3\n", out.toString(StandardCharsets.UTF_8).replace(
			System.lineSeparator(), "\n"));
		assertEquals("warning: training has not converged\n", err.toString(StandardCharsets.UTF_8).replace(System
			.lineSeparator(), "\n"));
	}
}
