package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import ij.ImagePlus;
import ij.plugin.FileInfoVirtualStack;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.Refusals;

/**
 * Scores every plane of an ImagePlus with a model: the one piece of image-level scoring that the
 * Fiji command, the service and {@code ganomaly evaluate} share. Planes are read and scored a few
 * at a time ({@link GanomalyModel#planesAtOnce}: small planes share network calls), so a virtual
 * stack is never loaded whole. The map is an image in memory when it fits in the given
 * budget; otherwise it is written plane by plane to a file and opened from it as a virtual stack.
 */
public final class ImagePlusScorer {

	/**
	 * The score of one plane.
	 *
	 * @param slice   1-based Z slice
	 * @param frame   1-based time frame
	 * @param index   1-based position among the image's planes
	 * @param score   the plane's calibrated score
	 * @param mapMax  the highest value of its map
	 * @param patches patches scored
	 */
	public record Row(int slice, int frame, int index, float score, float mapMax, long patches) {}

	/**
	 * Scores of one image.
	 *
	 * @param image      the scored image
	 * @param scores     a row per plane
	 * @param anomalyMap the map image (null if cancelled or not asked for)
	 * @param mapFile    where the map was written when it did not fit in memory, else null
	 * @param threshold  the plane score above which a plane is anomalous, on the map's scale: the
	 *                   model's, unless the caller chose another ({@link #withThreshold})
	 */
	public record Result(ImagePlus image, List<Row> scores, ImagePlus anomalyMap, Path mapFile, double threshold) {

		/** The same scores judged by {@code other}. */
		public Result withThreshold(double other) {
			return new Result(image, scores, anomalyMap, mapFile, other);
		}
	}

	/** The map budget that asks for scores only, no map image. */
	public static final long NO_MAP = -1;
	/** The key of the scored image in refusals ("image: …"), which front ends rename to their own. */
	public static final String IMAGE = "image";

	private ImagePlusScorer() {}

	/** Scores all planes of {@code imp}, channels as they are, the map in memory. */
	public static Result score(GanomalyModel model, ImagePlus imp, int stride, ProgressListener listener) {
		return score(model, imp, stride, ImagePlusPlanes.Plane::image, Long.MAX_VALUE, listener);
	}

	/**
	 * Scores all planes of {@code imp}, each first turned into the model's input by
	 * {@code channels} (e.g. a channel selection). A map of more than {@code mapBudget} bytes is
	 * written to a file (see {@link MapImages#claimMapFile}) and opened from there as a virtual stack;
	 * {@link #NO_MAP} keeps no map at all.
	 */
	public static Result score(GanomalyModel model, ImagePlus imp, int stride,
		Function<ImagePlusPlanes.Plane, RandomAccessibleInterval<? extends RealType<?>>> channels, long mapBudget,
		ProgressListener listener)
	{
		// locked where it is free, so that ImageJ's filters and conversions refuse it meanwhile; one that
		// another scoring holds is read all the same (reading needs no lock: Measure takes none)
		boolean locked = imp.lockSilently();
		try {
			return scoreUnlocked(model, imp, stride, channels, mapBudget, listener);
		}
		catch (IllegalArgumentException e) { // the planes' refusals (channels, size, pixels) are the image's
			throw Refusals.of(IMAGE, e);
		}
		finally {
			if (locked) imp.unlock();
		}
	}

	private static Result scoreUnlocked(GanomalyModel model, ImagePlus imp, int stride,
		Function<ImagePlusPlanes.Plane, RandomAccessibleInterval<? extends RealType<?>>> channels, long mapBudget,
		ProgressListener listener)
	{
		MapImages.refuseOutput(imp, "score");
		int n = ImagePlusPlanes.count(imp);
		if (n == 0) throw new IllegalArgumentException(imp.getTitle() + " has no planes to score");
		long mapBytes = 4L * imp.getWidth() * imp.getHeight() * n;
		PlaneScores planes = new PlaneScores(model, imp, stride, channels, listener, n);
		if (mapBudget == NO_MAP) {
			for (int i = 1; i <= n; i++)
				if (planes.score(i) == null) break;
			return new Result(imp, planes.rows, null, null, model.threshold());
		}
		if (mapBytes <= mapBudget) {
			List<AnomalyMap> maps = new ArrayList<>();
			for (int i = 1; i <= n; i++) {
				PlaneScore s = planes.score(i);
				if (s == null) return new Result(imp, planes.rows, null, null, model.threshold());
				maps.add(s.map());
			}
			return new Result(imp, planes.rows, MapImages.of(imp, maps, mapTitle(imp.getTitle())), null,
				model.threshold());
		}
		Path file = MapImages.claimMapFile(imp);
		boolean written = false;
		try {
			// inside the try: the image asks for plane 1 as it is made
			ImagePlus image = MapFiles.image(imp, n, MapFiles.Kind.FLOAT, i -> {
				PlaneScore s = planes.score(i);
				if (s == null) throw new StreamedMapWriter.Canceled();
				return MapFiles.plane(s.map(), MapFiles.Kind.FLOAT);
			});
			StreamedMapWriter.write(image, file, 0, i -> {});
			written = true;
		}
		catch (StreamedMapWriter.Canceled c) {
			return new Result(imp, planes.rows, null, null, model.threshold());
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not write the anomaly map " + file + ": " + e.getMessage(), e);
		}
		finally {
			if (!written) deleteQuietly(StreamedMapWriter.partialFor(file), file); // nothing resumes it
		}
		ImagePlus map = openVirtual(file, imp);
		return new Result(imp, planes.rows, map, file, model.threshold());
	}

