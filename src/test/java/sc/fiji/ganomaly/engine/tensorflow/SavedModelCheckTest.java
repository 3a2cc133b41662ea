package sc.fiji.ganomaly.engine.tensorflow;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.types.TFloat32;

import sc.fiji.ganomaly.engine.InvalidModelException;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.TrainableNetwork;

/**
 * A freshly trained network passes the graph check and loads; graphs changed as a hostile model
 * file would change them are refused before TensorFlow sees them, and the file-copying one really
 * copies a file when TensorFlow runs it unchecked (so the refusal is what protects the user).
 */
public class SavedModelCheckTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static TensorFlowEngine engine;
	static NetworkSpec spec;
	static Path exported;
	static byte[] graph;

	@BeforeClass
	public static void export() throws IOException {
		engine = new TensorFlowEngine();
		spec = TensorFlowEngineTest.small(16, 2, 3);
		exported = tmp.getRoot().toPath().resolve("trained");
		try (TrainableNetwork n = engine.create(spec)) {
			n.trainStep(TensorFlowEngineTest.stripes(spec, 8, new Random(1)), 8);
			n.exportSavedModel(exported);
		}
		graph = Files.readAllBytes(exported.resolve("saved_model.pb"));
	}

	@Test
	public void aFreshlyTrainedNetworkPassesAndLoads() {
		SavedModelCheck.check(exported);
		try (var network = engine.load(exported, spec)) {
			float[] scores = new float[2];
			network.score(new float[2 * spec.patchLength()], 2, scores, null);
			assertTrue(Float.isFinite(scores[0]));
		}
	}

	@Test
	public void aGraphThatCopiesAFileWhenScoringIsRefusedAndWritesNothing() throws IOException {
		Path secret = Files.writeString(tmp.getRoot().toPath().resolve("secret.txt"), "the user's data");
		Path stolen = tmp.getRoot().toPath().resolve("stolen.txt");
		Path hostile = withGraph("hostile", HostileGraphs.copyingFileWhenScoring(graph, secret.toString(),
			stolen.toString()));
		InvalidModelException e = assertThrows(InvalidModelException.class, () -> engine.load(hostile, spec));
		assertEquals("its network uses the operation WriteFile, which GANomaly networks never use", e.getMessage());
		assertFalse(Files.exists(stolen));
		// unchecked, TensorFlow runs it: the refusal above is what keeps the file where it is
		try (SavedModelBundle b = SavedModelBundle.load(hostile.toString(), "serve");
				TFloat32 x = TFloat32.tensorOf(Shape.of(1, 16, 16, 2));
				Result r = b.session().runner().feed("x", x).fetch("score").run()) {
			assertEquals("the user's data", Files.readString(stolen));
		}
	}

	@Test
	public void savingWhenScoringIsRefused() throws IOException {
		Path p = withGraph("saving", HostileGraphs.savingWhenScoring(graph));
		assertRefused(p, "its network writes files when it is loaded or scores (operation SaveV2)");
	}

	@Test
	public void restoringFromElsewhereIsRefused() throws IOException {
		Path p = withGraph("elsewhere", HostileGraphs.restoringFrom(graph, "/etc/other/variables"));
		assertRefused(p, "its network restores weights from elsewhere than the model's own variables");
	}

	@Test
	public void aFunctionLibraryIsRefused() throws IOException {
		Path p = withGraph("functions", HostileGraphs.change(graph, g -> g.toBuilder().setLibrary(g.getLibrary()
			.toBuilder().addFunction(FunctionDef.newBuilder().setSignature(OpDef.newBuilder().setName("f")))).build()));
		assertRefused(p, "its network defines functions");
	}

	@Test
	public void anInitOperationThatDoesSomethingIsRefused() throws IOException {
		// the graph's "Init" runs every variable's initialiser: as a main op it would overwrite the weights
		UnaryOperator<MetaGraphDef> init = m -> m.toBuilder().putCollectionDef("saved_model_main_op", CollectionDef
			.newBuilder().setNodeList(CollectionDef.NodeList.newBuilder().addValue("Init")).build()).build();
		assertRefused(withGraph("init", HostileGraphs.changeMeta(graph, init)), "its network runs Init when loaded");
		UnaryOperator<MetaGraphDef> other = m -> m.toBuilder().putCollectionDef("trainable_variables", CollectionDef
			.newBuilder().build()).build();
		assertRefused(withGraph("collection", HostileGraphs.changeMeta(graph, other)),
			"its graph has the collection trainable_variables");
	}

	@Test
	public void garbageIsRefused() throws IOException {
		assertRefused(withGraph("garbage", new byte[] { 8, 1, 18, 99, 1, 2, 3 }), "its saved_model.pb is not a SavedModel");
	}

	private static void assertRefused(Path savedModel, String expected) {
		InvalidModelException e = assertThrows(InvalidModelException.class, () -> engine.load(savedModel, spec));
		assertTrue(e.getMessage(), e.getMessage().startsWith(expected));
		assertFalse(e.getMessage(), e.getMessage().contains("\n"));
	}

	/** A copy of the exported SavedModel with another saved_model.pb. */
	private static Path withGraph(String name, byte[] pb) throws IOException {
		Path dir = tmp.getRoot().toPath().resolve(name);
		try (Stream<Path> files = Files.walk(exported)) {
			for (Path p : (Iterable<Path>) files::iterator) {
				Path target = dir.resolve(exported.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(target);
				else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		Files.write(dir.resolve("saved_model.pb"), pb);
		return dir;
	}
}
