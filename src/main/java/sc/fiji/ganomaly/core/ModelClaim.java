package sc.fiji.ganomaly.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import sc.fiji.ganomaly.core.api.FolderLock;
import sc.fiji.ganomaly.core.api.Shutdown;
import sc.fiji.ganomaly.core.model.TemporaryFolders;

/**
 * A model file taken by one training, from before it starts until its model is written: a second
 * training of the same model file (another Fiji, the command line), whatever score either one trains,
 * is refused in one line. The lock is a file in the model's checkpoint folder ({@value #LOCK}); given
 * back, the claim removes that folder if nothing but unused locks is left in it, also when the JVM
 * exits before (Ctrl-C while the images load).
 */
public final class ModelClaim implements AutoCloseable {

	/** The claim's lock file in the checkpoint folder. */
	static final String LOCK = ".model.lock";

	private final Path target, folder;
	private final FolderLock lock;
	private final Runnable atExit = this::close;
	private boolean closed;

	private ModelClaim(Path target, Path folder, FolderLock lock) {
		this.target = target;
		this.folder = folder;
		this.lock = lock;
		Shutdown.afterWork(atExit);
	}

	/**
	 * Takes {@code target}, naming it as {@code parameter} in a refusal.
	 *
	 * @throws IllegalArgumentException if another training holds the model file
	 */
	public static ModelClaim take(Path target, String parameter) {
		Path folder = ModelFiles.checkpointFolder(target);
		try {
			return new ModelClaim(target, folder, FolderLock.take(folder, LOCK, parameter + ": another training is writing " +
				target + "; wait until it ends or train into another model file"));
		}
		catch (IOException e) {
			throw new IllegalArgumentException(parameter + ": cannot use " + folder + " (" + e.getMessage() + ")", e);
		}
	}

	/**
	 * Writes {@code trained} to the claimed model file and deletes the checkpoints it no longer needs:
	 * those of a network trained to its end. A stopped training's stay, to be resumed; a training
	 * without a network leaves an earlier network's alone.
	 */
	public void write(GanomalyModel trained) {
		trained.save(target);
		if (trained.hasNetwork() && !trained.trainingOutcome().canceled()) deleteCheckpoints();
	}

	/** Deletes the checkpoints of the model, which its written file no longer needs; the locks stay. */
	public void deleteCheckpoints() {
		for (Path f : list())
			if (!isLock(f)) TemporaryFolders.deleteTree(f);
	}

	/** Gives the model file back, and removes the checkpoint folder if it holds nothing but unused locks; once. */
	@Override
	public synchronized void close() {
		if (closed) return;
		closed = true;
		Shutdown.forget(atExit);
		try {
			List<Path> files = list();
			if (!files.stream().allMatch(ModelClaim::isLock)) return;
			// only a lock that is held may be deleted: a file another run holds or just opened stays
			for (Path f : files)
				if (!f.getFileName().toString().equals(LOCK) && !deleteUnused(f)) return;
			try {
				Files.deleteIfExists(lock.file()); // Linux, macOS: a run that opened it finds it gone and takes a new one
			}
			catch (IOException e) {
				lock.close(); // a system that deletes no open file: once closed (not seen on Windows with Java's sharing)
				Files.deleteIfExists(lock.file());
			}
			Files.deleteIfExists(folder);
		}
		catch (IOException | UncheckedIOException e) {
			// the folder stays, as a checkpoint folder does
		}
		finally {
			lock.close();
		}
	}

	/** Deletes lock file {@code f} if no run holds it; false if one does. */
	private boolean deleteUnused(Path f) throws IOException {
		FolderLock other;
		try {
			other = FolderLock.take(folder, f.getFileName().toString(), "");
		}
		catch (IllegalArgumentException held) {
			return false;
		}
		try {
			Files.deleteIfExists(other.file());
			other.close();
		}
		catch (IOException e) { // a system that deletes no open file deletes it once it is closed
			other.close();
			Files.deleteIfExists(f);
		}
		return true;
	}

	private List<Path> list() {
		try (Stream<Path> files = Files.list(folder)) {
			return files.toList();
		}
		catch (IOException e) {
			return List.of();
		}
	}

	private static boolean isLock(Path f) {
		return f.getFileName().toString().endsWith(".lock");
	}
}
