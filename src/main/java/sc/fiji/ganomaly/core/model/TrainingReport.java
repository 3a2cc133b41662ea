package sc.fiji.ganomaly.core.model;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import sc.fiji.ganomaly.engine.EngineMessages;

/**
 * What a model file says of its training, the manifest's {@code training} object: what the code
 * reads back (the training images' sources, how the network's epochs ended, the calibration's
 * warning), checked when read, and the figures written for people (epochs, losses, seconds, engine),
 * kept as they are and never read by the code.
 *
 * @param sources            kinds of pixels of the training images and the channels picked from them
 * @param network            how the network's epochs ended; null for a model without a network, or
 *                           a file that does not say
 * @param calibrationWarning what to do when the default score's threshold rests on too few normal
 *                           blocks; null if enough
 * @param figures            every other entry, in the order written (for files of other versions, also
 *                           entries this version does not know)
 */
public record TrainingReport(Sources sources, NetworkRun network, String calibrationWarning, Map<String, Object> figures) {

	/** A report of figures alone: no sources recorded, no network run, no warning. */
	public static TrainingReport of(Map<String, Object> figures) {
		return new TrainingReport(Sources.NONE, null, null, figures);
	}

	/** Null sources and figures are none. */
	public TrainingReport {
		sources = sources == null ? Sources.NONE : sources;
		figures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures == null ? Map.of() : figures));
	}

	/**
	 * The training images a model was trained on.
	 *
	 * @param pixelTypes   the kinds of their pixels ({@link sc.fiji.ganomaly.core.plane.PixelTypes}: "16-bit", …);
	 *                     empty for models that did not record them
	 * @param channels     the channels (1-based, in order) of source images of {@code channelCount}
	 *                     channels that the model's channels were trained on, when the training picked
	 *                     some; empty when it took the images' channels as they are
	 * @param channelCount how many channels those source images had; 0 when none were picked
	 */
	public record Sources(List<String> pixelTypes, List<Integer> channels, int channelCount) {

		/** Nothing recorded. */
		public static final Sources NONE = new Sources(List.of(), List.of(), 0);

		/** @throws IllegalArgumentException if channels are picked from images of no stated channel count */
		public Sources {
			pixelTypes = List.copyOf(pixelTypes);
			channels = List.copyOf(channels);
			if (!channels.isEmpty() && channelCount < 1) throw new IllegalArgumentException("channels " + channels +
				" are picked from source images of " + channelCount + " channels");
		}
	}

	/**
	 * How the network's epochs ended.
	 *
	 * @param bestEpoch the epoch whose weights the model holds; 0 if the file does not say
	 * @param canceled  true if the training was stopped before its last epoch
	 * @param converged false if the validation loss was still falling in the last epochs
	 * @param diverged  how the training diverged, ending its epochs; null if it did not
	 */
	public record NetworkRun(int bestEpoch, boolean canceled, boolean converged, String diverged) {}

	/** Keys of the entries this record reads back. */
	static final String PIXEL_TYPES = "input_pixel_types", CHANNELS = "input_channels", CHANNEL_COUNT =
		"input_channel_count", BEST_EPOCH = "best_epoch", CANCELED = "canceled", CONVERGED = "converged", DIVERGED =
			"diverged", CALIBRATION_WARNING = "calibration_warning";
	/** How the stored calibration warning begins (files keep the text as the console showed it). */
	private static final String WARNING = "warning: ";
	/** Highest source channel a model may name (ImageJ's hyperstacks stay far below). */
	static final int MAX_SOURCE_CHANNEL = 4096;

	/** The manifest's {@code training} object: the figures, then what this record reads back. */
	Map<String, Object> toJson() {
		Map<String, Object> m = new LinkedHashMap<>(figures);
		if (network != null) {
			m.put(CANCELED, network.canceled());
			m.put(BEST_EPOCH, network.bestEpoch());
			m.put(CONVERGED, network.converged());
			if (network.diverged() != null) m.put(DIVERGED, network.diverged());
		}
		if (calibrationWarning != null) m.put(CALIBRATION_WARNING, WARNING + calibrationWarning);
		if (!sources.pixelTypes().isEmpty()) m.put(PIXEL_TYPES, sources.pixelTypes());
		if (!sources.channels().isEmpty()) {
			m.put(CHANNELS, sources.channels());
			m.put(CHANNEL_COUNT, sources.channelCount());
		}
		return m;
	}

	/**
	 * Reads a manifest's {@code training} object of a model with {@code modelChannels} channels. The
	 * sources are checked (they pick channels and name kinds of pixels in messages); the network's
	 * end is read leniently, as files of earlier versions wrote it (a missing or odd entry: not said).
	 *
	 * @throws IllegalArgumentException naming the entry that is out of range
	 */
	static TrainingReport fromJson(Map<String, Object> json, int modelChannels) {
		Map<String, Object> figures = new LinkedHashMap<>(json);
		Object types = figures.remove(PIXEL_TYPES), channels = figures.remove(CHANNELS), count = figures.remove(
			CHANNEL_COUNT), best = figures.remove(BEST_EPOCH), canceled = figures.remove(CANCELED), converged = figures
				.remove(CONVERGED), diverged = figures.remove(DIVERGED), warning = figures.remove(CALIBRATION_WARNING);
		Sources sources = new Sources(pixelTypes(types), channels(channels, count, modelChannels), count == null ? 0
			: ((Number) count).intValue());
		NetworkRun network = best == null && canceled == null && converged == null && diverged == null ? null
			: new NetworkRun(best instanceof Number n ? n.intValue() : 0, Boolean.TRUE.equals(canceled), !Boolean.FALSE
				.equals(converged), diverged instanceof String d ? shown(d, MAX_TEXT) : null);
		return new TrainingReport(sources, network, warning instanceof String w ? shown(w.replaceFirst("^" + WARNING, ""),
			MAX_TEXT) : null, figures);
	}

	/** training.input_pixel_types, if there: a few short words each ("16-bit"), for messages. */
	private static List<String> pixelTypes(Object v) {
		if (v == null) return List.of();
		if (!(v instanceof List<?> list) || list.size() > 16 || !list.stream().allMatch(o -> o instanceof String t && t
			.matches("[0-9A-Za-z -]{1,32}"))) throw new IllegalArgumentException("manifest.json: training." + PIXEL_TYPES +
				" must list up to 16 kinds of pixels such as \"16-bit\", not " + shortened(v));
		return list.stream().map(String.class::cast).toList();
	}

	/**
	 * training.input_channels and input_channel_count, if there, together: a count of source channels
	 * from 1, and one distinct channel of it for each of the model's channels.
	 */
	private static List<Integer> channels(Object v, Object count, int modelChannels) {
		if (v == null && count == null) return List.of();
		String name = "manifest.json: training." + CHANNELS;
		if (!(count instanceof Number c) || c.doubleValue() != Math.rint(c.doubleValue()) || c.doubleValue() < 1 || c
			.doubleValue() > MAX_SOURCE_CHANNEL) throw new IllegalArgumentException("manifest.json: training." +
				CHANNEL_COUNT + " must be a whole number from 1 to " + MAX_SOURCE_CHANNEL + " beside " + name + ", not " +
				shortened(count));
		if (!(v instanceof List<?> list) || list.size() != modelChannels) throw new IllegalArgumentException(name +
			" must list one source channel for each of the model's " + modelChannels + " channel(s), not " + shortened(v));
		Set<Double> seen = new HashSet<>();
		for (Object o : list)
			if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1 || n
				.doubleValue() > c.doubleValue() || !seen.add(n.doubleValue())) throw new IllegalArgumentException(name +
					" must hold distinct whole numbers from 1 to " + CHANNEL_COUNT + " " + count + ", not " + shortened(v));
		return list.stream().map(o -> ((Number) o).intValue()).toList();
	}

	/** Longest text of the file that a warning repeats. */
	private static final int MAX_TEXT = 1000;

	/** {@code v} as text of at most 80 characters on one line, for a message about a hostile file. */
	private static String shortened(Object v) {
		return shown(String.valueOf(v), 77);
	}

	/** Text of the file as messages repeat it: control characters (line breaks) as ?, at most {@code max} characters and "...". */
	private static String shown(String text, int max) {
		return EngineMessages.printable(text, max);
	}
}
