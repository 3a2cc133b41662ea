package sc.fiji.ganomaly.core.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import sc.fiji.ganomaly.core.api.AtomicFiles;
import sc.fiji.ganomaly.core.api.FolderLock;
import sc.fiji.ganomaly.engine.EngineException;
import sc.fiji.ganomaly.engine.TrainableNetwork;
import sc.fiji.ganomaly.core.json.Json;

/**
 * A folder that holds the state of a training after each epoch, so that a crashed or stopped
 * training can resume: the network with its optimiser state ({@code epoch-N.*}), the best epoch's
 * network ({@code best-E.*}, a new file for each new best, so that a crash while it is written leaves
 * the best that state.json names intact) and {@code state.json}, written last and atomically, which
 * names them.
 */
final class TrainingCheckpoint {

	static final String STATE = "state.json";
	/** The file a training holds an operating-system lock on while it uses the folder. */
	static final String LOCK = ".lock";

	/** What state.json says. */
	record State(int epoch, double bestLoss, int bestEpoch, int resets, List<Double> validationLosses,
			String fingerprint)
	{}

	private final Path folder;

	TrainingCheckpoint(Path folder) {
		this.folder = folder;
	}

	/**
	 * Takes the folder for one training until the lock is closed ({@link FolderLock}): a second
	 * training of the same model file is refused instead of deleting this one's files.
	 *
	 * @throws IllegalArgumentException if another training holds it
	 */
	FolderLock lock() {
		try {
			return FolderLock.take(folder, LOCK, "another training is using " + folder + " (the checkpoint of the same " +
				"model file); wait until it ends or train into another model file");
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot use the training checkpoint in " + folder + ": " + e.getMessage(), e);
		}
	}

	/** The network of best epoch {@code epoch} (checkpoints of earlier versions kept one, {@code best.*}). */
	Path best(int epoch) {
		Path best = folder.resolve("best-" + epoch);
		return !Files.exists(index(best)) && Files.exists(folder.resolve("best.index")) ? folder.resolve("best") : best;
	}

	private static Path index(Path prefix) {
		return prefix.resolveSibling(prefix.getFileName() + ".index");
	}

	/** Deletes the networks of best epochs other than {@code epoch}'s ({@link #best(int)}). */
	void keepOnlyBest(int epoch) {
		try {
			delete(bestsOtherThan(epoch));
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot clear the checkpoints in " + folder + ": " + e.getMessage(), e);
		}
	}

	/** Names of the best epochs' networks but {@code epoch}'s. */
	private java.util.function.Predicate<String> bestsOtherThan(int epoch) {
		String kept = best(epoch).getFileName() + ".";
		return name -> isBest(name) && !name.startsWith(kept);
	}

	/** A file of a best epoch's network: {@code best-E.*}, or {@code best.*} of earlier versions. */
	private static boolean isBest(String name) {
		return name.startsWith("best.") || name.startsWith("best-");
	}

	/** Deletes the files of the folder (if it exists) whose names {@code names} takes. */
	private void delete(java.util.function.Predicate<String> names) throws IOException {
		if (!Files.isDirectory(folder)) return;
		try (Stream<Path> files = Files.list(folder)) {
			for (Path f : files.toList())
				if (names.test(f.getFileName().toString())) Files.deleteIfExists(f);
		}
	}

	/**
	 * Forgets an earlier training's state for a training that starts afresh: state.json first, so that
	 * a folder left half cleared is never resumed, then the epochs' and the best epoch's networks and
	 * any state a crash left half written.
	 * Other files are left alone. Returns the epoch the forgotten state was after (0: there was none,
	 * or none had ended; 1 for a state that cannot be read).
	 */
	int startAfresh() {
		if (!Files.isDirectory(folder)) return 0;
		int earlier = 0;
		if (Files.exists(folder.resolve(STATE))) {
			try {
				earlier = readState().epoch(); // 0: the state a training starts with, no epoch to lose
			}
			catch (IllegalArgumentException e) {
				earlier = 1; // a state that cannot be read is replaced all the same
			}
		}
		try {
			Files.deleteIfExists(folder.resolve(STATE));
			// and the temporary files of states whose writing a crash cut short (AtomicFiles' ".state.json.….tmp")
			delete(name -> name.startsWith("epoch-") || isBest(name) || name.startsWith("." + STATE + ".") && name
				.endsWith(".tmp"));
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot clear the checkpoints in " + folder + ": " + e.getMessage(), e);
		}
		return earlier;
	}

