package sc.fiji.ganomaly.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * A band's map part, {@code FIRST-LAST.map} among the {@link Parts}: the band's map planes, raw
 * big-endian float or 16-bit. It is not forced to disk (it is read back once its file's bands are all
 * scored, then deleted, often before the kernel writes it out); its CRC-32 goes into
 * {@code FIRST-LAST.map.crc}, forced, before the band's rows. A part without its checksum, or whose
 * bytes do not match it (after a crashed node: renamed, but its data never written), is not trusted:
 * its band is scored again, and no map is written from it.
 */
final class MapParts {

	/** Bytes per buffer: a quarter of G1's smallest region, so that no buffer is a humongous object. */
	static final int CHUNK = 1 << 18;

	private MapParts() {}

	/**
	 * Writes a band's map part through a temporary file and a rename, not forced to disk, then its
	 * CRC-32 into {@link #checksum} (forced): {@link #validMap} compares them.
	 */
	static void writeMap(Path target, Parts.IoWriter writer) {
		CRC32 crc = new CRC32();
		Parts.write(target, out -> writer.write(new CheckedOutputStream(out, crc)), false);
		Parts.writeLines(checksum(target), List.of(Long.toHexString(crc.getValue())));
	}

	/** Where the CRC-32 of map part {@code map} is kept. */
	static Path checksum(Path map) {
		return map.resolveSibling(map.getFileName() + ".crc");
	}

	/**
	 * Whether {@code file} is a complete map part of {@code planes} planes of {@code pixels} values of
	 * {@code bytes} each, with the checksum {@link #writeMap} recorded.
	 */
	static boolean validMap(Path file, int planes, long pixels, int bytes) {
		try {
			if (Files.size(file) != planes * pixels * bytes) return false;
			String recorded = Files.readString(checksum(file), StandardCharsets.UTF_8).strip();
			CRC32 crc = new CRC32();
			ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
			try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
				while (ch.read(buffer.clear()) > 0)
					crc.update(buffer.flip());
			}
			return recorded.equals(Long.toHexString(crc.getValue()));
		}
		catch (IOException e) { // absent (a part without its checksum file among them), unreadable, not UTF-8
			return false;
		}
	}

	/** Writes map pixels (float[] or short[]) big-endian. */
	static void writePixels(OutputStream out, Object pixels) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.BIG_ENDIAN);
		if (pixels instanceof float[] f) {
			for (int i = 0; i < f.length; i += CHUNK / 4) {
				int n = Math.min(CHUNK / 4, f.length - i);
				buffer.clear();
				buffer.asFloatBuffer().put(f, i, n);
				out.write(buffer.array(), 0, n * 4);
			}
		}
		else if (pixels instanceof short[] s) {
			for (int i = 0; i < s.length; i += CHUNK / 2) {
				int n = Math.min(CHUNK / 2, s.length - i);
				buffer.clear();
				buffer.asShortBuffer().put(s, i, n);
				out.write(buffer.array(), 0, n * 2);
			}
		}
		else throw new IllegalArgumentException("map pixels are float[] or short[], not " + pixels);
	}

	/** Reads plane {@code k} (0-based) of a band's map file: {@code pixels} values of 4 (float) or 2 bytes. */
	static Object readPlane(Path file, int k, int pixels, boolean floats) {
		int bytes = floats ? 4 : 2;
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			long offset = (long) k * pixels * bytes;
			if (ch.size() < offset + (long) pixels * bytes) throw new IOException("it is " + ch.size() +
				" bytes, too short for plane " + (k + 1));
			float[] f = floats ? new float[pixels] : null;
			short[] s = floats ? null : new short[pixels];
			ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.BIG_ENDIAN);
			int done = 0;
			while (done < pixels) {
				int n = Math.min(CHUNK / bytes, pixels - done);
				buffer.clear().limit(n * bytes);
				while (buffer.hasRemaining())
					if (ch.read(buffer, offset + (long) done * bytes + buffer.position()) < 0) throw new IOException("end of file");
				buffer.flip();
				if (floats) buffer.asFloatBuffer().get(f, done, n);
				else buffer.asShortBuffer().get(s, done, n);
				done += n;
			}
			return floats ? f : s;
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not read map part " + file + ": " + e.getMessage(), e);
		}
	}
}
