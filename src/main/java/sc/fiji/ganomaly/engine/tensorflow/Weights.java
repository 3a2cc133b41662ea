package sc.fiji.ganomaly.engine.tensorflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;

import sc.fiji.ganomaly.engine.EngineMessages;
import sc.fiji.ganomaly.engine.InvalidModelException;

/**
 * A SavedModel's weights ({@code variables/variables.index} and its one data file), read and
 * checked before TensorFlow restores them: TensorFlow allocates what the index declares, so every
 * variable of the network that the manifest describes must be in the index as float32 of exactly
 * its shape, stored within the data file. The index is a LevelDB-style table of uncompressed
 * blocks (what TensorFlow writes); anything else is refused, nothing in it is trusted further.
 */
final class Weights {

	/** The prefix TensorFlow restores from, relative to the SavedModel's folder. */
	static final String PREFIX = "variables/variables";
	static final String DATA = PREFIX + ".data-00000-of-00001", INDEX = PREFIX + ".index";

	/** Larger than the index of any network the manifest checks allow (about 100 bytes a variable). */
	static final long MAX_INDEX_BYTES = 16 << 20;
	private static final int FOOTER = 48, BLOCK_TRAILER = 5, MAX_ENTRIES = 1 << 16;
	/** Longest tensor name read: GANomaly's are under 100 bytes; a block's keys share prefixes, so a long one repeats. */
	static final int MAX_NAME_BYTES = 1024;
	private static final long MAGIC = 0xdb4775248b80fb57L;

	private Weights() {}

	/**
	 * Checks that {@code savedModel}'s weights hold every variable of {@code expected} (name to shape)
	 * as TensorFlow would restore it.
	 *
	 * @throws InvalidModelException saying, in one line, what is missing or wrong
	 */
	static void check(Path savedModel, Map<String, Shape> expected) {
		Path index = savedModel.resolve(INDEX), data = savedModel.resolve(DATA);
		Map<String, BundleEntryProto> entries;
		long dataBytes;
		try {
			if (!Files.isRegularFile(index) || !Files.isRegularFile(data)) throw refuse(
				"its weights (saved_model/variables/) are missing");
			if (Files.size(index) > MAX_INDEX_BYTES) throw refuse("its weights' index is " + Files.size(index) +
				" bytes, more than any GANomaly network's (" + MAX_INDEX_BYTES + ")");
			entries = entries(Files.readAllBytes(index));
			dataBytes = Files.size(data);
		}
		catch (IOException e) {
			throw new InvalidModelException("its weights cannot be read (" + e.getMessage() + ")", e);
		}
		for (Map.Entry<String, Shape> v : expected.entrySet()) {
			String name = v.getKey();
			BundleEntryProto e = entries.get(name);
			if (e == null) throw refuse("its weights lack the variable " + name + " of the network its manifest describes");
			long[] dims = v.getValue().asArray();
			boolean sameShape = e.getShape().getDimCount() == dims.length && !e.getShape().getUnknownRank();
			for (int i = 0; sameShape && i < dims.length; i++)
				sameShape = e.getShape().getDim(i).getSize() == dims[i];
			if (e.getDtype() != DataType.DT_FLOAT || !sameShape) throw refuse("its weights store the variable " + name +
				" as " + describe(e) + ", but the network its manifest describes has float32 " + v.getValue());
			long bytes = 4 * v.getValue().size();
			if (e.getShardId() != 0 || e.getSlicesCount() > 0 || e.getSize() != bytes || e.getOffset() < 0 ||
				e.getOffset() > dataBytes - bytes) throw refuse("its weights place the variable " + name +
					" outside their data file (" + dataBytes + " bytes)");
		}
	}

