package sc.fiji.ganomaly.bench;

import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.Settings;

/** How the detection benchmark picks scores (kept apart so that the suite ran on the code before scores existed). */
final class Scores {

	private Scores() {}

	/** Applies option {@code args[i]}; throws for unknown ones. */
	static void option(Settings settings, String[] args, int i) {
		throw new IllegalArgumentException("unknown option " + args[i]);
	}

	/** Extra arguments consumed by option {@code args[i]} beyond those the caller consumed. */
	static int consumed(String[] args, int i) {
		return 0;
	}

	static String defaultName(GanomalyModel model) {
		return "latent";
	}

	static GanomalyModel select(GanomalyModel model, String score) {
		if (!score.equals("latent")) throw new IllegalArgumentException("this version scores with latent only");
		return model;
	}
}
