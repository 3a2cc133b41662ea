package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.Opener;
import ij.io.TiffDecoder;
import ij.plugin.FileInfoVirtualStack;
import ij.process.ImageProcessor;

/**
 * Image files named by users: files, multi-page TIFF stacks and folders of them, opened with
 * ImageJ 1.x, and files of other formats with the {@link OtherFormats} reader a front end set
 * (Fiji's SCIFIO/Bio-Formats). Problems are {@link IllegalArgumentException}s naming the option
 * and the file.
 */
public final class ImageFiles {

	public static final List<String> EXTENSIONS = List.of(".tif", ".tiff", ".png", ".jpg", ".jpeg", ".gif", ".bmp");

	/** An opened image with its file. */
	public record Input(Path file, ImagePlus image) {

		/** File name without the image extension (any extension, for a file of the {@link OtherFormats} reader). */
		public String baseName() {
			String name = file.getFileName().toString();
			String lower = name.toLowerCase(Locale.ROOT);
			for (String ext : EXTENSIONS)
				if (lower.endsWith(ext)) return name.substring(0, name.length() - ext.length());
			int dot = name.lastIndexOf('.');
			OtherFormats o = OtherFormats.current();
			return dot > 0 && o != null && o.canOpen(file) ? name.substring(0, dot) : name;
		}
	}

	private ImageFiles() {}

	/**
	 * Image files named by {@code paths}, folders expanded to their images (sorted by name), links to
	 * nothing among them included: they fail when read, as a file of their own.
	 */
	public static List<Path> files(List<Path> paths, String option) {
		List<Path> files = new ArrayList<>();
		for (Path p : paths) {
			if (Files.isDirectory(p)) {
				try (Stream<Path> list = Files.list(p)) {
					// a link to nothing, a pipe or a device named as an image is listed, so that it fails as a file of its
					// own instead of being passed over
					List<Path> images = list.filter(f -> !Files.isDirectory(f)).filter(ImageFiles::isImageName)
						.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
					OtherFormats others = OtherFormats.current();
					if (images.isEmpty()) throw new IllegalArgumentException(option + ": folder " + p + " holds no images " +
						"(" + String.join(", ", EXTENSIONS) + (others == null ? "" : " or another format " + others.name() +
							" reads") + ")" + (!hasFolders(p) ? "" : option.startsWith("--") ? "; the folders in it are not read: " +
								"give them, or a glob such as '" + p.resolve("**").resolve("*.tif") + "'" :
								"; the folders in it are not read: choose one of them"));
					files.addAll(images);
				}
				catch (IOException e) {
					throw new IllegalArgumentException(option + ": cannot list folder " + p + ": " + e.getMessage());
				}
			}
			else if (Files.isRegularFile(p)) files.add(p);
			else if (Files.exists(p)) throw notAFile(p, option);
			else if (Files.isSymbolicLink(p)) files.add(p); // a link to nothing (a shell's glob lists one): as in a folder
			else {
				ImageHeaders.checkName(p, option); // a name the shell passed in another encoding cannot be found
				throw new IllegalArgumentException(option + ": " + p + " does not exist");
			}
		}
		return files;
	}

	/** The refusal of something that exists but is neither a file nor a folder: reading it could block or never end. */
	static IllegalArgumentException notAFile(Path p, String option) {
		return notAFile(p, option, "an image file or a folder");
	}

	private static IllegalArgumentException notAFile(Path p, String option, String wanted) {
		return new IllegalArgumentException(option + ": " + p + " is not a file but a pipe, device or socket; give " + wanted);
	}

	/** Most bytes of a list of inputs ({@code @list.txt}): a million paths of 60 characters. */
	static final long MAX_LIST_BYTES = 64L << 20;

