package sc.fiji.ganomaly.ij;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ij.ImagePlus;
import ij.process.ImageProcessor;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.ScoreParameters;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.ModelInfo;

/**
 * Scoring image files a few planes at a time: the per-file pieces (open, score planes, CSV rows)
 * shared by {@link ScoreBatch} (the command line and the Fiji folder command) and the Spark front end, which
 * calls them per band of planes. Defaults and validation of the scoring options live here once.
 */
public final class ScoreFiles {

	/** First line of scores.csv. */
	public static final String CSV_HEADER = "file,slice,score,anomalous";

	/**
	 * Scoring options with their defaults applied and checked.
	 *
	 * @param stride    window step in pixels
	 * @param threshold calibrated score above which a plane is anomalous
	 * @param score     the model's score to map
	 * @param channels  1-based input channels to use, empty for all
	 * @param maps      which map files to write
	 */
	public record Settings(int stride, double threshold, ScoreKind score, List<Integer> channels, MapFiles.Kind maps)
		implements Serializable
	{

		/**
		 * Settings already checked against their model ({@link #of} checks and names the options);
		 * values no model allows are refused here too, also as a cluster's executors deserialise them.
		 */
		public Settings {
			if (stride < 1 || !(threshold > 0) || score == null || maps == null) throw new IllegalArgumentException(
				"scoring settings need a stride of 1 or more, a threshold above 0, a score and a kind of map, not " +
					stride + ", " + threshold + ", " + score + ", " + maps);
			channels = List.copyOf(channels);
			for (int c : channels)
				if (c < 1) throw new IllegalArgumentException("channels are numbered from 1, not " + c);
		}

		/**
		 * Settings for {@code model}: stride {@value ScoreParameters#DEFAULT_STRIDE} means patch size / 4,
		 * threshold {@value ScoreParameters#MODEL_THRESHOLD} (or null) the model's, a null score the
		 * model's own (a named one parsed by {@link ScoreFiles#score}, before the model is loaded). Bad
		 * values are {@link IllegalArgumentException}s naming the option (--stride, --threshold, --score,
		 * --channels).
		 */
		public static Settings of(GanomalyModel model, int stride, String threshold, ScoreKind score,
			List<Integer> channels, MapFiles.Kind maps)
		{
			return of(model.info(), stride, threshold, score, channels, maps);
		}

		/** As {@link #of(GanomalyModel, int, String, ScoreKind, List, MapFiles.Kind)}, from a model file's description (no engine needed). */
		public static Settings of(ModelInfo model, int stride, String threshold, ScoreKind score, List<Integer> channels,
			MapFiles.Kind maps)
		{
			return of(model, stride, threshold, score, channels, maps, "--");
		}

		/**
		 * As {@link #of(GanomalyModel, int, String, ScoreKind, List, MapFiles.Kind)}, messages naming the
		 * options with {@code prefix} before their names ("--" on command lines, "" for Fiji's keys).
		 */
		public static Settings of(ModelInfo model, int stride, String threshold, ScoreKind kind, List<Integer> channels,
			MapFiles.Kind maps, String prefix)
		{
			int s = ScoreParameters.stride(stride, model.patchSize(), prefix + "stride");
			ModelInfo scoring;
			try {
				scoring = kind == null ? model : model.withScore(kind);
			}
			catch (IllegalArgumentException e) {
				throw new IllegalArgumentException(prefix + "score: " + e.getMessage());
			}
			double t = ScoreParameters.threshold(threshold, scoring.threshold(), prefix + "threshold");
			for (int c : channels)
				if (c < 1) throw new IllegalArgumentException(prefix + "channels: channels are numbered from 1, not " + c);
			return new Settings(s, t, scoring.score(), channels, maps);
		}

		/** {@code model} as these settings score with it: a view of their score, and the planes' channels as given when these pick them. */
		public GanomalyModel applyTo(GanomalyModel model) {
			GanomalyModel withScore = score == model.score() ? model : model.withScore(score);
			return channels.isEmpty() ? withScore : withScore.withChannelsAsGiven();
		}
	}

	/**
	 * The score an option names, null for none or {@value ScoreKind#MODEL} (the model's own), checked
	 * before any model is loaded, so that the load can leave out a network that score does not use.
	 *
	 * @throws IllegalArgumentException "{@code prefix}score: score must be one of …"
	 */
	public static ScoreKind score(String score, String prefix) {
		try {
			return score == null ? null : ScoreKind.parseScoring(score);
		}
		catch (IllegalArgumentException e) {
			throw new IllegalArgumentException(prefix + "score: " + e.getMessage());
		}
	}

	/** One scored plane: its 1-based index in the file, its score and its map plane (null without maps). */
	public record ScoredPlane(int index, float score, ImageProcessor map) {}

	private ScoreFiles() {}

	/** Opens an input file for scoring, its planes read only when scored (see {@link ImageFiles#openLazily}). */
	public static ImageFiles.Input open(Path file, String option) {
		return ImageFiles.openLazily(file, option);
	}

	/** Number of planes (slices times frames) of an opened input. */
	public static int planes(ImageFiles.Input input) {
		return ImagePlusPlanes.count(input.image());
	}

