package sc.fiji.ganomaly.core.api;

import java.nio.file.Paths;

/** Another process's attempt at a lock: prints TAKEN or BUSY. Arguments: FOLDER NAME. */
public final class FolderLockProbe {

	private FolderLockProbe() {}

	public static void main(String[] args) throws Exception {
		try (FolderLock lock = FolderLock.take(Paths.get(args[0]), args[1], "busy")) {
			System.out.println("TAKEN");
		}
		catch (IllegalArgumentException e) {
			System.out.println("BUSY");
		}
	}
}