	boolean hasBest(int epoch) {
		return epoch > 0 && Files.exists(index(best(epoch)));
	}

	/** Saves the network after {@code state.epoch()}, then the state, then drops older epochs and bests. */
	void save(TrainableNetwork network, State state) {
		try {
			Files.createDirectories(folder);
			network.saveCheckpoint(folder.resolve("epoch-" + state.epoch()));
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("epoch", state.epoch());
			json.put("best_loss", state.bestLoss());
			json.put("best_epoch", state.bestEpoch());
			json.put("discriminator_resets", state.resets());
			json.put("validation_losses", state.validationLosses());
			json.put("fingerprint", state.fingerprint());
			AtomicFiles.write(folder.resolve(STATE), temp -> Files.writeString(temp, Json.write(json), StandardCharsets.UTF_8));
			String epoch = "epoch-" + state.epoch() + ".";
			delete(name -> name.startsWith("epoch-") && !name.startsWith(epoch));
			delete(bestsOtherThan(state.bestEpoch()));
		}
		catch (IOException e) {
			throw cannotWrite(e);
		}
		catch (UncheckedIOException e) {
			throw cannotWrite(e.getCause());
		}
	}

	private UncheckedIOException cannotWrite(IOException e) {
		return new UncheckedIOException("cannot write the training checkpoint in " + folder + ": " + e.getMessage(), e);
	}

	/**
	 * Reads the state and restores the network of its epoch.
	 *
	 * @throws IllegalArgumentException if there is no checkpoint, it was made with other settings or it cannot be read
	 */
	State resume(TrainableNetwork network, String fingerprint) {
		if (!Files.isRegularFile(folder.resolve(STATE))) throw new IllegalArgumentException("resume: no training " +
			"checkpoint in " + folder);
		State state = readState();
		if (!fingerprint.equals(state.fingerprint())) throw new IllegalArgumentException("resume: the checkpoint in " +
			folder + " was made with other settings or data (" + Fingerprint.differences(state.fingerprint(), fingerprint) +
			"); resume with the settings and images it was made with, or train without resuming, which replaces it");
		return restore(network, state);
	}

	/** Restores the network of {@code state}'s epoch and returns the state. */
	private State restore(TrainableNetwork network, State state) {
		try {
			network.restoreCheckpoint(folder.resolve("epoch-" + state.epoch()));
		}
		catch (EngineException e) {
			throw new IllegalArgumentException("resume: the training checkpoint in " + folder + " could not be read (" + e
				.getMessage() + "); if it is damaged, train again without resuming, which replaces it", e);
		}
		return state;
	}

	/**
	 * For a training that was not asked to resume: the state of a stopped training of the same
	 * settings and images (its fingerprint) after epoch 1 to {@code epochs}, its network restored, to
	 * go on from (what resuming gives, sooner); null if there is none or it cannot be read.
	 */
	State goOn(TrainableNetwork network, String fingerprint, int epochs) {
		if (!Files.isRegularFile(folder.resolve(STATE))) return null;
		State state;
		try {
			state = readState();
		}
		catch (IllegalArgumentException e) {
			return null; // replaced by this training's, as any checkpoint it cannot go on from
		}
		if (!fingerprint.equals(state.fingerprint()) || state.epoch() < 1 || state.epoch() > epochs || !Files.exists(
			index(folder.resolve("epoch-" + state.epoch())))) return null;
		return restore(network, state); // its network's files there but damaged: refused as a resume is
	}

	/** What state.json says; throws {@link IllegalArgumentException} ("resume: … is damaged") if it cannot be read. */
	private State readState() {
		Path file = folder.resolve(STATE);
		try {
			@SuppressWarnings("unchecked")
			Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(file, StandardCharsets.UTF_8));
			List<Double> losses = new ArrayList<>();
			for (Object o : (List<?>) json.get("validation_losses"))
				losses.add(o == null ? Double.POSITIVE_INFINITY : ((Number) o).doubleValue());
			Object best = json.get("best_loss");
			return new State(((Number) json.get("epoch")).intValue(),
				best == null ? Double.POSITIVE_INFINITY : ((Number) best).doubleValue(),
				((Number) json.get("best_epoch")).intValue(), ((Number) json.get("discriminator_resets")).intValue(), losses,
				(String) json.get("fingerprint"));
		}
		catch (IOException | RuntimeException e) {
			throw new IllegalArgumentException("resume: the training checkpoint " + file + " is damaged (" + e + ")");
		}
	}
}
