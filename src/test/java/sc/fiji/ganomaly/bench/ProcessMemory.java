package sc.fiji.ganomaly.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process, from /proc/self/status (Linux; -1 elsewhere). */
final class ProcessMemory {

	private ProcessMemory() {}

	/** Current resident set size in MiB. */
	static long residentMib() {
		return field("VmRSS:");
	}

	/** Highest resident set size so far in MiB. */
	static long peakResidentMib() {
		return field("VmHWM:");
	}

	private static long field(String name) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status")))
				if (line.startsWith(name)) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
		}
		catch (IOException | NumberFormatException e) {
			// not Linux
		}
		return -1;
	}
}
