package sc.fiji.ganomaly.core.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import sc.fiji.ganomaly.core.api.Shutdown;

/**
 * The temporary folders of this JVM (unpacked models, training work): each is deleted by its
 * owner when done, and whatever is left is deleted when the JVM exits (after the work that
 * {@link Shutdown} lets finish), so that neither Fiji nor the command line leaves model copies
 * behind. A JVM killed outright (SIGKILL, power loss) runs no exit hook: each folder's name says
 * which process made it ({@code ganomaly-model.pid1234.RANDOM}), and the first {@link #create} of a
 * JVM deletes the folders of that form whose process is gone.
 */
public final class TemporaryFolders {

	private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
	/**
	 * Names of folders made here: {@code ganomaly-WORD.pidPID.RANDOM}, on Linux
	 * {@code ganomaly-WORD.pidPID.nsNS.RANDOM}, NS the process's PID namespace (a container's own).
	 */
	static final Pattern NAME = Pattern.compile("(ganomaly-[a-z]+)\\.pid(\\d{1,19})(?:\\.ns(\\d{1,19}))?\\.[^/\\\\]+");
	/** This process's PID namespace as {@code /proc/self/ns/pid} names it ("pid:[4026531836]"), or null off Linux. */
	private static final String NAMESPACE = pidNamespace(Path.of("/proc/self/ns/pid"));
	private static final AtomicBoolean SWEPT = new AtomicBoolean();

	static {
		Shutdown.afterWork(TemporaryFolders::deleteAll);
	}

	private TemporaryFolders() {}

	/**
	 * A new folder {@code PREFIX.pidPID.RANDOM} in the system's temporary folder, deleted at JVM exit at
	 * the latest; the first call of a JVM first deletes what killed processes left there.
	 *
	 * @param prefix "ganomaly-" and lower-case letters, e.g. "ganomaly-model"
	 */
	public static Path create(String prefix) {
		if (!NAME.matcher(prefix + ".pid0.x").matches()) throw new IllegalArgumentException("temporary folder prefix " +
			prefix + " is not ganomaly-WORD");
		try {
			Path root = Path.of(System.getProperty("java.io.tmpdir"));
			if (!SWEPT.getAndSet(true)) deleteOrphans(root);
			Path folder = Files.createTempDirectory(root, prefix + ".pid" + ProcessHandle.current().pid() + "." +
				(NAMESPACE == null ? "" : "ns" + NAMESPACE + "."));
			LIVE.add(folder);
			return folder;
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot create a temporary folder: " + e.getMessage(), e);
		}
	}

	/** The number in the target of {@code link} ("pid:[4026531836]"), or null if it cannot be read. */
	static String pidNamespace(Path link) {
		try {
			Matcher m = Pattern.compile("pid:\\[(\\d{1,19})\\]").matcher(Files.readSymbolicLink(link).toString());
			return m.matches() ? m.group(1) : null;
		}
		catch (IOException | RuntimeException e) {
			return null;
		}
	}

	/**
	 * Deletes the folders in {@code root} named as {@link #create} names them, owned by this user,
	 * made in this PID namespace (a process of another container, sharing the temporary folder, may
	 * have the number of a process that does not run here) or before namespaces were named, whose
	 * process no longer runs; nothing else. Returns how many it deleted.
	 */
	static int deleteOrphans(Path root) {
		return deleteOrphans(root, NAMESPACE);
	}

	/** {@link #deleteOrphans(Path)} as seen from PID namespace {@code namespace} (null: none known). */
	static int deleteOrphans(Path root, String namespace) {
		int deleted = 0;
		try (Stream<Path> list = Files.list(root)) {
			for (Path p : (Iterable<Path>) list::iterator) {
				Matcher m = NAME.matcher(p.getFileName().toString());
				if (!m.matches() || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
				if (m.group(3) != null && !m.group(3).equals(namespace)) continue; // another container's process
				long pid;
				try {
					pid = Long.parseLong(m.group(2));
				}
				catch (NumberFormatException e) {
					continue;
				}
				if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) || !ownedByMe(p)) continue;
				deleteTree(p);
				deleted++;
			}
		}
		catch (IOException | UncheckedIOException | SecurityException e) {
			// best effort: leftovers are tried again by the next JVM
		}
		return deleted;
	}

	private static boolean ownedByMe(Path p) {
		try {
			return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
		}
		catch (IOException | UnsupportedOperationException e) {
			return false;
		}
	}

	/** Deletes a folder made by {@link #create} (or any folder tree), quietly. */
	public static void delete(Path folder) {
		if (folder == null) return;
		deleteTree(folder);
		LIVE.remove(folder);
	}

	/** The folders made here that still exist. */
	public static List<Path> live() {
		return LIVE.stream().filter(Files::exists).sorted().toList();
	}

	private static void deleteAll() {
		for (Path p : List.copyOf(LIVE))
			delete(p);
	}

	/** Deletes a folder tree, quietly. */
	public static void deleteTree(Path folder) {
		if (folder == null || !Files.exists(folder)) return;
		try (Stream<Path> walk = Files.walk(folder)) {
			walk.sorted(Comparator.reverseOrder()).forEach(p -> {
				try {
					Files.deleteIfExists(p);
				}
				catch (IOException ignored) {
					// best effort: a temporary folder
				}
			});
		}
		catch (IOException | UncheckedIOException ignored) {
			// best effort: a temporary folder, maybe deleted by another thread at the same time
		}
	}
}
