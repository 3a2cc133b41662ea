package sc.fiji.ganomaly.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

import sc.fiji.ganomaly.core.ModelInfo;
import sc.fiji.ganomaly.core.ScoreParameters;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.ij.ImageChannels;
import sc.fiji.ganomaly.ij.MapFiles;
import sc.fiji.ganomaly.ij.ScoreBatch;
import sc.fiji.ganomaly.ij.ScoreFiles;

/**
 * The options every scoring command line takes ({@code ganomaly score}, {@code ganomaly-spark
 * score}), read and checked once, before a model is read, and mapped onto {@link ScoreFiles.Settings}
 * once it is.
 *
 * @param output    --output, the output folder
 * @param model     --model, the model file
 * @param files     --input's image files (files, folders, globs, @lists: {@link Options#images}), as
 *                  {@link ScoreBatch#inputs} takes them (a resumed run's own maps among them left out)
 * @param channels  --channels, empty for the model's
 * @param maps      --maps
 * @param score     --score, null for the model's own
 * @param stride    --stride, {@value ScoreParameters#DEFAULT_STRIDE} for patch size / 4
 * @param threshold --threshold as given, {@value ScoreParameters#MODEL_THRESHOLD} for the model's
 * @param threads   --threads, 0 for every core; empty when not given
 * @param precision --precision, null when not given
 * @param resume    --resume
 */
public record ScoreOptions(Path output, Path model, List<Path> files, List<Integer> channels, MapFiles.Kind maps,
	ScoreKind score, int stride, String threshold, OptionalInt threads, String precision, boolean resume)
{

	/** The options' names (without "--"). */
	public static final Set<String> NAMES = Set.of("input", "model", "output", "stride", "threshold", "channels", "maps",
		"threads", "score", "precision");
	/** The flag that continues an interrupted run. */
	public static final String RESUME = "resume";

	/**
	 * The options of {@code o}, each checked as far as it can be without the model.
	 *
	 * @throws UsageException or IllegalArgumentException naming the option that is missing or wrong
	 */
	public static ScoreOptions of(Options o) {
		Path output = o.path("output"), model = o.path("model");
		List<Path> listed = o.images("input");
		List<Integer> channels = ImageChannels.parse(o.all("channels"));
		MapFiles.Kind maps = MapFiles.Kind.parse(o.get("maps", MapFiles.Kind.FLOAT.option()), "--maps");
		ScoreKind score = ScoreFiles.score(o.get("score", null), "--");
		int stride = o.integer("stride", ScoreParameters.DEFAULT_STRIDE);
		OptionalInt threads = o.has("threads") ? OptionalInt.of(ScoreParameters.threads(o.integer("threads", 0),
			"--threads")) : OptionalInt.empty();
		String precision = o.precision();
		List<Path> files = ScoreBatch.inputs(listed, output, maps != MapFiles.Kind.NONE, o.has(RESUME), "--input");
		return new ScoreOptions(output, model, files, channels, maps, score, stride, o.get("threshold",
			ScoreParameters.MODEL_THRESHOLD), threads, precision, o.has(RESUME));
	}

	/**
	 * The settings these options score {@code model} with.
	 *
	 * @throws IllegalArgumentException naming the option the model refuses (--stride, --threshold, --score)
	 */
	public ScoreFiles.Settings settings(ModelInfo model) {
		return ScoreFiles.Settings.of(model, stride, threshold, score, channels, maps);
	}
}
