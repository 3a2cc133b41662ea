package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;

import ij.ImagePlus;
import ij.VirtualStack;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.api.AtomicFiles;

/**
 * Anomaly map files, {@code <name>_anomaly.tif}: 32-bit (the calibrated scores themselves) or
 * 16-bit (scores scaled into whole numbers, the scale stored as the TIFF's ImageJ calibration so
 * that ImageJ reads the values back as scores), written atomically. The one writer of map files for
 * {@code ganomaly score} and the Spark front end: both hand it the planes of a map one at a time, so
 * the same planes give the same bytes however they were computed.
 */
public final class MapFiles {

	/** Which maps {@code score} writes. */
	public enum Kind {
		/** 32-bit float maps, the calibrated scores as computed */
		FLOAT("float", 32),
		/** 16-bit maps: pixel p holds the score {@link #OFFSET} + {@link #STEP}·p, clipped to that range */
		SIXTEEN_BIT("16bit", 16),
		/** no maps, scores.csv only */
		NONE("none", 0);

		private final String option;
		private final int bitDepth;

		Kind(String option, int bitDepth) {
			this.option = option;
			this.bitDepth = bitDepth;
		}

		/** Bits of a map pixel: 32 or 16 (0: no maps). */
		public int bitDepth() {
			return bitDepth;
		}

		/** The option value: float, 16bit or none. */
		public String option() {
			return option;
		}

		/** Parses float, 16bit or none; anything else is an error naming {@code parameter}. */
		public static Kind parse(String value, String parameter) {
			for (Kind k : values())
				if (k.option.equalsIgnoreCase(value.trim())) return k;
			throw new IllegalArgumentException(parameter + " must be float, 16bit or none, not '" + value + "'");
		}
	}

	/** 16-bit maps: the score of pixel value 0. */
	public static final double OFFSET = -8;
	/**
	 * 16-bit maps: the score step of one grey value (scores -8 to 123.07 in steps of 0.002; normal
	 * patches score around 0 to 1, and below 0 down to minus median/(p99 - median) of the calibration).
	 */
	public static final double STEP = 0.002;
	/** Suffix of a map's file name after the input's base name. */
	public static final String SUFFIX = "_anomaly.tif";

	private MapFiles() {}

	/** The map file of an input in {@code folder}: {@code <base name>_anomaly.tif}. */
	public static Path file(Path folder, ImageFiles.Input input) {
		return folder.resolve(input.baseName() + SUFFIX);
	}

	/**
	 * Deletes the map of {@code input} in {@code folder} that an earlier run left, if any, and the
	 * hidden part of one this run began (the planes of a stack before one that failed); "" when done,
	 * else a note for the input's failure line.
	 */
	public static String deleteEarlier(Path folder, Path input) {
		try {
			Path map = file(folder, new ImageFiles.Input(input, null));
			Files.deleteIfExists(map);
			Files.deleteIfExists(StreamedMapWriter.partialFor(map));
			return "";
		}
		catch (IOException e) {
			return " (its earlier map could not be deleted: " + e.getMessage() + ")";
		}
	}

	/** One plane's map as an ImageJ processor of the given kind (null for {@link Kind#NONE}). */
	public static ImageProcessor plane(AnomalyMap map, Kind kind) {
		return switch (kind) {
			case FLOAT -> new FloatProcessor(map.width(), map.height(), map.values());
			case SIXTEEN_BIT -> new ShortProcessor(map.width(), map.height(), toShorts(map.values()), null);
			case NONE -> null;
		};
	}

	/** Scores as 16-bit grey values, rounded to the nearest step and clipped to 0..65535. */
	static short[] toShorts(float[] values) {
		short[] out = new short[values.length];
		for (int i = 0; i < values.length; i++) {
			double v = Math.rint((values[i] - OFFSET) / STEP);
			out[i] = (short) (v <= 0 ? 0 : v >= 65535 ? 65535 : (int) v); // NaN -> 0
		}
		return out;
	}

	/** A plane of this kind from its raw pixels: float[] or short[]. */
	public static ImageProcessor plane(int width, int height, Object pixels) {
		if (pixels instanceof float[] f) return new FloatProcessor(width, height, f);
		if (pixels instanceof short[] s) return new ShortProcessor(width, height, s, null);
		throw new IllegalArgumentException("map planes are float[] or short[], not " + pixels);
	}