	/**
	 * Scores planes in order, {@link GanomalyModel#planesAtOnce} at a time, keeping a row for each and
	 * the scores of the last planes scored together.
	 */
	private static final class PlaneScores {

		final GanomalyModel model;
		final ImagePlus imp;
		final int stride, n, group;
		final Function<ImagePlusPlanes.Plane, RandomAccessibleInterval<? extends RealType<?>>> channels;
		final ProgressListener listener;
		/** The image's shape when scoring began: planes are read as they are scored. */
		final Shape shape;
		final List<Row> rows = new ArrayList<>();
		/** The scores of planes {@link #first} on, scored last. */
		List<PlaneScore> held = List.of();
		int first;

		PlaneScores(GanomalyModel model, ImagePlus imp, int stride,
			Function<ImagePlusPlanes.Plane, RandomAccessibleInterval<? extends RealType<?>>> channels,
			ProgressListener listener, int n)
		{
			this.model = model;
			this.imp = imp;
			this.stride = stride;
			this.channels = channels;
			this.listener = listener;
			this.n = n;
			this.group = GanomalyModel.planesAtOnce(imp.getWidth(), imp.getHeight());
			this.shape = Shape.of(imp);
		}

		/** Plane {@code i}'s score (planes are asked for in order), or null if cancelled. */
		PlaneScore score(int i) {
			if (i >= first && i < first + held.size()) return held.get(i - first);
			if (listener.isCanceled()) return null;
			if (!Shape.of(imp).equals(shape)) throw new IllegalStateException("image: " + imp.getTitle() +
				" was closed or changed while it was scored (" + shape + " when scoring began, now " + Shape.of(imp) +
				"); no map was made: score it again");
			List<ImagePlusPlanes.Plane> planes = ImagePlusPlanes.of(imp, i, Math.min(n, i + group - 1));
			ImagePlusPlanes.Batch batch = new ImagePlusPlanes.Batch().add(imp, planes, channels);
			int before = i - 1, count = planes.size();
			List<PlaneScore> scores = model.score(batch.views(), stride, batch.names(), new ProgressListener() {

				@Override
				public void progress(long done, long total) {
					listener.progress(before * total + done * count, n * total);
				}

				@Override
				public boolean isCanceled() {
					return listener.isCanceled();
				}
			});
			if (scores == null) return null;
			for (int k = 0; k < count; k++) {
				ImagePlusPlanes.Plane plane = planes.get(k);
				PlaneScore s = scores.get(k);
				rows.add(new Row(plane.slice(), plane.frame(), plane.index(), s.score(), s.mapMax(), s.patches()));
			}
			held = scores;
			first = i;
			return scores.get(0);
		}
	}

	/** What scoring an image's planes one group at a time relies on staying as it was. */
	private record Shape(int width, int height, int channels, int slices, int frames, int bitDepth) {

		static Shape of(ImagePlus imp) {
			return new Shape(imp.getWidth(), imp.getHeight(), imp.getNChannels(), imp.getNSlices(), imp.getNFrames(),
				imp.getBitDepth());
		}

		@Override
		public String toString() {
			return width + "x" + height + " pixels, " + channels + " channel(s), " + slices * frames + " plane(s), " +
				bitDepth + "-bit";
		}
	}

	private static void deleteQuietly(Path... files) {
		for (Path f : files)
			try {
				Files.deleteIfExists(f);
			}
			catch (IOException e) {
				// left behind; the message that ends the run says what failed
			}
	}

	/** The map file as a virtual stack in the geometry of {@code source}. */
	private static ImagePlus openVirtual(Path file, ImagePlus source) {
		ImagePlus opened = FileInfoVirtualStack.openVirtual(file.toString());
		if (opened == null) throw new UncheckedIOException(new IOException("ImageJ could not open the map " + file));
		ImagePlus map = MapImages.shapedLike(source, mapTitle(source.getTitle()), opened.getStack());
		map.setFileInfo(opened.getOriginalFileInfo());
		return map;
	}

	/** "&lt;title&gt; anomaly map". */
	public static String mapTitle(String title) {
		return title + " anomaly map";
	}

	/**
	 * The bytes a map may take in memory in this JVM: half of what the heap could still give, the
	 * other half left for the scoring's own work (about 30 bytes a pixel of one plane and 70 MB, for
	 * the texture score; docs/benchmarks.md, "Memory when scoring many images").
	 */
	public static long mapBudget() {
		Runtime r = Runtime.getRuntime();
		return (r.maxMemory() - (r.totalMemory() - r.freeMemory())) / 2;
	}
}
