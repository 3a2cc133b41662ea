package sc.fiji.ganomaly.bench;

import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingSettings;


/** How the detection benchmark picks scores. */
final class Scores {

	private Scores() {}

	/** Applies option {@code args[i]} (--score NAME, --false-positive-rate F); throws for unknown ones. */
	static void option(TrainingSettings settings, String[] args, int i) {
		switch (args[i]) {
			case "--score" -> settings.score(ScoreKind.parseChoice(args[i + 1]));
			case "--false-positive-rate" -> settings.falsePositiveRate(Double.parseDouble(args[i + 1]));
			default -> throw new IllegalArgumentException("unknown option " + args[i]);
		}
	}

	/** Extra arguments consumed by option {@code args[i]} beyond those the caller consumed. */
	static int consumed(String[] args, int i) {
		return args[i].equals("--score") || args[i].equals("--false-positive-rate") ? 1 : 0;
	}

	static String defaultName(GanomalyModel model) {
		return model.score().id();
	}

	/** The model scoring with {@code score}; "default" keeps the model's own. */
	static GanomalyModel select(GanomalyModel model, String score) {
		return score.equals("default") ? model : model.withScore(ScoreKind.parse(score));
	}
}
