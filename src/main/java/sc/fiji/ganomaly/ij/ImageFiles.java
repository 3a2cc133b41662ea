package sc.fiji.ganomaly.ij;

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

/**
 * Image files named by users: files, multi-page TIFF stacks and folders of them, opened with
 * ImageJ 1.x. Problems are {@link IllegalArgumentException}s naming the option and the file.
 */
public final class ImageFiles {

	public static final List<String> EXTENSIONS = List.of(".tif", ".tiff", ".png", ".jpg", ".jpeg", ".gif", ".bmp");

	/** An opened image with its file. */
	public record Input(Path file, ImagePlus image) {

		/** File name without the image extension. */
		public String baseName() {
			String name = file.getFileName().toString();
			String lower = name.toLowerCase(Locale.ROOT);
			for (String ext : EXTENSIONS)
				if (lower.endsWith(ext)) return name.substring(0, name.length() - ext.length());
			return name;
		}
	}

	private ImageFiles() {}

	/** Image files named by {@code paths}, folders expanded to their images (sorted by name). */
	public static List<Path> files(List<Path> paths, String option) {
		List<Path> files = new ArrayList<>();
		for (Path p : paths) {
			if (Files.isDirectory(p)) {
				try (Stream<Path> list = Files.list(p)) {
					List<Path> images = list.filter(Files::isRegularFile).filter(ImageFiles::isImageName)
						.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
					if (images.isEmpty()) throw new IllegalArgumentException(option + ": folder " + p + " holds no images " +
						"(" + String.join(", ", EXTENSIONS) + ")");
					files.addAll(images);
				}
				catch (IOException e) {
					throw new IllegalArgumentException(option + ": cannot list folder " + p + ": " + e.getMessage());
				}
			}
			else if (Files.isRegularFile(p)) files.add(p);
			else throw new IllegalArgumentException(option + ": " + p + " does not exist");
		}
		return files;
	}

	public static boolean isImageName(Path p) {
		String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
		return EXTENSIONS.stream().anyMatch(name::endsWith);
	}

	/** Opens one image file, or says clearly why it cannot be read. */
	public static Input open(Path file, String option) {
		Opener opener = new Opener();
		opener.setSilentMode(true);
		ImagePlus imp;
		try {
			imp = opener.openImage(file.toAbsolutePath().toString());
		}
		catch (RuntimeException e) {
			imp = null;
		}
		if (imp == null) throw new IllegalArgumentException(option + ": cannot read " + file + " as an image (TIFF, PNG, JPEG, GIF or BMP)");
		return new Input(file, imp);
	}

	/**
	 * Keeps only the given 1-based channels of an (x, y, c) plane; an empty list keeps all.
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public static RandomAccessibleInterval<? extends RealType<?>> selectChannels(ImagePlusPlanes.Plane plane,
		List<Integer> channels, String name)
	{
		RandomAccessibleInterval view = plane.image();
		if (channels.isEmpty()) return view;
		long available = view.dimension(2);
		List<RandomAccessibleInterval> selected = new ArrayList<>();
		for (int c : channels) {
			if (c < 1 || c > available) throw new IllegalArgumentException("channels: " + name + " has channels 1 to " + available +
				", not " + c);
			selected.add(Views.hyperSlice(view, 2, c - 1));
		}
		return Views.stack((List) selected);
	}

	/** Parses "1,3" into [1, 3]. */
	public static List<Integer> parseChannels(List<String> values) {
		List<Integer> out = new ArrayList<>();
		for (String v : values)
			for (String part : v.split(",")) {
				if (part.isBlank()) continue;
				try {
					out.add(Integer.parseInt(part.trim()));
				}
				catch (NumberFormatException e) {
					throw new IllegalArgumentException("channels takes 1-based channel numbers such as 1,2, not '" + part + "'");
				}
			}
		return out;
	}
}
