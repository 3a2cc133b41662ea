package sc.fiji.ganomaly.core;

import java.nio.file.Path;

import sc.fiji.ganomaly.core.model.ModelFile;
import sc.fiji.ganomaly.core.model.TemporaryFolders;

/**
 * Model files as front ends meet them: their name, where they may be written, their checkpoints;
 * and the temporary folders of this JVM, which hold unpacked models and other passing files.
 */
public final class ModelFiles {

	/** The usual file name ending. */
	public static final String EXTENSION = ModelFile.EXTENSION;

	private ModelFiles() {}

	/**
	 * Checks, before long work starts, that a model can be written to {@code target}: its folder
	 * exists and takes a new file, and it is not a folder nor a file other than a model (which the
	 * model would destroy).
	 *
	 * @param parameter names the target in messages, e.g. "model" or "--model"
	 * @throws IllegalArgumentException saying what is wrong
	 */
	public static void checkTarget(Path target, String parameter) {
		ModelFile.checkTarget(target, parameter);
	}

	/**
	 * {@link #checkTarget(Path, String)}, and {@code target} is none of the {@code inputs} (the
	 * training images), which writing the model would overwrite.
	 */
	public static void checkTarget(Path target, String parameter, java.util.List<Path> inputs) {
		Path model = target.toAbsolutePath().normalize();
		for (Path input : inputs) {
			boolean same = model.equals(input.toAbsolutePath().normalize());
			try {
				same |= java.nio.file.Files.exists(model) && java.nio.file.Files.isSameFile(model, input);
			}
			catch (java.io.IOException | SecurityException e) {
				// an input that cannot be compared is not the model file
			}
			if (same) throw new IllegalArgumentException(parameter + ": " + target + " is one of the training images and " +
				"would be overwritten by the model; choose another file, such as " + model.getFileName().toString()
					.replaceFirst("\\.[^.]*$", "") + EXTENSION);
		}
		checkTarget(target, parameter);
	}

	/**
	 * The SHA-256 of a model file's bytes, in hexadecimal: what identifies a model wherever its copy
	 * lies (a run resumed with a copy staged to a node's scratch disk is the same run).
	 */
	public static String sha256(Path file) throws java.io.IOException {
		java.security.MessageDigest digest;
		try {
			digest = java.security.MessageDigest.getInstance("SHA-256");
		}
		catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException("this Java has no SHA-256", e);
		}
		try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
			byte[] buffer = new byte[1 << 16];
			for (int n; (n = in.read(buffer)) > 0;)
				digest.update(buffer, 0, n);
		}
		return java.util.HexFormat.of().formatHex(digest.digest());
	}

	/** A new folder for this JVM's passing files ({@code PREFIX.pidPID.RANDOM}), deleted when the JVM ends at the latest. */
	public static Path temporaryFolder(String prefix) {
		return TemporaryFolders.create(prefix);
	}

	/** Deletes a folder of {@link #temporaryFolder} and all it holds, quietly (null: nothing). */
	public static void deleteTemporaryFolder(Path folder) {
		TemporaryFolders.delete(folder);
	}

	/**
	 * Where a training of {@code model} keeps its checkpoints: the folder {@code MODEL.checkpoint}
	 * beside it, to be removed once the model is written, kept after a crash or cancel for resuming.
	 */
	public static Path checkpointFolder(Path model) {
		return ModelFile.checkpointFolder(model);
	}

	/**
	 * What a model file says about scoring, read and checked without loading the network (no engine
	 * needed).
	 *
	 * @throws IllegalArgumentException naming the file and what is wrong with it
	 */
	public static ModelInfo describe(Path file) {
		ModelFile.Unpacked unpacked = ModelFile.read(file, 0);
		try {
			return new ModelInfo(unpacked.manifest());
		}
		finally {
			TemporaryFolders.delete(unpacked.folder());
		}
	}
}
