package sc.fiji.ganomaly.engine.tensorflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.protobuf.InvalidProtocolBufferException;

import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

import sc.fiji.ganomaly.engine.InvalidModelException;

/**
 * Reads a SavedModel's {@code saved_model.pb} before TensorFlow sees it and refuses any graph that
 * GANomaly's own exports would not be: a model file is data, never code. TensorFlow runs a
 * SavedModel's restore operation and init operations when loading it, and GANomaly then runs its
 * outputs; a graph may hold operations that read, write or run anything with the user's rights.
 * So every operation must be one of {@link #OPERATIONS} (those of every network
 * {@link TensorFlowTrainableNetwork#exportSavedModel} writes), the function library must be empty,
 * init operations must be inputless NoOps, nothing that the loader or the scorer runs may reach an
 * operation of {@link #WRITING}, and every RestoreV2 must read the saver's filename placeholder.
 */
final class SavedModelCheck {

	/**
	 * Every operation type of the networks GANomaly exports (patch 16 to 128, 1 to 4 channels, 0 or 1
	 * extra layers, moving, sample and batch scoring normalisation): the training graph is exported
	 * with the scoring path, so gradients and Adam updates are among them.
	 */
	static final Set<String> OPERATIONS = Set.of("Abs", "Add", "AddN", "ApplyAdam", "Assign", "BroadcastGradientArgs",
		"Cast", "ConcatOffset", "ConcatV2", "Const", "Conv2D", "Conv2DBackpropFilter", "Conv2DBackpropInput",
		"DepthToSpace", "Div", "DynamicStitch", "Exp", "ExpandDims", "Fill", "FusedBatchNormGradV3", "FusedBatchNormV3",
		"Gather", "GatherV2", "GreaterEqual", "Identity", "InvertPermutation", "LeakyRelu", "LeakyReluGrad", "Log1p",
		"MatMul", "Maximum", "Mean", "Mod", "Mul", "Neg", "NoOp", "OnesLike", "Pack", "PadV2", "Placeholder", "Prod",
		"Range", "Rank", "Reciprocal", "Relu", "ReluGrad", "Reshape", "RestoreV2", "Rsqrt", "SaveV2", "Select", "Shape",
		"ShapeN", "Sign", "Size", "Slice", "SpaceToDepth", "Square", "SquaredDifference", "Squeeze", "Sub", "Sum", "Tanh",
		"TanhGrad", "Tile", "Transpose", "UnsortedSegmentSum", "VariableV2", "ZerosLike");

	/** Operations of {@link #OPERATIONS} that write files: only the saver's, never run by loading or scoring. */
	static final Set<String> WRITING = Set.of("SaveV2");

	/** Tensors GANomaly feeds or fetches by name ({@link GanomalyGraph}). */
	private static final List<String> USED = List.of(GanomalyGraph.INPUT, GanomalyGraph.SCORE,
		GanomalyGraph.RECONSTRUCTION, GanomalyGraph.RECONSTRUCTION_ERROR, GanomalyGraph.LATENT);

	/** Where TensorFlow's loader finds init operations. */
	private static final Set<String> INIT_COLLECTIONS = Set.of("saved_model_main_op", "legacy_init_op");
	private static final String INIT_SIGNATURE = "__saved_model_init_op";
	private static final String SERVING = "serving_default";

	private SavedModelCheck() {}

	/**
	 * Checks {@code savedModel/saved_model.pb}.
	 *
	 * @throws InvalidModelException saying, in one line, what GANomaly's networks never do
	 */
	static void check(Path savedModel) {
		SavedModel model;
		try {
			model = SavedModel.parseFrom(Files.readAllBytes(savedModel.resolve("saved_model.pb")));
		}
		catch (InvalidProtocolBufferException e) {
			throw new InvalidModelException("its saved_model.pb is not a SavedModel (" + e.getMessage() + ")", e);
		}
		catch (IOException e) {
			throw new InvalidModelException("its saved_model.pb cannot be read (" + e.getMessage() + ")", e);
		}
		if (model.getMetaGraphsCount() != 1) throw new InvalidModelException("its SavedModel holds " +
			model.getMetaGraphsCount() + " graphs; GANomaly networks hold one");
		check(model.getMetaGraphs(0));
	}

