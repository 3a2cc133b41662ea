package sc.fiji.ganomaly.cli;

import static org.junit.Assert.assertEquals;

import java.util.Set;

import org.junit.Test;

/** How refusals name settings: as the command's options, only where a setting stands as a word of prose. */
public class OptionsTest {

	private static final Set<String> TRAIN = TrainCli.OPTIONS;

	@Test
	public void settingsInProseAreNamedAsTheOptionsThatSetThem() {
		assertEquals("--patch-size must be 16, 32, 64 or 128, not 24", Options.spelled(
			"patchSize must be 16, 32, 64 or 128, not 24", TRAIN));
		assertEquals("tiny.tif is 8x8 pixels, smaller than the patch of 16x16; use a smaller --patch-size or larger " +
			"images", Options.spelled("tiny.tif is 8x8 pixels, smaller than the patch of 16x16; use a smaller patchSize " +
				"or larger images", TRAIN));
		assertEquals("(--validation-fraction: 0.7)", Options.spelled("(validationFraction: 0.7)", TRAIN));
		// a setting of one word, as a refusal begins with it; elsewhere a word of prose stays a word
		assertEquals("--epochs must be positive, not 0", Options.spelled("epochs must be positive, not 0", TRAIN));
		assertEquals("--model: file m.zip does not exist", Options.spelled("model: file m.zip does not exist", TRAIN));
		assertEquals("image: two.tif has 2 channel(s)", Options.spelled("image: two.tif has 2 channel(s)", TRAIN));
		assertEquals("--nz must be 1 to 1024, not 0", Options.spelled("nz must be 1 to 1024, not 0", TRAIN));
		assertEquals("the seed and epochs must match", Options.spelled("the seed and epochs must match", TRAIN));
		assertEquals("loss weights must be finite", Options.spelled("loss weights must be finite", TRAIN));
	}

	@Test
	public void wholeNumbersBeyondTheirTypeAreRefusedByName() {
		Options o = Options.parse(new String[] { "--epochs", "3000000000", "--seed", "3000000000" }, TRAIN, Set.of());
		assertEquals(3_000_000_000L, o.wholeNumber("seed", 0));
		UsageException e = org.junit.Assert.assertThrows(UsageException.class, () -> o.integer("epochs", 15));
		assertEquals("--epochs must be a whole number from -2147483648 to 2147483647, not 3000000000", e.getMessage());
		e = org.junit.Assert.assertThrows(UsageException.class, () -> Options.parse(new String[] { "--seed", "1e3" },
			TRAIN, Set.of()).wholeNumber("seed", 0));
		assertEquals("--seed must be a whole number, not '1e3'", e.getMessage());
	}

	@Test
	public void whatTheUserTypedAndPathsStayAsTheyAre() {
		assertEquals("unknown option --patchSize", Options.spelled("unknown option --patchSize", TRAIN));
		assertEquals("unexpected argument 'patchSize'", Options.spelled("unexpected argument 'patchSize'", TRAIN));
		assertEquals("--input: folder /data/patchSize-64/ holds no images", Options.spelled(
			"--input: folder /data/patchSize-64/ holds no images", TRAIN));
		assertEquals("--input: /data/patchSize holds no images", Options.spelled("--input: /data/patchSize holds no " +
			"images", TRAIN));
		// a setting the command has no option for keeps the API's name
		assertEquals("patchSize must be 16", Options.spelled("patchSize must be 16", ScoreOptions.NAMES));
	}
}
