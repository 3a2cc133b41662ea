package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileInfo;
import ij.plugin.LutLoader;
import ij.process.FloatProcessor;
import ij.process.LUT;
import sc.fiji.ganomaly.core.ModelFiles;
import sc.fiji.ganomaly.core.api.AnomalyMap;

/**
 * Turns anomaly maps of an image's planes back into one 32-bit ImagePlus of the same geometry, marks
 * and styles it, and places the file of a map too large for memory.
 */
public final class MapImages {

	private MapImages() {}

	/**
	 * A 32-bit image of the maps, one per plane of {@code source} (its slices and frames, channels
	 * collapsed), with the source's calibration and slice labels.
	 */
	public static ImagePlus of(ImagePlus source, List<AnomalyMap> maps, String title) {
		ImageStack stack = new ImageStack(source.getWidth(), source.getHeight());
		for (AnomalyMap map : maps)
			stack.addSlice(new FloatProcessor(map.width(), map.height(), map.values()));
		int slices = source.getNSlices();
		for (int i = 1; i <= maps.size(); i++)
			stack.setSliceLabel(planeLabel(source, (i - 1) % slices + 1, (i - 1) / slices + 1), i);
		return shapedLike(source, title, stack);
	}

	/**
	 * The slice label of plane (z, t) of an image (of its first channel): its first line, as ImageJ
	 * shows it in the window's subtitle (an image sequence's file name), at most 100 characters;
	 * null if it has none.
	 */
	static String planeLabel(ImagePlus image, int slice, int frame) {
		String label = image.getStack().getSliceLabel(image.getStackIndex(1, slice, frame));
		if (label == null) return null;
		int end = label.indexOf('\n');
		label = (end < 0 ? label : label.substring(0, end)).trim();
		return label.isEmpty() ? null : label.length() > 100 ? label.substring(0, 100) : label;
	}

	/** The in-memory property that marks the images this plugin makes (its value says which). */
	static final String MADE = "sc.fiji.ganomaly.output";

	/**
	 * Refuses an anomaly map or mask that this plugin made as an image to score or train on (the
	 * active image after a scoring is its map or mask, which a second run from the menu would take).
	 */
	public static void refuseOutput(ImagePlus imp, String use) {
		if (imp != null && imp.getProperty(MADE) instanceof String made) throw new IllegalArgumentException(imp
			.getTitle() + " is " + made + " made by Score Anomalies, not an image to " + use + "; select (click its " +
			"window) or give the image to " + use);
	}

	/**
	 * A map image of {@code stack} in the geometry of {@code source}: its slices and frames
	 * (channels collapsed), a hyperstack when it has several planes, a copy of its calibration.
	 */
	static ImagePlus shapedLike(ImagePlus source, String title, ImageStack stack) {
		ImagePlus out = new ImagePlus(title, stack);
		out.setProperty(MADE, "an anomaly map");
		out.setDimensions(1, source.getNSlices(), source.getNFrames());
		if (source.getNSlices() * source.getNFrames() > 1) out.setOpenAsHyperStack(true);
		out.setCalibration(source.getCalibration().copy());
		return out;
	}

	/**
	 * Shows a map in ImageJ's "fire" colours, from 0 to twice the threshold, so that the threshold
	 * is mid-scale. The LUT is built in (no file is read).
	 */
	public static void style(ImagePlus map, double threshold) {
		java.awt.image.IndexColorModel fire = LutLoader.getLut("fire");
		if (fire != null) map.setLut(new LUT(fire, 0, 255));
		map.setDisplayRange(0, displayMax(threshold));
	}

	/** The score at the top of a map's display range: twice the threshold (mid-scale), at least 0.001. */
	static double displayMax(double threshold) {
		return Math.max(2 * threshold, 1e-3);
	}

	/**
	 * Claims the file the map of {@code imp} goes to when it does not fit in memory, by creating it
	 * empty, so that neither an existing file nor another run's map is overwritten:
	 * {@code <name>_anomaly.tif}, or {@code <name>_anomaly-2.tif} and on where that is taken, beside
	 * the image's file where that folder takes new files, else in a temporary folder that is deleted
	 * when the JVM ends. An image sequence's file is its folder (ImageJ's {@code FolderOpener} names
	 * no file), so its map goes beside that folder, never among the images a later opening,
	 * training or scoring of the folder would read.
	 */
	public static Path claimMapFile(ImagePlus imp) {
		String title = imp.getTitle();
		// a title may hold any character; a file name on Windows none of these
		String base = new ImageFiles.Input(Path.of(title.replaceAll("[\\x00-\\x1f/\\\\:*?\"<>|]", "_")), null).baseName();
		Path folder = mapFolder(imp.getOriginalFileInfo());
		if (folder == null) folder = temporaryMaps();
		String suffix = MapFiles.SUFFIX.substring(0, MapFiles.SUFFIX.length() - ".tif".length());
		for (int k = 1; k <= 1000; k++) {
			Path file = folder.resolve(base + (k == 1 ? MapFiles.SUFFIX : suffix + "-" + k + ".tif"));
			try {
				return Files.createFile(file);
			}
			catch (FileAlreadyExistsException e) {
				// taken: the next number
			}
			catch (IOException e) {
				throw new UncheckedIOException("could not create the anomaly map " + file + ": " + e.getMessage(), e);
			}
		}
		throw new UncheckedIOException(new IOException("1000 anomaly maps of " + base + " already exist in " + folder));
	}

	/** The folder that takes the map of an image read from {@code origin}, null if none does. */
	static Path mapFolder(FileInfo origin) {
		if (origin == null || origin.directory == null || origin.directory.isEmpty()) return null;
		Path own = Path.of(origin.directory).toAbsolutePath().normalize();
		boolean sequence = origin.fileName == null || origin.fileName.isEmpty();
		Path folder = sequence ? own.getParent() : own;
		return folder != null && Files.isDirectory(folder) && Files.isWritable(folder) ? folder : null;
	}

	private static Path temporaryMaps;

	/** This JVM's folder of maps of images without a folder of their own, deleted when the JVM ends. */
	private static synchronized Path temporaryMaps() {
		if (temporaryMaps == null || !Files.isDirectory(temporaryMaps)) temporaryMaps = ModelFiles.temporaryFolder(
			"ganomaly-maps");
		return temporaryMaps;
	}
}
