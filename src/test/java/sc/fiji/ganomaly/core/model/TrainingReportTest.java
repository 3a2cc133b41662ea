package sc.fiji.ganomaly.core.model;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingOutcome;
import sc.fiji.ganomaly.core.train.TrainingOutcomes;

/** The manifest's {@code training} object: what is read back survives a model file, typed and checked. */
public class TrainingReportTest {

	private static Manifest with(TrainingReport training) {
		Manifest m = ModelFileTest.manifest();
		return new Manifest(m.formatVersion(), m.createdBy(), m.spec(), m.normalization(), m.calibration(), m.threshold(),
			training);
	}

	@Test
	public void whatIsReadBackSurvivesTheFileAndTheFiguresKeepTheirOrder() {
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("epochs_run", 4.0);
		figures.put("engine", "TensorFlow 2.18 CPU");
		figures.put("validation_losses", List.of(0.5, 0.25));
		TrainingReport written = new TrainingReport(new TrainingReport.Sources(List.of("16-bit", "8-bit"), List.of(3, 1),
			4), new TrainingReport.NetworkRun(2, true, false, "training diverged at epoch 3 (generator loss NaN)"),
			"the image threshold rests on 40 held-out normal blocks", figures);
		String json = with(written).toJson();
		// readers that print the stored text show it as the console did
		assertTrue(json, json.contains("\"calibration_warning\": \"warning: the image threshold rests on 40"));
		TrainingReport read = Manifest.fromJson(json, 0).training();
		assertEquals(written, read);
		assertEquals(List.of("epochs_run", "engine", "validation_losses"), List.copyOf(read.figures().keySet()));
		TrainingOutcome outcome = TrainingOutcomes.of(read, ScoreKind.LATENT);
		assertEquals(new TrainingOutcome(2, true, "training diverged at epoch 3 (generator loss NaN); the model keeps " +
			"epoch 2, the best before it (another seed may train longer)", "the image threshold rests on 40 held-out " +
				"normal blocks"), outcome);
	}

	/** The training object as the version before TrainingReport wrote it (its keys in their order then). */
	@Test
	public void aFileOfTheEarlierWriterReadsAsItWasWritten() {
		String earlier = "{\"epochs_planned\": 3, \"epochs_run\": 3, \"canceled\": false, \"best_epoch\": 2, " +
			"\"best_validation_loss\": 0.5, \"validation_losses\": [0.75, 0.5, 0.6], \"seconds\": 12.5, " +
			"\"converged\": false, \"diverged\": \"training diverged at epoch 3 (generator loss NaN)\", " +
			"\"calibration_blocks\": 40, \"texture_calibration_blocks\": 200, \"calibration_warning\": \"warning: the " +
			"image threshold rests on 40 held-out normal blocks\", \"input_pixel_types\": [\"16-bit\"], " +
			"\"input_channels\": [2, 1], \"input_channel_count\": 3}";
		String json = with(TrainingReport.of(Map.of())).toJson().replaceAll("\"training\": \\{\\s*\\}", "\"training\": " +
			earlier);
		TrainingReport read = Manifest.fromJson(json, 0).training();
		assertEquals(new TrainingReport.Sources(List.of("16-bit"), List.of(2, 1), 3), read.sources());
		assertEquals(new TrainingReport.NetworkRun(2, false, false, "training diverged at epoch 3 (generator loss NaN)"),
			read.network());
		assertEquals("the image threshold rests on 40 held-out normal blocks", read.calibrationWarning());
		assertEquals(List.of("epochs_planned", "epochs_run", "best_validation_loss", "validation_losses", "seconds",
			"calibration_blocks", "texture_calibration_blocks"), List.copyOf(read.figures().keySet()));
		// written again, every entry is there with the value it had
		assertEquals(Manifest.fromJson(json, 0).training(), Manifest.fromJson(with(read).toJson(), 0).training());
	}

	@Test
	public void aFileThatSaysNothingOfItsTrainingReadsAsNothingSaid() {
		String json = with(TrainingReport.of(Map.of())).toJson().replaceAll(",\\s*\"training\": \\{\\s*\\}", "");
		assertTrue(json, !json.contains("\"training\""));
		TrainingReport read = Manifest.fromJson(json, 0).training();
		assertEquals(TrainingReport.Sources.NONE, read.sources());
		assertNull(read.network());
		assertEquals(new TrainingOutcome(0, false, null, null), TrainingOutcomes.of(read, ScoreKind.LATENT));
	}

	@Test
	public void oddOutcomeEntriesOfOtherWritersAreNotSaidAndBadSourcesAreRefused() {
		String json = with(TrainingReport.of(Map.of("epochs_run", 1.0))).toJson().replace("\"epochs_run\": 1.0",
			"\"epochs_run\": 1.0, \"best_epoch\": \"two\", \"canceled\": \"yes\", \"converged\": 0");
		TrainingReport read = Manifest.fromJson(json, 0).training();
		assertEquals(new TrainingReport.NetworkRun(0, false, true, null), read.network());
		String types = json.replace("\"epochs_run\": 1.0", "\"epochs_run\": 1.0, \"input_pixel_types\": [\"16-bit\", 7]");
		assertRefused(types, "manifest.json: training.input_pixel_types must list up to 16 kinds of pixels such as " +
			"\"16-bit\", not [16-bit, 7.0]");
		// on one line, whatever the file holds
		assertRefused(json.replace("\"epochs_run\": 1.0", "\"epochs_run\": 1.0, \"input_pixel_types\": " +
			"[\"16-bit\\nrm -rf\"]"), "manifest.json: training.input_pixel_types must list up to 16 kinds of pixels such " +
				"as \"16-bit\", not [16-bit?rm -rf]");
		// the model has two channels: one source channel is not a choice of two
		String channels = json.replace("\"epochs_run\": 1.0", "\"epochs_run\": 1.0, \"input_channels\": [2], " +
			"\"input_channel_count\": 3");
		assertRefused(channels, "manifest.json: training.input_channels must list one source channel for each of the " +
			"model's 2 channel(s), not [2.0]");
	}

	private static void assertRefused(String json, String message) {
		assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Manifest.fromJson(json, 0)).getMessage());
	}
}
