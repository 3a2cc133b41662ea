package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;
import org.scijava.plugin.Parameter;
import sc.fiji.ganomaly.core.api.ScoreKind;

/**
 * The commands' choices are the scores, maps and patch sizes there are: every one, in the order messages list
 * them.
 */
public class ScoreChoicesTest {

	@Test
	public void trainingOffersAutoAndEveryScore() throws NoSuchFieldException {
		assertEquals(expected(ScoreKind.AUTO), choices(TrainGanomalyCommand.class));
	}

	@Test
	public void scoringOffersTheModelsOwnAndEveryScore() throws NoSuchFieldException {
		assertEquals(expected("model"), choices(ScoreAnomaliesCommand.class));
		assertEquals(expected("model"), choices(ScoreFolderCommand.class));
	}

	@Test
	public void trainingOffersEveryPatchSizeTheNetworkTakes() throws NoSuchFieldException {
		assertEquals(sc.fiji.ganomaly.engine.NetworkSpec.PATCH_SIZES.stream().map(String::valueOf).toList(),
			Arrays.asList(TrainGanomalyCommand.class.getDeclaredField("patchSize").getAnnotation(Parameter.class)
				.choices()));
	}

	@Test
	public void aFolderOffersEveryKindOfMap() throws NoSuchFieldException {
		assertEquals(Arrays.stream(sc.fiji.ganomaly.ij.MapFiles.Kind.values()).map(k -> k.option()).toList(), Arrays.asList(
			ScoreFolderCommand.class.getDeclaredField("maps").getAnnotation(Parameter.class).choices()));
	}

	private static List<String> expected(String first) {
		List<String> ids = new ArrayList<>(List.of(first));
		for (ScoreKind s : ScoreKind.values())
			ids.add(s.id());
		return ids;
	}

	private static List<String> choices(Class<?> command) throws NoSuchFieldException {
		return Arrays.asList(command.getDeclaredField("score").getAnnotation(Parameter.class).choices());
	}
}
