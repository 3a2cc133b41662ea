package sc.fiji.ganomaly.engine.tensorflow;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;

import sc.fiji.ganomaly.engine.InvalidModelException;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.ScoringNetwork;
import sc.fiji.ganomaly.engine.TrainableNetwork;

/**
 * A loaded network is the one its spec describes with the exported weights: it scores as the
 * trained network did, whatever the SavedModel's graph holds (graphs that copy a file, save or
 * restore from elsewhere are never run), and weights that are not that network's (another network's,
 * indexes rewritten to declare other shapes, types or places) are refused in one line before
 * TensorFlow allocates anything.
 */
public class WeightsTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static TensorFlowEngine engine;
	static NetworkSpec spec;
	static Path exported;
	static float[] patches, trainedScores;

	@BeforeClass
	public static void export() throws IOException {
		engine = new TensorFlowEngine();
		spec = TensorFlowEngineTest.small(16, 2, 3);
		exported = tmp.getRoot().toPath().resolve("trained");
		patches = TensorFlowEngineTest.stripes(spec, 8, new Random(1));
		trainedScores = new float[8];
		try (TrainableNetwork n = engine.create(spec)) {
			n.trainStep(patches, 8);
			n.exportSavedModel(exported);
			n.score(patches, 8, trainedScores, null);
		}
	}

	@Test
	public void aLoadedNetworkScoresAsTheTrainedOneDid() {
		assertArrayEquals(trainedScores, scores(exported), 0f);
	}

	@Test
	public void hostileGraphsAreNeverRun() throws IOException {
		Path secret = Files.writeString(tmp.getRoot().toPath().resolve("secret.txt"), "the user's data");
		Path stolen = tmp.getRoot().toPath().resolve("stolen.txt");
		byte[] graph = Files.readAllBytes(exported.resolve("saved_model.pb"));
		for (byte[] hostile : new byte[][] { HostileGraphs.copyingFileWhenScoring(graph, secret.toString(), stolen
			.toString()), HostileGraphs.savingWhenScoring(graph), HostileGraphs.restoringFrom(graph, "/etc/other/variables"),
			{ 8, 1, 18, 99, 1, 2, 3 } })
		{
			Path copy = copy("hostile");
			Files.write(copy.resolve("saved_model.pb"), hostile);
			assertArrayEquals(trainedScores, scores(copy), 0f);
			assertFalse(Files.exists(stolen));
		}
	}

	@Test
	public void anotherNetworksWeightsAreRefused() {
		NetworkSpec wider = new NetworkSpec(16, 2, 16, 16, 8, 0, 1, 50, 1, 2e-4f, 0.5f, 0.999f, 1, 3);
		assertRefused(exported, wider, "its weights store the variable gen_dec_initial_convt_w as float32 [4, 4, 16, 16], " +
			"but the network its manifest describes has float32 [4, 4, 32, 16]");
	}

	@Test
	public void indexesThatDeclareWhatTheDataDoesNotHoldAreRefused() throws IOException {
		String name = "gen_enc_initial_conv_w";
		long dataBytes = Files.size(exported.resolve(Weights.DATA));
		// the index written again unchanged passes the check and loads
		assertArrayEquals(trainedScores, scores(withIndex("same", e -> e)), 0f);
		assertRefused(withIndex("huge", e -> e.setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim
			.newBuilder().setSize(1L << 40)))), spec, "its weights store the variable " + name + " as float32 " +
				"[1099511627776], but the network its manifest describes has float32 [4, 4, 2, 8]");
		assertRefused(withIndex("double", e -> e.setDtype(DataType.DT_DOUBLE)), spec, "its weights store the variable " +
			name + " as float64 [4, 4, 2, 8]");
		assertRefused(withIndex("outside", e -> e.setOffset(dataBytes - 4)), spec, "its weights place the variable " +
			name + " outside their data file (" + dataBytes + " bytes)");
		assertRefused(withIndex("missing", e -> null), spec, "its weights lack the variable " + name);
		Path damaged = withIndex("truncated", e -> e);
		byte[] index = Files.readAllBytes(damaged.resolve(Weights.INDEX));
		Files.write(damaged.resolve(Weights.INDEX), Arrays.copyOf(index, index.length - 9));
		assertRefused(damaged, spec, "its weights' index (saved_model/variables/variables.index) is damaged: ");
		Files.write(damaged.resolve(Weights.INDEX), new byte[0]);
		assertRefused(damaged, spec, "its weights' index (saved_model/variables/variables.index) is damaged: shorter");
		// names are read only up to a bound: a block's keys share prefixes, so 65,536 growing names would be gigabytes
		TreeMap<String, byte[]> longName = new TreeMap<>();
		longName.put("", new byte[0]);
		longName.put("w".repeat(Weights.MAX_NAME_BYTES + 1), new byte[0]);
		Path named = copy("long-name");
		Files.write(named.resolve(Weights.INDEX), table(longName));
		assertRefused(named, spec, "its weights' index (saved_model/variables/variables.index) is damaged: a tensor's " +
			"name is longer than 1024 bytes");
		Files.delete(damaged.resolve(Weights.DATA));
		assertRefused(damaged, spec, "its weights (saved_model/variables/) are missing");
	}

	private static float[] scores(Path savedModel) {
		float[] scores = new float[8];
		try (ScoringNetwork n = engine.load(savedModel, spec)) {
			n.score(patches, 8, scores, null);
		}
		return scores;
	}

	private static void assertRefused(Path savedModel, NetworkSpec spec, String expected) {
		InvalidModelException e = assertThrows(InvalidModelException.class, () -> engine.load(savedModel, spec).close());
		assertTrue(e.getMessage(), e.getMessage().startsWith(expected));
		assertFalse(e.getMessage(), e.getMessage().contains("\n"));
	}

	/** A copy of the exported SavedModel. */
	private static Path copy(String name) throws IOException {
		Path dir = Files.createTempDirectory(tmp.getRoot().toPath(), name);
		try (Stream<Path> files = Files.walk(exported)) {
			for (Path p : (Iterable<Path>) files::iterator) {
				Path target = dir.resolve(exported.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(target);
				else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		return dir;
	}

	/**
	 * A copy whose index is written again with the entry of gen_enc_initial_conv_w changed
	 * ({@code change} returns null to leave it out).
	 */
	private static Path withIndex(String name, UnaryOperator<BundleEntryProto.Builder> change) throws IOException {
		Path dir = copy(name);
		Map<String, BundleEntryProto> entries = Weights.entries(Files.readAllBytes(dir.resolve(Weights.INDEX)));
		TreeMap<String, byte[]> table = new TreeMap<>();
		table.put("", BundleHeaderProto.newBuilder().setNumShards(1).setEndianness(BundleHeaderProto.Endianness.LITTLE)
			.setVersion(org.tensorflow.proto.VersionDef.newBuilder().setProducer(1)).build().toByteArray());
		for (Map.Entry<String, BundleEntryProto> e : entries.entrySet()) {
			BundleEntryProto.Builder b = e.getValue().toBuilder();
			if (e.getKey().equals("gen_enc_initial_conv_w")) b = change.apply(b);
			if (b != null) table.put(e.getKey(), b.build().toByteArray());
		}
		Files.write(dir.resolve(Weights.INDEX), table(table));
		return dir;
	}

	/** A LevelDB-style table as TensorFlow writes an index: one data block, an empty meta index, the index, the footer. */
	static byte[] table(TreeMap<String, byte[]> entries) throws IOException {
		ByteArrayOutputStream file = new ByteArrayOutputStream();
		long[] data = block(file, entries);
		long[] meta = block(file, new TreeMap<>());
		ByteArrayOutputStream handle = new ByteArrayOutputStream();
		varint(handle, data[0]);
		varint(handle, data[1]);
		TreeMap<String, byte[]> index = new TreeMap<>();
		index.put(entries.lastKey() + "\u0000", handle.toByteArray());
		long[] indexHandle = block(file, index);
		ByteArrayOutputStream footer = new ByteArrayOutputStream();
		for (long v : new long[] { meta[0], meta[1], indexHandle[0], indexHandle[1] })
			varint(footer, v);
		footer.write(new byte[40 - footer.size()]);
		long magic = 0xdb4775248b80fb57L;
		for (int i = 0; i < 8; i++)
			footer.write((int) (magic >>> (8 * i)));
		file.write(footer.toByteArray());
		return file.toByteArray();
	}

	/** Writes an uncompressed block (every entry a restart point) and its trailer; returns its offset and size. */
	private static long[] block(ByteArrayOutputStream file, TreeMap<String, byte[]> entries) throws IOException {
		ByteArrayOutputStream b = new ByteArrayOutputStream();
		java.util.List<Integer> restarts = new java.util.ArrayList<>();
		for (Map.Entry<String, byte[]> e : entries.entrySet()) {
			restarts.add(b.size());
			byte[] key = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
			varint(b, 0);
			varint(b, key.length);
			varint(b, e.getValue().length);
			b.write(key);
			b.write(e.getValue());
		}
		if (restarts.isEmpty()) restarts.add(0);
		for (int r : restarts)
			fixed32(b, r);
		fixed32(b, restarts.size());
		b.write(0); // no compression
		byte[] block = b.toByteArray();
		CRC32C crc = new CRC32C();
		crc.update(block);
		int c = (int) crc.getValue();
		long offset = file.size();
		file.write(block);
		fixed32(file, ((c >>> 15) | (c << 17)) + 0xa282ead8);
		return new long[] { offset, block.length - 1 };
	}

	private static void varint(ByteArrayOutputStream out, long v) {
		while ((v & ~0x7fL) != 0) {
			out.write((int) ((v & 0x7f) | 0x80));
			v >>>= 7;
		}
		out.write((int) v);
	}

	private static void fixed32(ByteArrayOutputStream out, int v) {
		for (int i = 0; i < 4; i++)
			out.write(v >>> (8 * i));
	}
}