	/**
	 * Scores planes {@code first} to {@code last} (1-based, inclusive) of an input, reading and
	 * scoring {@link #planesAtOnce} of them at a time (small planes share network calls).
	 */
	public static List<ScoredPlane> scorePlanes(GanomalyModel model, ImageFiles.Input input, int first, int last,
		Settings settings)
	{
		int group = planesAtOnce(input);
		List<ScoredPlane> out = new ArrayList<>();
		for (int from = first; from <= last; from += group)
			out.addAll(score(model, List.of(new Span(input, from, Math.min(last, from + group - 1))), settings).get(0));
		return out;
	}

	/**
	 * Scores every plane of several inputs in one call of the model, so that small planes of
	 * different files share network calls: element k holds the planes of input k. Every plane and
	 * map is held until the last is scored: for inputs whose planes together are small (see
	 * {@link GanomalyModel#planesAtOnce}).
	 */
	public static List<List<ScoredPlane>> scoreAll(GanomalyModel model, List<ImageFiles.Input> inputs,
		Settings settings)
	{
		return score(model, inputs.stream().map(in -> new Span(in, 1, planes(in))).toList(), settings);
	}

	/** Planes {@code first} to {@code last} of an input. */
	private record Span(ImageFiles.Input input, int first, int last) {}

	private static List<List<ScoredPlane>> score(GanomalyModel model, List<Span> spans, Settings settings) {
		GanomalyModel scoring = settings.applyTo(model);
		List<List<ImagePlusPlanes.Plane>> planes = new ArrayList<>();
		ImagePlusPlanes.Batch batch = new ImagePlusPlanes.Batch();
		for (Span span : spans) {
			ImagePlus imp = span.input().image();
			String fileName = span.input().file().getFileName().toString();
			List<ImagePlusPlanes.Plane> read = ImagePlusPlanes.of(imp, span.first(), span.last());
			planes.add(read);
			batch.add(imp, read, plane -> ImageChannels.select(plane, settings.channels(), fileName));
		}
		List<PlaneScore> scores = scoring.score(batch.views(), settings.stride(), batch.names(), ProgressListener.NONE);
		List<List<ScoredPlane>> out = new ArrayList<>();
		int k = 0;
		for (List<ImagePlusPlanes.Plane> read : planes) {
			List<ScoredPlane> scored = new ArrayList<>();
			for (ImagePlusPlanes.Plane plane : read) {
				PlaneScore s = scores.get(k++);
				scored.add(new ScoredPlane(plane.index(), s.score(), MapFiles.plane(s.map(), settings.maps())));
			}
			out.add(scored);
		}
		return out;
	}

	/** How many planes of {@code input} to read and score at once: see {@link GanomalyModel#planesAtOnce}. */
	public static int planesAtOnce(ImageFiles.Input input) {
		return GanomalyModel.planesAtOnce(input.image().getWidth(), input.image().getHeight());
	}

	/** How a user of Fiji or the command line gives Java more memory, for {@link #outOfMemory}. */
	public static final String MORE_MEMORY = "give it more: Fiji's Edit > Options > Memory & Threads, or JAVA_OPTS=-Xmx… " +
		"for the command line";

	/**
	 * Why {@code file} was not scored when it needed more heap than was left, naming {@code option},
	 * with {@code giveMore}: how this process gets more ({@link #MORE_MEMORY} in Fiji and on the command line).
	 */
	public static String outOfMemory(Path file, String option, String giveMore) {
		return option + ": " + file.getFileName() + " needs more memory than Java has left (it may use at most " +
			(Runtime.getRuntime().maxMemory() >> 20) + " MB; " + giveMore + ")";
	}

	/** The scores.csv row of one plane (no line break). */
	public static String csvRow(String fileName, int plane, float score, double threshold) {
		// a score that is not a number is no evidence of a normal plane
		return String.format(Locale.ROOT, "%s,%d,%.6f,%b", csvField(fileName), plane, score, ScoreParameters.isAnomalous(score,
			threshold));
	}

	/** The scores.csv row of one scored plane of the input named {@code name} ({@link OutputNames#name}). */
	public static String csvRow(String name, ScoredPlane plane, Settings settings) {
		return csvRow(name, plane.index(), plane.score(), settings.threshold());
	}

	/** Quotes a CSV field when it holds a comma, quote or line break. */
	public static String csvField(String s) {
		if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
		return '"' + s.replace("\"", "\"\"") + '"';
	}

	/**
	 * The rows of scores.csv bytes as {@link #csvField} and {@link #csvRow} write them: a row ends at a
	 * line break outside quotes (a quoted file name may hold line breaks, commas and "true").
	 *
	 * @param rows the complete rows, without their line breaks
	 * @param end  where the unfinished rest begins: the bytes' length when every row is complete
	 */
	public record CsvRows(List<String> rows, int end) {

		/** The rows of {@code bytes} (UTF-8). */
		public static CsvRows of(byte[] bytes) {
			List<String> rows = new ArrayList<>();
			int start = 0;
			boolean quoted = false;
			for (int i = 0; i < bytes.length; i++) {
				if (bytes[i] == '"') quoted = !quoted; // "" inside quotes toggles twice
				else if (bytes[i] == '\n' && !quoted) {
					rows.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
					start = i + 1;
				}
			}
			return new CsvRows(List.copyOf(rows), start);
		}
	}
}
