package sc.fiji.ganomaly.engine.tensorflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.TrainableNetwork;

/** Prints the op types and file sizes of exported SavedModels (run by hand). */
public class OpTypesProbe {

	public static void main(String[] args) throws Exception {
		TensorFlowEngine engine = new TensorFlowEngine();
		TreeSet<String> all = new TreeSet<>();
		for (String norm : new String[] { NetworkSpec.MOVING, NetworkSpec.SAMPLE, NetworkSpec.BATCH })
			for (int extra : new int[] { 0, 1 }) {
				NetworkSpec spec = new NetworkSpec(Integer.parseInt(args[0]), Integer.parseInt(args[1]), 100, 64, 64, extra, 1,
					50, 1, 2e-4f, 0.5f, 0.999f, 1, 7, norm);
				Path dir = Files.createTempDirectory("probe");
				try (TrainableNetwork n = engine.create(spec)) {
					n.exportSavedModel(dir.resolve("sm"));
				}
				SavedModel sm = SavedModel.parseFrom(Files.readAllBytes(dir.resolve("sm/saved_model.pb")));
				var mg = sm.getMetaGraphs(0);
				TreeMap<String, Integer> ops = new TreeMap<>();
				for (NodeDef node : mg.getGraphDef().getNodeList())
					ops.merge(node.getOp(), 1, Integer::sum);
				all.addAll(ops.keySet());
				System.out.println(norm + " extra " + extra + ": " + ops);
				System.out.println("library functions: " + mg.getGraphDef().getLibrary().getFunctionCount());
				System.out.println("saver: " + mg.getSaverDef());
				System.out.println("collections: " + mg.getCollectionDefMap().keySet());
				System.out.println("signatures: " + mg.getSignatureDefMap());
				System.out.println("tags: " + mg.getMetaInfoDef().getTagsList() + " assets " + mg.getAssetFileDefCount());
				try (Stream<Path> w = Files.walk(dir)) {
					w.filter(Files::isRegularFile).forEach(p -> {
						try {
							System.out.println("  " + dir.relativize(p) + " " + Files.size(p));
						}
						catch (Exception e) {
							throw new RuntimeException(e);
						}
					});
				}
			}
		System.out.println("ALL " + all);
	}
}
