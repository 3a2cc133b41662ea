package sc.fiji.ganomaly.core.api;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Names of the hidden files that stand beside an output while it is written (temporary and
 * partial files): {@code .NAME SUFFIX}, shortened where needed so that any output name the file
 * system takes has hidden siblings it takes too.
 */
public final class HiddenNames {

	/** The longest file name, in UTF-8 bytes, that common file systems take. */
	public static final int MAX_NAME_BYTES = 255;

	private HiddenNames() {}

	/**
	 * The hidden file {@code .NAME SUFFIX} beside {@code target}. Where that name would exceed
	 * {@value #MAX_NAME_BYTES} bytes, the middle of NAME gives way to a hash of the whole name
	 * (its start and its last 32 characters stay, so the name still says whose file it is).
	 */
	public static Path sibling(Path target, String suffix) {
		String name = target.getFileName().toString(), hidden = "." + name + suffix;
		if (utf8Length(hidden) > MAX_NAME_BYTES) {
			String hash = String.format("~%08x~", name.hashCode());
			int budget = MAX_NAME_BYTES - utf8Length("." + suffix + hash);
			String tail = name.substring(name.length() - Math.min(name.length(), 32));
			String head = name;
			while (utf8Length(head) + utf8Length(tail) > budget)
				head = head.substring(0, head.offsetByCodePoints(head.length(), -1));
			hidden = "." + head + hash + tail + suffix;
		}
		return target.toAbsolutePath().resolveSibling(hidden);
	}

	private static int utf8Length(String s) {
		return s.getBytes(StandardCharsets.UTF_8).length;
	}
}