	/** The index's entries by tensor name (its header, under the empty name, checked and left out). */
	static Map<String, BundleEntryProto> entries(byte[] file) {
		if (file.length < FOOTER) throw damaged("shorter than its footer");
		Reader footer = new Reader(file, file.length - FOOTER, file.length);
		footer.varint(); // the meta index, which TensorFlow's bundles leave empty
		footer.varint();
		long at = footer.varint(), size = footer.varint();
		if (readLong(file, file.length - 8) != MAGIC) throw damaged("not a table (wrong magic number)");
		Map<String, BundleEntryProto> entries = new HashMap<>();
		boolean header = false;
		for (byte[][] block : block(file, at, size)) {
			Reader handle = new Reader(block[1], 0, block[1].length);
			for (byte[][] entry : block(file, handle.varint(), handle.varint())) {
				String name = new String(entry[0], java.nio.charset.StandardCharsets.UTF_8);
				try {
					if (name.isEmpty()) {
						BundleHeaderProto h = BundleHeaderProto.parseFrom(entry[1]);
						if (h.getNumShards() != 1 || h.getEndianness() != BundleHeaderProto.Endianness.LITTLE)
							throw refuse("its weights are split into " + h.getNumShards() + " files or not little-endian; " +
								"GANomaly writes one little-endian file");
						header = true;
					}
					else if (entries.put(name, BundleEntryProto.parseFrom(entry[1])) != null || entries.size() > MAX_ENTRIES)
						throw damaged("it names " + EngineMessages.printable(name, 80) + " twice or holds over " + MAX_ENTRIES +
							" tensors");
				}
				catch (InvalidProtocolBufferException e) {
					throw damaged("its entry " + EngineMessages.printable(name, 80) + " is not a tensor's description");
				}
			}
		}
		if (!header) throw damaged("it has no header");
		return entries;
	}

	/** The key-value pairs of the uncompressed block at {@code offset} of {@code size} bytes. */
	private static java.util.List<byte[][]> block(byte[] file, long offset, long size) {
		if (offset < 0 || size < 4 || offset > file.length - FOOTER - BLOCK_TRAILER - size) throw damaged(
			"a block lies outside the file");
		int start = (int) offset, end = (int) (offset + size);
		if (file[end] != 0) throw damaged("a block is compressed, which TensorFlow's weights never are");
		long restarts = readInt(file, end - 4);
		if (restarts < 1 || restarts > (size - 4) / 4) throw damaged("a block's restart count is wrong");
		int limit = (int) (end - 4 - 4 * restarts);
		Reader r = new Reader(file, start, limit);
		java.util.List<byte[][]> out = new java.util.ArrayList<>();
		byte[] key = new byte[0];
		while (r.at < limit) {
			long shared = r.varint(), own = r.varint(), valueLength = r.varint();
			if (shared > key.length || own > limit - r.at || valueLength > limit - r.at - own || out.size() > MAX_ENTRIES)
				throw damaged("a block's entry runs past its end");
			if (shared + own > MAX_NAME_BYTES) throw damaged("a tensor's name is longer than " + MAX_NAME_BYTES + " bytes");
			byte[] next = new byte[(int) (shared + own)];
			System.arraycopy(key, 0, next, 0, (int) shared);
			System.arraycopy(file, r.at, next, (int) shared, (int) own);
			r.at += (int) own;
			byte[] value = new byte[(int) valueLength];
			System.arraycopy(file, r.at, value, 0, value.length);
			r.at += value.length;
			key = next;
			out.add(new byte[][] { key, value });
		}
		return out;
	}

	/** Reads base-128 varints of at most 64 bits between two positions. */
	private static final class Reader {

		final byte[] bytes;
		final int end;
		int at;

		Reader(byte[] bytes, int at, int end) {
			this.bytes = bytes;
			this.at = at;
			this.end = end;
		}

		long varint() {
			long value = 0;
			for (int shift = 0; shift < 64; shift += 7) {
				if (at >= end) throw damaged("a number runs past its block");
				int b = bytes[at++] & 0xff;
				value |= (long) (b & 0x7f) << shift;
				if (b < 0x80) return value;
			}
			throw damaged("a number is longer than 64 bits");
		}
	}

	private static long readInt(byte[] b, int at) {
		return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
	}

	private static long readLong(byte[] b, int at) {
		return readInt(b, at) | readInt(b, at + 4) << 32;
	}

	private static String describe(BundleEntryProto e) {
		String type = e.getDtype() == DataType.DT_FLOAT ? "float32" : e.getDtype() == DataType.DT_DOUBLE ? "float64" : e
			.getDtype().name().replace("DT_", "").toLowerCase(java.util.Locale.ROOT);
		StringBuilder s = new StringBuilder(type).append(" [");
		for (int i = 0; i < Math.min(e.getShape().getDimCount(), 8); i++)
			s.append(i > 0 ? ", " : "").append(e.getShape().getDim(i).getSize());
		return s.append(e.getShape().getDimCount() > 8 ? ", …]" : "]").toString();
	}

	private static InvalidModelException damaged(String what) {
		return refuse("its weights' index (saved_model/" + INDEX + ") is damaged: " + what);
	}

	private static InvalidModelException refuse(String what) {
		return new InvalidModelException(what);
	}
}