	/**
	 * Image files named by command-line words, in order: a file, a folder (its images, sorted), a
	 * glob such as {@code /data/*.tif} or {@code /data/**}{@code /*.tif} (its matches, sorted), or
	 * {@code @list.txt}: one such word per line (blank lines and lines starting with # skipped;
	 * relative paths are relative to the list's folder).
	 */
	public static List<Path> expand(List<String> words, String option) {
		List<Path> files = new ArrayList<>();
		for (String word : words) {
			if (word.startsWith("@")) {
				Path list = Paths.get(word.substring(1));
				List<String> lines;
				try {
					if (Files.exists(list) && !Files.isRegularFile(list)) throw notAFile(list, option, "a list file (@list.txt)");
					if (Files.size(list) > MAX_LIST_BYTES) throw new IllegalArgumentException(option + ": the list " + list +
						" has " + Files.size(list) + " bytes, more than " + MAX_LIST_BYTES + "; split it into several lists");
					lines = Files.readAllLines(list);
				}
				catch (java.nio.charset.CharacterCodingException e) {
					throw new IllegalArgumentException(option + ": the list " + list + " is not UTF-8 text; save it as UTF-8");
				}
				catch (IOException | RuntimeException e) {
					if (e instanceof IllegalArgumentException refusal) throw refusal;
					throw new IllegalArgumentException(option + ": cannot read the list " + list + " (" + e.getMessage() + ")");
				}
				// a byte order mark, which Windows editors write, is no part of the first path
				if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) lines.set(0, lines.get(0).substring(1));
				Path base = list.toAbsolutePath().getParent();
				List<String> entries = new ArrayList<>();
				for (String line : lines) {
					String entry = line.strip();
					if (entry.isEmpty() || entry.startsWith("#")) continue;
					if (entry.startsWith("@")) throw new IllegalArgumentException(option + ": list " + list +
						" names another list (" + entry + "); lists do not nest");
					entries.add(entry.startsWith("/") ? entry : Globs.isGlob(entry) ? base + "/" + entry
						: base.resolve(entry).toString());
				}
				if (entries.isEmpty()) throw new IllegalArgumentException(option + ": the list " + list + " names no files");
				files.addAll(expand(entries, option));
			}
			else if (Globs.isGlob(word) && !exists(word)) files.addAll(Globs.matches(word, option));
			else files.addAll(files(List.of(Paths.get(word)), option));
		}
		return files;
	}

	/** Whether {@code word} names an existing file or folder as it is (a name may hold [ ] { }). */
	private static boolean exists(String word) {
		try {
			return Files.exists(Paths.get(word));
		}
		catch (java.nio.file.InvalidPathException e) {
			return false; // * and ? on Windows
		}
	}

	/** Whether {@code folder} holds a folder that is not hidden. */
	private static boolean hasFolders(Path folder) {
		return folders(folder) > 0;
	}

	/** The folders in {@code folder} that {@link #files} does not read (hidden ones left out); 0 if it cannot be listed. */
	public static long folders(Path folder) {
		try (Stream<Path> list = Files.list(folder)) {
			return list.filter(f -> Files.isDirectory(f) && !f.getFileName().toString().startsWith(".")).count();
		}
		catch (IOException | java.io.UncheckedIOException e) {
			return 0;
		}
	}

	/** True for a name ImageJ 1.x opens ({@link #EXTENSIONS}) or the {@link OtherFormats} reader opens. */
	public static boolean isImageName(Path p) {
		if (isImageJName(p)) return true;
		OtherFormats o = OtherFormats.current();
		return o != null && o.canOpen(p);
	}

	private static boolean isImageJName(Path p) {
		String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
		return EXTENSIONS.stream().anyMatch(name::endsWith);
	}

	/**
	 * Opens one image file, all its planes in memory, or says clearly why it cannot be read. The
	 * header is checked first ({@link TiffCheck} for TIFFs), ImageJ never prints, and whatever it
	 * reports while reading refuses the file.
	 */
	public static Input open(Path file, String option) {
		OtherFormats reader = OtherFormats.current();
		if (reader != null && !isImageJName(file) && reader.canOpen(file)) return OtherFormats.open(file, option, reader);
		ImageHeaders.check(file, option, true);
		return openChecked(file, option);
	}

	/** {@link #open} of a file whose header {@link ImageHeaders} has checked. */
	private static Input openChecked(Path file, String option) {
		RuntimeException[] thrown = { null };
		QuietImageJ.Outcome<ImagePlus> read = QuietImageJ.call(() -> {
			Opener opener = new Opener();
			opener.setSilentMode(true);
			try {
				return opener.openImage(file.toAbsolutePath().toString());
			}
			catch (RuntimeException e) {
				thrown[0] = e;
				return null;
			}
		});
		// ImageJ catches its own out-of-memory errors and logs "<Out of memory>"
		if (read.output().contains("Out of memory")) throw new ImageTooLarge(option + ": " + file + ": ImageJ ran out of " +
			"memory reading it (Java may use at most " + (Runtime.getRuntime().maxMemory() >> 20) + " MB); give Java more " +
			"memory (-Xmx) to read it");
		if (read.value() == null || !read.output().isBlank()) throw ImageHeaders.notAnImage(file, option, ImageHeaders.decodingFailure(
			read.output().isBlank() && thrown[0] != null ? thrown[0].toString() : read.firstLine()));
		return new Input(file, ImagePlusPlanes.checkDimensions(OmeLayout.apply(read.value(), file, option), option + ": " +
			file));
	}

	/**
	 * Opens one image file with its planes read from disk only when asked for: a TIFF of several
	 * planes becomes an ImageJ virtual stack, other files are read whole (a TIFF of one plane too:
	 * ImageJ's virtual stack would read that plane three times, for its own image, for the stack's
	 * image and when asked for). Says clearly why a file cannot be read, as {@link #open} does; a
	 * plane that cannot be read when asked for is an {@link IllegalArgumentException} naming the
	 * option, the file and the plane.
	 */
	public static Input openLazily(Path file, String option) {
		if (!isTiffName(file)) return open(file, option);
		return openTiffLazily(file, option, ImageHeaders.check(file, option, false));
	}

	private static boolean isTiffName(Path file) {
		String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
		return lower.endsWith(".tif") || lower.endsWith(".tiff");
	}

	/** The one directory of a TIFF whose report states one plane, if it is one. */
	private static Optional<TiffCheck.Directory> onePlane(Optional<TiffCheck.Report> report) {
		return report.filter(r -> r.planes() == 1 && r.directories().size() == 1).map(r -> r.directories().get(0));
	}

	/** {@link #openLazily} of a file named as a TIFF, whose header check gave {@code report}. */
	private static Input openTiffLazily(Path file, String option, Optional<TiffCheck.Report> report) {
		if (onePlane(report).isPresent()) return openChecked(file, option);
		Path absolute = file.toAbsolutePath();
		QuietImageJ.Outcome<ImagePlus> read = QuietImageJ.call(() -> {
			try {
				String dir = absolute.getParent() + java.io.File.separator, name = absolute.getFileName().toString();
				// decode the header first: FileInfoVirtualStack would hand an unreadable file to IJ.open
				FileInfo[] info = new TiffDecoder(dir, name).getTiffInfo();
				return info != null && info.length > 0 ? FileInfoVirtualStack.openVirtual(absolute.toString()) : null;
			}
			catch (IOException | RuntimeException e) {
				return null;
			}
		});
		ImagePlus imp = read.value();
		if (imp == null || imp.getStackSize() < 1 || !(imp.getStack() instanceof FileInfoVirtualStack stack) ||
			!read.output().isBlank()) return open(file, option);
		return new Input(file, ImagePlusPlanes.checkDimensions(OmeLayout.apply(CheckedStack.wrap(imp, stack, report
			.orElse(null), file, option), file, option), option + ": " + file));
	}

	/** An image file's planes (slices times frames) and pixels per plane. */
	public record Shape(int planes, long pixels) {}

	/**
	 * The {@link Shape} of an image file as {@link #openLazily} and {@link ImagePlusPlanes} see it,
	 * reading as little as it can: of a TIFF of one plane only its header; of a stack what
	 * {@link #openLazily} reads (its header, and its first plane, which ImageJ's virtual stack reads
	 * to open it); of a JPEG what its checks read (ImageJ opens it as one plane); other files whole. Refuses what {@link #openLazily} refuses, but for what only a
	 * one-plane TIFF's pixels show: that is found when the plane is read.
	 */
	public static Shape shape(Path file, String option) {
		Input in;
		if (isTiffName(file)) {
			Optional<TiffCheck.Report> report = ImageHeaders.check(file, option, false);
			Optional<TiffCheck.Directory> plane = onePlane(report);
			if (plane.isPresent()) return new Shape(1, plane.get().pixels());
			in = openTiffLazily(file, option, report);
		}
		else {
			OtherFormats reader = OtherFormats.current();
			boolean imageJ = reader == null || isImageJName(file) || !reader.canOpen(file);
			java.util.OptionalLong jpeg = imageJ ? ImageHeaders.jpegPixels(file, option) : java.util.OptionalLong.empty();
			if (jpeg.isPresent()) return new Shape(1, jpeg.getAsLong());
			in = open(file, option);
		}
		return new Shape(ImagePlusPlanes.count(in.image()), (long) in.image().getWidth() * in.image().getHeight());
	}
}