	private static void check(MetaGraphDef graph) {
		if (!graph.getMetaInfoDef().getTagsList().contains("serve"))
			throw refuse("its graph lacks the tag 'serve'");
		if (graph.getGraphDef().getLibrary().getFunctionCount() > 0 ||
			graph.getGraphDef().getLibrary().getGradientCount() > 0)
			throw refuse("its network defines functions, which GANomaly networks never do");
		if (graph.getAssetFileDefCount() > 0) throw refuse("its network names asset files, which GANomaly networks never do");
		Map<String, NodeDef> nodes = new HashMap<>();
		for (NodeDef node : graph.getGraphDef().getNodeList()) {
			if (!OPERATIONS.contains(node.getOp())) throw refuse("its network uses the operation " + printable(node.getOp()) +
				", which GANomaly networks never use");
			if (nodes.put(node.getName(), node) != null) throw refuse("its network has two nodes named " +
				printable(node.getName()));
		}
		List<String> roots = new ArrayList<>();
		for (Map.Entry<String, CollectionDef> c : graph.getCollectionDefMap().entrySet()) {
			if (!INIT_COLLECTIONS.contains(c.getKey())) throw refuse("its graph has the collection " +
				printable(c.getKey()) + ", which GANomaly networks never have");
			for (String name : c.getValue().getNodeList().getValueList())
				roots.add(initOperation(nodes, name));
		}
		for (Map.Entry<String, SignatureDef> s : graph.getSignatureDefMap().entrySet()) {
			if (s.getKey().equals(INIT_SIGNATURE)) {
				for (TensorInfo t : s.getValue().getOutputsMap().values())
					roots.add(initOperation(nodes, t.getName()));
				continue;
			}
			if (!s.getKey().equals(SERVING)) throw refuse("its graph has the signature " + printable(s.getKey()) +
				", which GANomaly networks never have");
			for (TensorInfo t : s.getValue().getInputsMap().values())
				roots.add(t.getName());
			for (TensorInfo t : s.getValue().getOutputsMap().values())
				roots.add(t.getName());
		}
		if (!graph.getSignatureDefMap().containsKey(SERVING)) throw refuse("its graph lacks the signature " + SERVING);
		for (String used : USED)
			if (nodes.containsKey(used)) roots.add(used);
		if (graph.hasSaverDef()) roots.add(checkSaver(graph.getSaverDef(), nodes));
		else if (nodes.values().stream().anyMatch(n -> n.getOp().equals("RestoreV2")))
			throw refuse("its network restores weights without a saver");
		String writer = reachable(roots, nodes, WRITING);
		if (writer != null) throw refuse("its network writes files when it is loaded or scores (operation " + writer +
			"), which GANomaly networks never do");
	}

	/** The restore operation's name; every RestoreV2 must read the saver's filename placeholder. */
	private static String checkSaver(SaverDef saver, Map<String, NodeDef> nodes) {
		String filename = nodeName(saver.getFilenameTensorName());
		NodeDef placeholder = nodes.get(filename);
		if (placeholder == null || !placeholder.getOp().equals("Placeholder")) throw refuse("its saver's file name " +
			printable(saver.getFilenameTensorName()) + " is not a placeholder");
		if (!nodes.containsKey(saver.getRestoreOpName())) throw refuse("its saver's restore operation " +
			printable(saver.getRestoreOpName()) + " does not exist");
		for (NodeDef n : nodes.values())
			if (n.getOp().equals("RestoreV2") && (n.getInputCount() == 0 || !nodeName(n.getInput(0)).equals(filename) ||
				n.getInput(0).startsWith("^"))) throw refuse("its network restores weights from elsewhere than the " +
					"model's own variables (" + printable(n.getName()) + ")");
		return saver.getRestoreOpName();
	}

	/** An init operation must do nothing: a NoOp without inputs. */
	private static String initOperation(Map<String, NodeDef> nodes, String tensor) {
		NodeDef n = nodes.get(nodeName(tensor));
		if (n == null || !n.getOp().equals("NoOp") || n.getInputCount() > 0) throw refuse("its network runs " +
			printable(tensor) + " when loaded; GANomaly networks run nothing but the restore operation");
		return n.getName();
	}

	/** The first operation of {@code kinds} that the roots depend on (inputs and control inputs), or null. */
	private static String reachable(List<String> roots, Map<String, NodeDef> nodes, Set<String> kinds) {
		Set<String> seen = new HashSet<>();
		Deque<String> todo = new ArrayDeque<>();
		for (String r : roots)
			todo.add(nodeName(r));
		while (!todo.isEmpty()) {
			String name = todo.poll();
			if (!seen.add(name)) continue;
			NodeDef n = nodes.get(name);
			if (n == null) throw refuse("its network refers to the missing node " + printable(name));
			if (kinds.contains(n.getOp())) return n.getOp();
			for (String input : n.getInputList())
				todo.add(nodeName(input));
		}
		return null;
	}

	/** "^name", "name:1" and "name" all name the node "name". */
	private static String nodeName(String tensor) {
		String s = tensor.startsWith("^") ? tensor.substring(1) : tensor;
		int colon = s.lastIndexOf(':');
		return colon > 0 && s.substring(colon + 1).chars().allMatch(Character::isDigit) ? s.substring(0, colon) : s;
	}

	/** A name from the file, shortened and stripped of control characters, for a one-line message. */
	private static String printable(String s) {
		String clean = s.replaceAll("\\p{Cntrl}", "?");
		return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
	}

	private static InvalidModelException refuse(String message) {
		return new InvalidModelException(message);
	}
}
