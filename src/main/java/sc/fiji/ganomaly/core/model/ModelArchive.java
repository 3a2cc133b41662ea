package sc.fiji.ganomaly.core.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import sc.fiji.ganomaly.engine.EngineMessages;
import sc.fiji.ganomaly.engine.NetworkSpec;

/**
 * Reads a model file's zip by its central directory (what a zip reader trusts; data prepended to the
 * archive is never what loads) with limits enforced while unpacking: bytes are counted as they are
 * inflated, not taken from headers. Only the entries a model has are accepted: {@value #MANIFEST},
 * {@value #GRAPH}, {@value #INDEX} and {@code saved_model/variables/variables.data-NNNNN-of-NNNNN};
 * folder entries are ignored; any other entry, or a name twice, refuses the file. A model without a
 * network ({@link Manifest#hasNetwork()}) holds the manifest alone.
 */
final class ModelArchive {

	static final String MANIFEST = "manifest.json";
	static final String GRAPH = "saved_model/saved_model.pb";
	static final String INDEX = "saved_model/variables/variables.index";
	private static final Pattern DATA = Pattern.compile("saved_model/variables/variables\\.data-\\d{5}-of-\\d{5}");
	private static final Set<String> FOLDERS = Set.of("saved_model/", "saved_model/variables/");

	/** Most entries (a model has 4). */
	static final int MAX_ENTRIES = 64;
	/**
	 * Largest manifest: 4 channels with nz 100 take 1.32 MB, a density model of nz 1024 about 11 MB
	 * (packed doubles).
	 */
	static final long MAX_MANIFEST_BYTES = 16L << 20;
	/** Largest graph (0.45 MB at patch 128 with an extra layer; each further layer about 70 kB). */
	static final long MAX_GRAPH_BYTES = 64L << 20;
	/** Largest variable index (9 kB at patch 128 with an extra layer). */
	static final long MAX_INDEX_BYTES = 16L << 20;

	/**
	 * Most a weights file may grow when unpacked (beyond its first MiB): trained float32 weights barely
	 * compress (1.06 measured), so a file of zeros that would fill the disk is refused early.
	 */
	static final long MAX_WEIGHTS_RATIO = 64;

	private ModelArchive() {}

	/**
	 * The most bytes the variables of {@code spec} may take: twice an upper bound of what the
	 * network's weights and both Adam moments take (float32), plus 16 MiB. Patch 128, 4 channels and
	 * the default widths: 1.24 GB allowed for 594 MB measured.
	 */
	static long maxVariableBytes(NetworkSpec spec) {
		double parameters = 3 * encoder(spec, spec.ndf()) + encoder(spec, spec.ngf());
		return (long) Math.min(Long.MAX_VALUE / 4, 2 * 12 * parameters) + (16L << 20);
	}

	/**
	 * An upper bound of the parameters of a DCGAN encoder (or its mirror, the decoder) of width
	 * {@code width}: 4x4 convolutions halving the size down to 4 pixels and doubling the channels,
	 * extra 3x3 layers, a last 4x4 layer to nz, and 4 batch-norm values per channel of each layer.
	 */
	private static double encoder(NetworkSpec spec, int width) {
		double channels = width, p = 16.0 * spec.channels() * width + 4 * width;
		p += spec.extraLayers() * (9.0 * channels * channels + 4 * channels);
		for (int size = spec.patchSize() / 2; size > 4; size /= 2) {
			p += 16 * channels * 2 * channels + 8 * channels;
			channels *= 2;
		}
		return p + 16 * channels * spec.nz();
	}

	/** Parses the manifest text (so that its network sizes the variables' limit). */
	interface ManifestReader {
		Manifest read(String json);
	}

