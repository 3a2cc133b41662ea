package sc.fiji.ganomaly.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import ij.ImagePlus;
import ij.io.Opener;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import sc.fiji.ganomaly.ij.ImagePlusPlanes;

/** Image files named on the command line: files, multi-page TIFF stacks and folders of them. */
final class ImageInputs {

	static final List<String> EXTENSIONS = List.of(".tif", ".tiff", ".png", ".jpg", ".jpeg", ".gif", ".bmp");

	/** An opened image with its file. */
	record Input(Path file, ImagePlus image) {

		/** File name without the image extension. */
		String baseName() {
			String name = file.getFileName().toString();
			String lower = name.toLowerCase(Locale.ROOT);
			for (String ext : EXTENSIONS)
				if (lower.endsWith(ext)) return name.substring(0, name.length() - ext.length());
			return name;
		}
	}

	private ImageInputs() {}

	/** Image files named by {@code paths}, folders expanded to their images (sorted by name). */
	static List<Path> files(List<Path> paths, String option) {
		List<Path> files = new ArrayList<>();
		for (Path p : paths) {
			if (Files.isDirectory(p)) {
				try (Stream<Path> list = Files.list(p)) {
					List<Path> images = list.filter(Files::isRegularFile).filter(ImageInputs::isImageName)
						.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
					if (images.isEmpty()) throw new UsageException(option + ": folder " + p + " holds no images " +
						"(" + String.join(", ", EXTENSIONS) + ")");
					files.addAll(images);
				}
				catch (IOException e) {
					throw new UsageException(option + ": cannot list folder " + p + ": " + e.getMessage());
				}
			}
			else if (Files.isRegularFile(p)) files.add(p);
			else throw new UsageException(option + ": " + p + " does not exist");
		}
		return files;
	}

	static boolean isImageName(Path p) {
		String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
		return EXTENSIONS.stream().anyMatch(name::endsWith);
	}

	/** Opens one image file, or says clearly why it cannot be read. */
	static Input open(Path file, String option) {
		Opener opener = new Opener();
		opener.setSilentMode(true);
		ImagePlus imp;
		try {
			imp = opener.openImage(file.toAbsolutePath().toString());
		}
		catch (RuntimeException e) {
			imp = null;
		}
		if (imp == null) throw new UsageException(option + ": cannot read " + file + " as an image (TIFF, PNG, JPEG, GIF or BMP)");
		return new Input(file, imp);
	}

	/**
	 * Keeps only the given 1-based channels of an (x, y, c) plane; an empty list keeps all.
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	static RandomAccessibleInterval<? extends RealType<?>> selectChannels(ImagePlusPlanes.Plane plane,
		List<Integer> channels, String name)
	{
		RandomAccessibleInterval view = plane.image();
		if (channels.isEmpty()) return view;
		long available = view.dimension(2);
		List<RandomAccessibleInterval> selected = new ArrayList<>();
		for (int c : channels) {
			if (c < 1 || c > available) throw new UsageException("--channels: " + name + " has channels 1 to " + available +
				", not " + c);
			selected.add(Views.hyperSlice(view, 2, c - 1));
		}
		return Views.stack((List) selected);
	}

	/** Parses "1,3" into [1, 3]. */
	static List<Integer> parseChannels(List<String> values) {
		List<Integer> out = new ArrayList<>();
		for (String v : values)
			for (String part : v.split(",")) {
				if (part.isBlank()) continue;
				try {
					out.add(Integer.parseInt(part.trim()));
				}
				catch (NumberFormatException e) {
					throw new UsageException("--channels takes 1-based channel numbers such as 1,2, not '" + part + "'");
				}
			}
		return out;
	}
}
