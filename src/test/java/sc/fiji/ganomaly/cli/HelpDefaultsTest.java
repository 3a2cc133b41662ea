package sc.fiji.ganomaly.cli;

import static org.junit.Assert.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

import sc.fiji.ganomaly.core.ScoreParameters;
import sc.fiji.ganomaly.core.api.Normalization;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingSettings;

/**
 * The defaults that the command line's help states are those the shared API applies: each
 * "(default X)" of {@code ganomaly train --help} is the value of a fresh {@link TrainingSettings}, so a
 * changed default cannot leave the help behind.
 */
public class HelpDefaultsTest {

	/** The option each "(default …)" of a help text belongs to: the nearest option above it. */
	static Map<String, String> statedDefaults(String help) {
		Map<String, String> defaults = new TreeMap<>();
		Pattern option = Pattern.compile("^\\s+(--[a-z-]+)"), stated = Pattern.compile("\\(default:? ([^)]*)\\)"),
				named = Pattern.compile("(\\S+) \\(default[:)]");
		String current = null;
		for (String line : help.split("\n")) {
			Matcher o = option.matcher(line);
			if (o.find()) current = o.group(1);
			if (current == null) continue;
			// "(default X)", or "X (default: what it means …" over several lines
			Matcher d = stated.matcher(line), n = named.matcher(line);
			if (d.find()) defaults.put(current, d.group(1));
			else if (n.find()) defaults.put(current, n.group(1));
		}
		return defaults;
	}

	@Test
	public void trainStatesTheDefaultsOfTrainingSettings() {
		TrainingSettings d = new TrainingSettings();
		Normalization n = d.normalization();
		Map<String, String> expected = new TreeMap<>();
		expected.put("--patch-size", String.valueOf(d.patchSize()));
		expected.put("--epochs", String.valueOf(d.epochs()));
		expected.put("--batch-size", String.valueOf(d.batchSize()));
		expected.put("--patches-per-epoch", (d.patchesPerEpoch() == 0 ? TrainingSettings.AUTO_PATCHES_PER_EPOCH : d
			.patchesPerEpoch()) + ", whatever the size of the data");
		expected.put("--score", d.score() == null ? ScoreKind.AUTO : d.score().id());
		expected.put("--false-positive-rate", String.valueOf(d.falsePositiveRate()));
		expected.put("--seed", String.valueOf(d.seed()));
		expected.put("--channels", "all");
		expected.put("--validation-fraction", String.valueOf(d.validationFraction()));
		expected.put("--normalize", "percentile:" + number(n.low()) + "," + number(n.high()));
		expected.put("--nz", d.nz() + ", " + d.ngf() + ", " + d.ndf());
		expected.put("--extra-layers", String.valueOf(d.extraLayers()));
		expected.put("--threads", d.threads() + ": automatic");
		assertEquals(expected, statedDefaults(TrainCli.HELP));
		assertEquals(true, d.augment()); // --no-augment turns off what is on by default
	}

	@Test
	public void scoreStatesTheDefaultStride() {
		assertEquals(ScoreParameters.DEFAULT_STRIDE + ": patch size / 4", statedDefaults(ScoreCli.HELP).get("--stride"));
	}

	/** A number as the help writes it: without ".0" when whole. */
	private static String number(double v) {
		return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
	}
}