	/**
	 * Checks the entries, reads and parses the manifest, then unpacks the SavedModel (if the manifest
	 * has a network) into {@code folder}.
	 *
	 * @throws IllegalArgumentException saying what is wrong (the caller names the file)
	 * @throws IOException              if the zip cannot be read
	 */
	static Manifest unpack(Path file, Path folder, ManifestReader reader) throws IOException {
		ZipFile opened;
		try {
			opened = new ZipFile(file.toFile());
		}
		catch (ZipException e) {
			throw new IllegalArgumentException("it is empty or not a zip file (" + e.getMessage() + ")", e);
		}
		try (ZipFile zip = opened) {
			if (zip.size() == 0) throw new IllegalArgumentException("it is empty or not a zip file (no entries)");
			if (zip.size() > MAX_ENTRIES) throw new IllegalArgumentException("it has " + zip.size() + " entries; a model " +
				"has at most " + MAX_ENTRIES);
			List<ZipEntry> data = new ArrayList<>();
			ZipEntry manifest = null, graph = null, index = null;
			Set<String> names = new HashSet<>();
			for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements();) {
				ZipEntry e = all.nextElement();
				String name = e.getName();
				if (!names.add(name)) throw new IllegalArgumentException("it has the entry " + printable(name) + " twice");
				if (FOLDERS.contains(name)) continue;
				if (name.equals(MANIFEST)) manifest = e;
				else if (name.equals(GRAPH)) graph = e;
				else if (name.equals(INDEX)) index = e;
				else if (DATA.matcher(name).matches()) data.add(e);
				else throw new IllegalArgumentException("it has the entry " + printable(name) + ", which model files " +
					"never have (they hold manifest.json and saved_model/)");
			}
			if (manifest == null) throw new IllegalArgumentException("it has no manifest.json");
			// the packed sizes the central directory claims bound what an entry may unpack to: together they
			// cannot exceed the file (entries that claim to overlap, or more than the file holds, are refused)
			long claimed = 0, size = Files.size(file);
			for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements();)
				claimed += Math.max(0, all.nextElement().getCompressedSize());
			if (claimed > size) throw new IllegalArgumentException("its entries claim " + claimed + " packed bytes, more " +
				"than the file's " + size);
			Manifest m;
			try (InputStream in = zip.getInputStream(manifest)) {
				byte[] bytes = in.readNBytes((int) MAX_MANIFEST_BYTES + 1);
				if (bytes.length > MAX_MANIFEST_BYTES) throw new IllegalArgumentException("its manifest.json is larger than " +
					mib(MAX_MANIFEST_BYTES));
				CRC32 crc = new CRC32();
				crc.update(bytes);
				checkIntact(manifest, bytes.length, crc);
				m = reader.read(new String(bytes, StandardCharsets.UTF_8));
			}
			if (!m.hasNetwork()) {
				if (graph != null || index != null || !data.isEmpty()) throw new IllegalArgumentException("it has " +
					"saved_model/ entries, but its manifest says it has no network");
				return m;
			}
			if (graph == null) throw new IllegalArgumentException("it has no " + GRAPH);
			if (index == null || data.isEmpty())
				throw new IllegalArgumentException("its weights (saved_model/variables/) are missing");
			if (data.size() > 1) throw new IllegalArgumentException("its weights are split into " + data.size() +
				" files; GANomaly writes them as one");
			Files.createDirectories(folder.resolve("saved_model/variables"));
			copy(zip, graph, folder, MAX_GRAPH_BYTES, MAX_GRAPH_BYTES);
			copy(zip, index, folder, MAX_INDEX_BYTES, MAX_INDEX_BYTES);
			long total = maxVariableBytes(m.spec()), budget = total;
			for (ZipEntry e : data) {
				// the tighter of the packing ratio's limit and what is left of the network's budget
				long packed = e.getCompressedSize();
				long byRatio = packed < 0 ? Long.MAX_VALUE : Math.max(1L << 20, MAX_WEIGHTS_RATIO * packed);
				budget -= byRatio < budget ? copy(zip, e, folder, byRatio, -1) : copy(zip, e, folder, budget, total);
			}
			return m;
		}
	}

	/**
	 * Copies an entry to the same path below {@code folder}, refusing it past {@code limit} bytes (of
	 * {@code total} for all entries of its kind; -1: {@link #MAX_WEIGHTS_RATIO} times its packed size) or
	 * if its bytes are not those the archive recorded (CRC-32 and size: {@link ZipFile}, unlike
	 * {@link java.util.zip.ZipInputStream}, does not check them).
	 */
	private static long copy(ZipFile zip, ZipEntry e, Path folder, long limit, long total) throws IOException {
		long n = 0;
		CRC32 crc = new CRC32();
		try (InputStream in = new CheckedInputStream(zip.getInputStream(e), crc);
				OutputStream out = Files.newOutputStream(folder.resolve(e.getName()), StandardOpenOption.CREATE_NEW)) {
			byte[] buffer = new byte[1 << 16];
			for (int r; (r = in.read(buffer)) > 0;) {
				n += r;
				if (n > limit) throw new IllegalArgumentException(e.getName() + (total < 0 ? " unpacks to more than " +
					MAX_WEIGHTS_RATIO + " times its packed size, which trained weights never do" : " unpacks to more than " +
						mib(total) + (e.getName().startsWith("saved_model/variables/variables.data") ? " in all, more than " +
							"its network's weights can take" : "")));
				out.write(buffer, 0, r);
			}
		}
		checkIntact(e, n, crc);
		return n;
	}

	private static void checkIntact(ZipEntry e, long size, CRC32 crc) {
		if (e.getCrc() != -1 && e.getCrc() != crc.getValue() || e.getSize() != -1 && e.getSize() != size)
			throw new IllegalArgumentException("its entry " + printable(e.getName()) + " is damaged (its bytes do not " +
				"match the archive's checksum)");
	}

	private static String mib(long bytes) {
		return bytes >= 10L << 20 ? (bytes >> 20) + " MiB" : String.format("%.1f MiB", bytes / 1048576.0);
	}

	/** A name from the file, shortened and stripped of control characters, for a one-line message. */
	static String printable(String s) {
		return EngineMessages.printable(s, 80);
	}
}
