package sc.fiji.ganomaly.ij;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends lines to a file, each written through at once so that a killed run keeps it. */
final class Appender implements AutoCloseable {

	private final FileChannel channel;

	Appender(Path file) throws IOException {
		channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
	}

	/** Appends {@code text}, in UTF-8, at the end of the file. */
	void append(String text) throws IOException {
		ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
		while (bytes.hasRemaining())
			channel.write(bytes);
	}

	/** Forces what was appended to the storage device. */
	void force() throws IOException {
		channel.force(true);
	}

	@Override
	public void close() throws IOException {
		channel.close();
	}
}
