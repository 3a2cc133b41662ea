package sc.fiji.ganomaly.core;

import java.util.ArrayList;
import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

import sc.fiji.ganomaly.core.api.Channels;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.model.Manifest;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.PlaneNormalizer;
import sc.fiji.ganomaly.core.plane.TileSource;
import sc.fiji.ganomaly.core.plane.TiledPlane;
import sc.fiji.ganomaly.core.score.LazyNetwork;
import sc.fiji.ganomaly.core.score.RawMap;
import sc.fiji.ganomaly.core.score.ScoreScale;
import sc.fiji.ganomaly.core.score.Scorer;
import sc.fiji.ganomaly.core.score.Scorers;

/**
 * How a {@link GanomalyModel} scores planes with its manifest and network: each plane's shape
 * checked, its intensities measured and its tiles normalised as the scorer asks for them, the maps
 * of all the planes computed together by the score's scorer, and each put on the model's calibrated
 * scale.
 */
record PlaneScoring(Manifest manifest, LazyNetwork network, boolean recordedChannels) {

	/**
	 * The scores of {@code planes} (names for messages, one per plane), windows {@code stride} apart,
	 * tiles up to {@code tileSize}, {@code batch} windows per call; null if {@code listener} cancelled.
	 */
	List<PlaneScore> score(List<? extends RandomAccessibleInterval<? extends RealType<?>>> planes, int stride,
		List<String> names, ProgressListener listener, int tileSize, int batch)
	{
		if (names.size() != planes.size()) throw new IllegalArgumentException(planes.size() + " planes but " + names
			.size() + " names");
		if (planes.isEmpty()) return List.of();
		List<TiledPlane> tiled = new ArrayList<>(planes.size());
		for (int k = 0; k < planes.size(); k++) {
			String name = names.get(k);
			RandomAccessibleInterval<? extends RealType<?>> plane = modelChannels(planes.get(k), name);
			checkShape(plane, name);
			PlaneNormalizer normalizer = PlaneNormalizer.measure(manifest.normalization(), plane, name);
			if (normalizer.width() > Integer.MAX_VALUE - 8 || normalizer.height() > Integer.MAX_VALUE - 8)
				throw new IllegalArgumentException(name + " is " + normalizer.width() + "x" + normalizer.height() +
					" pixels; score a smaller region");
			tiled.add(new TiledPlane((int) normalizer.width(), (int) normalizer.height(), TileSource.of(normalizer)));
		}
		List<RawMap> raw = scorer(stride, tileSize, batch).maps(tiled, listener);
		if (raw == null) return null;
		List<PlaneScore> scores = new ArrayList<>(raw.size());
		for (RawMap r : raw)
			scores.add(ScoreScale.calibrate(r, manifest));
		return scores;
	}

	/** The score of a plane normalised already. */
	PlaneScore score(NormalizedPlane plane, int stride) {
		RawMap raw = scorer(stride, Scorers.TILE, Scorers.BATCH).map(plane.width(), plane.height(), TileSource.of(plane),
			ProgressListener.NONE);
		return ScoreScale.calibrate(raw, manifest);
	}

	/** A plane normalised as the model's training data was, its shape checked. */
	NormalizedPlane normalize(RandomAccessibleInterval<? extends RealType<?>> given, String name) {
		RandomAccessibleInterval<? extends RealType<?>> plane = modelChannels(given, name);
		checkShape(plane, name);
		return PlaneNormalizer.apply(manifest.normalization(), plane, name);
	}

	/**
	 * {@code plane}, or, when the model was trained on a selection of the channels of source images
	 * ({@link Manifest#inputChannels()}), the plane has as many channels as those images and the
	 * caller has not picked channels itself ({@code recordedChannels}), that selection of its
	 * channels: an image like those trained on scores without naming the channels again. A plane of
	 * other channels (another kind of image) is taken as it is.
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private RandomAccessibleInterval<? extends RealType<?>> modelChannels(RandomAccessibleInterval<? extends RealType<
		?>> plane, String name)
	{
		if (!picks(channels(plane))) return plane;
		return Channels.pick((RandomAccessibleInterval) plane, manifest.inputChannels(), name);
	}

	/** Whether a plane of {@code channels} channels is scored on the channels training picked ({@link #modelChannels}). */
	private boolean picks(long channels) {
		return recordedChannels && !manifest.inputChannels().isEmpty() && channels == manifest.inputChannelCount();
	}

	/** Whether {@code plane} has channels this model scores: its own number, or those it picks channels from. */
	boolean takes(RandomAccessibleInterval<? extends RealType<?>> plane) {
		long c = channels(plane);
		return c == manifest.spec().channels() || picks(c);
	}

	/** The channels of a plane (its third dimension; 1 without one). */
	static long channels(RandomAccessibleInterval<?> plane) {
		return plane.numDimensions() > 2 ? plane.dimension(2) : 1;
	}

	/** The scorer of the model's score: windows {@code stride} apart, tiles up to {@code tileSize}, {@code batch} windows per call. */
	Scorer scorer(int stride, int tileSize, int batch) {
		return Scorers.of(manifest, network, stride, batch, tileSize);
	}

	private void checkShape(RandomAccessibleInterval<? extends RealType<?>> plane, String name) {
		int channels = plane.numDimensions() > 2 ? (int) plane.dimension(2) : 1, expected = manifest.spec().channels();
		List<Integer> picked = manifest.inputChannels();
		if (channels != expected) throw new IllegalArgumentException(name + " has " + channels +
			" channel(s) but the model was trained on " + expected + (picked.isEmpty() ? "" : " (channel(s) " + picked
				.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + " of images of " + manifest
					.inputChannelCount() + ")") + (recordedChannels ? "; use images with " + expected + " channel(s)" + (picked
						.isEmpty() ? "" : " or with " + manifest.inputChannelCount()) + ", or pick " + expected + " of theirs " +
							"(the command line's --channels; in Fiji, Image > Duplicate… of those channels)" : "; pick " + expected +
								" channel(s)"));
		int p = manifest.spec().patchSize();
		if (plane.dimension(0) < p || plane.dimension(1) < p) throw new IllegalArgumentException(name + " is " +
			plane.dimension(0) + "x" + plane.dimension(1) + " pixels, smaller than the model's patch of " + p + "x" + p);
	}
}
