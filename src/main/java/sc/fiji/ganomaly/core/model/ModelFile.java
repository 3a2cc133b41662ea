package sc.fiji.ganomaly.core.model;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipOutputStream;
import sc.fiji.ganomaly.core.api.HiddenNames;
import sc.fiji.ganomaly.engine.EngineMessages;

/**
 * The model file: one zip holding {@code manifest.json} and {@code saved_model/} (a TensorFlow
 * SavedModel; absent from a model without a network, {@link Manifest#hasNetwork()}). Written to a temporary file beside the target and moved into place, so that a
 * crash leaves the old file or the new one, never a broken one.
 */
public final class ModelFile {

	/** The usual file name ending. */
	public static final String EXTENSION = ".ganomaly.zip";
	static final String MANIFEST = "manifest.json";
	/** The SavedModel folder in the archive and in an unpacked model. */
	public static final String SAVED_MODEL = "saved_model";

	private ModelFile() {}

	/**
	 * Where a training of {@code model} keeps its checkpoints: the folder {@code MODEL.checkpoint}
	 * beside it, removed once the model is written, kept after a crash or cancel for resuming.
	 */
	public static Path checkpointFolder(Path model) {
		Path file = followLinks(model);
		return file.resolveSibling(file.getFileName() + ".checkpoint");
	}

	/**
	 * {@code target}, or the file its symbolic links lead to, existing or not: a model written through
	 * a link (a "latest" link to the current model) replaces the file the link names and keeps the
	 * link, and trainings through the link and through the file share one lock. The folders on the
	 * way are resolved by the system (a link's {@code ..} from a folder reached through a link too).
	 *
	 * @throws IllegalArgumentException if the links go round in a loop
	 */
	public static Path followLinks(Path target) {
		Path p = target;
		try {
			for (int i = 0; i < 40; i++) {
				if (!Files.isSymbolicLink(p)) return p;
				Path next = p.toAbsolutePath().getParent().toRealPath().resolve(Files.readSymbolicLink(p));
				Path folder = next.getParent();
				p = folder != null && Files.isDirectory(folder) ? folder.toRealPath().resolve(next.getFileName())
					: next.normalize();
			}
		}
		catch (IOException | UnsupportedOperationException | SecurityException e) {
			return p; // written as named: the write's own checks say what is wrong there
		}
		throw new IllegalArgumentException("model: " + target + " is a symbolic link that leads round in a loop; " +
			"write the model to a file");
	}

	/** A temporary file's suffix after the model's (hidden) name: a random number, then .tmp. */
	private static final String TEMPORARY_TEMPLATE = ".0000000000000000.tmp";
	private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

	/** Temporary files of saves older than this are left over from a killed save. */
	static final Duration STALE_TEMPORARY = Duration.ofHours(1);

	/**
	 * Checks, before long work starts, that a model can be written to {@code target}: its folder
	 * exists and takes a new file (tried, not guessed from permissions), and it is not a folder nor a
	 * file other than a model ({@link #checkLocation}).
	 *
	 * @param parameter names the target in messages, e.g. "model" or "--model"
	 * @throws IllegalArgumentException saying what is wrong
	 */
	public static void checkTarget(Path target, String parameter) {
		Path parent = checkLocation(target, parameter);
		try {
			Files.delete(Files.createTempFile(parent, ".ganomaly-probe.", ".tmp"));
		}
		catch (IOException | SecurityException e) {
			throw new IllegalArgumentException(parameter + ": folder " + parent + " is not writable (" + e.getMessage() + ")");
		}
	}

	/**
	 * The folder of {@code target}, which must exist; {@code target} must be nothing yet, an empty file or
	 * a model file (which a new model replaces), never another file that a model would overwrite.
	 */
	private static Path checkLocation(Path target, String parameter) {
		Path parent = target.toAbsolutePath().getParent();
		if (Files.isDirectory(target)) throw new IllegalArgumentException(parameter + ": " + target +
			" is a folder, not a file");
		// a model replaces its file by a rename, which would replace a device such as /dev/null itself
		if (Files.exists(target) && !Files.isRegularFile(target)) throw new IllegalArgumentException(parameter + ": " +
			target + " is not a file but a pipe, device or socket; give the path of a model file (such as model" +
			EXTENSION + ")");
		if (parent == null || !Files.isDirectory(parent))
			throw new IllegalArgumentException(parameter + ": folder " + parent + " does not exist");
		if (Files.isRegularFile(target) && target.toFile().length() > 0 && !holdsManifest(target))
			throw new IllegalArgumentException(parameter + ": " + target + " exists and is not a GANomaly model file, so " +
				"writing the model would destroy it; give a new file name" + (target.getFileName().toString().endsWith(
					EXTENSION) ? "" : " (such as " + target.getFileName().toString().replaceFirst("\\.[^.]*$", "") +
						EXTENSION + ")") + ", or delete the file first");
		return parent;
	}