	/**
	 * The map image of {@code source}: {@code planes} planes (one per slice and frame of the
	 * source, channels collapsed), each fetched from {@code plane} (1-based) only while it is
	 * written, with the source's calibration (and, for 16-bit, the score scale as its function).
	 */
	public static ImagePlus image(ImagePlus source, int planes, Kind kind, IntFunction<ImageProcessor> plane) {
		if (kind == Kind.NONE) throw new IllegalArgumentException("no map image for maps 'none'");
		PlaneStack stack = new PlaneStack(source.getWidth(), source.getHeight(), planes,
			kind.bitDepth(), plane);
		ImagePlus out = MapImages.shapedLike(source, ImagePlusScorer.mapTitle(source.getTitle()), stack);
		if (kind == Kind.SIXTEEN_BIT) {
			Calibration cal = source.getCalibration().copy();
			// of the 16-bit map now: ImageJ drops the function of a calibration of another bit depth
			cal.setImage(out);
			cal.setFunction(Calibration.STRAIGHT_LINE, new double[] { OFFSET, STEP }, "score");
			out.setCalibration(cal);
		}
		return out;
	}

	/**
	 * {@link #image(ImagePlus, int, Kind, IntFunction)} shown when its file is opened in ImageJ as
	 * Score Anomalies shows its map ({@link MapImages#style}): ImageJ's "fire" colours from score 0
	 * to twice {@code threshold}, so that the threshold is mid-scale, instead of each file stretched
	 * to its own minimum and maximum. The TIFF stores both.
	 */
	public static ImagePlus image(ImagePlus source, int planes, Kind kind, double threshold,
		IntFunction<ImageProcessor> plane)
	{
		ImagePlus map = image(source, planes, kind, plane);
		style(map, kind, threshold);
		return map;
	}

	private static void style(ImagePlus map, Kind kind, double threshold) {
		MapImages.style(map, threshold);
		if (kind == Kind.SIXTEEN_BIT) // the display range of a 16-bit image is in grey values, not scores
			map.setDisplayRange(Math.max(0, Math.rint(-OFFSET / STEP)), Math.min(65535, Math.rint((MapImages.displayMax(
				threshold) - OFFSET) / STEP)));
	}

	/**
	 * Writes a map image as an ImageJ TIFF (the bytes of a map that a batch streams, in Intel byte
	 * order: {@link StreamedMapWriter}), atomically: into a temporary file beside {@code file}, then
	 * renamed over it, so {@code file} is either absent, the old file or complete.
	 */
	public static void write(ImagePlus map, Path file) {
		AtomicFiles.write(file, tmp -> StreamedMapWriter.encode(map, tmp));
	}

	/** Map planes fetched one at a time while ImageJ writes them; never labelled. */
	private static final class PlaneStack extends VirtualStack {

		private final int size, bitDepth;
		private final IntFunction<ImageProcessor> planes;

		PlaneStack(int width, int height, int size, int bitDepth, IntFunction<ImageProcessor> planes) {
			super(width, height, null, null);
			this.size = size;
			this.bitDepth = bitDepth;
			this.planes = planes;
		}

		@Override
		public ImageProcessor getProcessor(int n) {
			if (n < 1 || n > size) throw new IllegalArgumentException("map plane " + n + " of " + size);
			ImageProcessor ip = planes.apply(n);
			if (ip.getWidth() != getWidth() || ip.getHeight() != getHeight() || ip.getBitDepth() != bitDepth)
				throw new IllegalStateException("map plane " + n + " is " + ip.getWidth() + "x" + ip.getHeight() + ", " +
					ip.getBitDepth() + "-bit; expected " + getWidth() + "x" + getHeight() + ", " + bitDepth + "-bit");
			return ip;
		}

		@Override
		public Object getPixels(int n) {
			return getProcessor(n).getPixels();
		}

		@Override
		public int getSize() {
			return size;
		}

		@Override
		public int size() {
			return size;
		}

		@Override
		public String getSliceLabel(int n) {
			return null;
		}

		@Override
		public int getBitDepth() {
			return bitDepth;
		}
	}
}