	/** True if {@code file} is a zip holding a model manifest (a model file, whole or not). */
	private static boolean holdsManifest(Path file) {
		try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
			return zip.getEntry(MANIFEST) != null;
		}
		catch (IOException | RuntimeException e) {
			return false;
		}
	}

	/**
	 * Writes manifest and SavedModel directory atomically to {@code named}, or to the file its symbolic
	 * links lead to ({@link #followLinks}).
	 *
	 * @param savedModel the SavedModel folder; not read for a manifest without a network
	 */
	public static void write(Path named, Manifest manifest, Path savedModel) {
		Path target = followLinks(named);
		// no probe file here: creating the temporary file below is the test of the folder
		Path parent = checkLocation(target, "model");
		deleteStaleTemporaries(target);
		Path temp;
		try {
			temp = Files.createFile(HiddenNames.sibling(target, String.format(".%016x.tmp", RANDOM.nextLong())));
		}
		catch (IOException e) {
			throw new IllegalArgumentException("model: cannot write into folder " + parent + " (" + e.getMessage() + ")");
		}
		try {
			try (OutputStream file = Files.newOutputStream(temp); ZipOutputStream zip = new ZipOutputStream(file)) {
				zip.putNextEntry(new ZipEntry(MANIFEST));
				zip.write(manifest.toJson().getBytes(StandardCharsets.UTF_8));
				zip.closeEntry();
				List<Path> files = List.of();
				if (manifest.hasNetwork()) try (Stream<Path> walk = Files.walk(savedModel)) {
					files = walk.filter(Files::isRegularFile).sorted().toList();
				}
				for (Path f : files) {
					String name = SAVED_MODEL + "/" + savedModel.relativize(f).toString().replace('\\', '/');
					zip.putNextEntry(new ZipEntry(name));
					Files.copy(f, zip);
					zip.closeEntry();
				}
			}
			try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
				channel.force(true);
			}
			sc.fiji.ganomaly.core.api.Renames.replace(temp, target);
		}
		catch (IOException e) {
			throw new UncheckedIOException("model: could not write " + target + ": " + e.getMessage(), e);
		}
		finally {
			try {
				Files.deleteIfExists(temp);
			}
			catch (IOException ignored) {
				// the move succeeded or the disk is gone; nothing more to do
			}
		}
	}

	/**
	 * Deletes the hidden {@code .NAME.*.tmp} files of {@code target} older than {@link #STALE_TEMPORARY}: what a
	 * save killed before its final move leaves behind. Younger ones may belong to a running save.
	 */
	static void deleteStaleTemporaries(Path target) {
		Path folder = target.toAbsolutePath().getParent();
		String probe = HiddenNames.sibling(target, TEMPORARY_TEMPLATE).getFileName().toString();
		String prefix = probe.substring(0, probe.length() - TEMPORARY_TEMPLATE.length()) + ".";
		FileTime limit = FileTime.from(Instant.now().minus(STALE_TEMPORARY));
		try (Stream<Path> list = Files.list(folder)) {
			for (Path f : (Iterable<Path>) list::iterator) {
				String n = f.getFileName().toString();
				if (n.startsWith(prefix) && n.endsWith(".tmp") && Files.isRegularFile(f) &&
					Files.getLastModifiedTime(f).compareTo(limit) < 0)
					Files.deleteIfExists(f);
			}
		}
		catch (IOException e) {
			// leftovers are harmless: never read, and tried again at the next save
		}
	}

	/**
	 * A model file unpacked into a temporary folder.
	 *
	 * @param file the model file, named in messages; null for a model being trained
	 */
	public record Unpacked(Manifest manifest, Path folder, Path file) {

		/** An unpacked model without a file (training). */
		public Unpacked(Manifest manifest, Path folder) {
			this(manifest, folder, null);
		}

		/** The SavedModel directory inside the folder. */
		public Path savedModel() {
			return folder.resolve(SAVED_MODEL);
		}
	}

	/**
	 * Refuses, in one line, what cannot be a model file: nothing, a folder, or a pipe, device or
	 * socket (reading one may block, or never end).
	 */
	public static void requireFile(Path file) {
		if (Files.isDirectory(file)) throw new IllegalArgumentException("model: " + file + " is a folder, not a model file " +
			"(a model is one file, such as model" + EXTENSION + ")");
		if (Files.exists(file) && !Files.isRegularFile(file)) throw new IllegalArgumentException("model: " + file +
			" is not a file but a pipe, device or socket; give a model file (such as model" + EXTENSION + ")");
		if (!Files.isRegularFile(file)) throw new IllegalArgumentException("model: file " + file + " does not exist");
	}

	/**
	 * Reads and checks a model file ({@link ModelArchive}: central directory, expected entries only,
	 * sizes limited while unpacking; {@link ManifestCheck}: every manifest value), unpacking it into a
	 * new temporary folder that the caller deletes with {@link TemporaryFolders#delete}.
	 *
	 * @throws IllegalArgumentException naming the file and what is wrong with it, in one line
	 */
	public static Unpacked read(Path file, int threads) {
		requireFile(file);
		Path folder = TemporaryFolders.create("ganomaly-model");
		try {
			Manifest manifest = ModelArchive.unpack(file, folder, json -> Manifest.fromJson(json, threads));
			return new Unpacked(manifest, folder, file);
		}
		catch (IllegalArgumentException | IOException e) {
			TemporaryFolders.delete(folder);
			String why = e instanceof ZipException || e instanceof java.io.EOFException
				? "it is not a complete zip file (" + firstLine(e.getMessage()) + ")" : firstLine(e.getMessage());
			throw new IllegalArgumentException("model: " + file + " is not a valid GANomaly model file: " + why, e);
		}
		catch (RuntimeException e) {
			TemporaryFolders.delete(folder);
			throw new IllegalArgumentException("model: " + file + " is not a valid GANomaly model file: " +
				firstLine(e.toString()), e);
		}
	}

	/** A message for one line, whatever values of the file it quotes: {@link EngineMessages#printable}, 300 characters. */
	private static String firstLine(String message) {
		return message == null ? "unknown error" : EngineMessages.printable(message, 300);
	}
}
