package sc.fiji.ganomaly.engine.tensorflow;

import java.util.function.UnaryOperator;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Changes a real exported {@code saved_model.pb} the way a hostile model file would, with
 * TensorFlow's own proto builders: for tests that such a graph is never run.
 */
public final class HostileGraphs {

	private HostileGraphs() {}

	/**
	 * The graph with {@code WriteFile(write, ReadFile(read))} run before {@code score} (a control
	 * input of the node "score"): scoring copies the file {@code read} to {@code write}.
	 */
	public static byte[] copyingFileWhenScoring(byte[] savedModel, String read, String write) {
		return change(savedModel, g -> {
			GraphDef.Builder b = g.toBuilder();
			// WriteFile first, so it is the operation a check meets first
			b.addNode(NodeDef.newBuilder().setName("evil/write").setOp("WriteFile").addInput("evil/to")
				.addInput("evil/read"));
			b.addNode(NodeDef.newBuilder().setName("evil/read").setOp("ReadFile").addInput("evil/from"));
			b.addNode(string("evil/from", read));
			b.addNode(string("evil/to", write));
			addControlInput(b, "score", "^evil/write");
			return b.build();
		});
	}

	/** The graph with the saver's SaveV2 run before {@code score}. */
	public static byte[] savingWhenScoring(byte[] savedModel) {
		return change(savedModel, g -> {
			GraphDef.Builder b = g.toBuilder();
			addControlInput(b, "score", "^save/Save");
			return b.build();
		});
	}

	/** The graph whose RestoreV2 reads the checkpoint {@code prefix} instead of the model's variables. */
	public static byte[] restoringFrom(byte[] savedModel, String prefix) {
		return change(savedModel, g -> {
			GraphDef.Builder b = g.toBuilder();
			b.addNode(string("evil/prefix", prefix));
			for (NodeDef.Builder n : b.getNodeBuilderList())
				if (n.getOp().equals("RestoreV2")) n.setInput(0, "evil/prefix");
			return b.build();
		});
	}

	/** Changes the graph of the only meta graph. */
	public static byte[] change(byte[] savedModel, UnaryOperator<GraphDef> change) {
		try {
			SavedModel m = SavedModel.parseFrom(savedModel);
			MetaGraphDef meta = m.getMetaGraphs(0);
			return m.toBuilder().setMetaGraphs(0, meta.toBuilder().setGraphDef(change.apply(meta.getGraphDef())))
				.build().toByteArray();
		}
		catch (InvalidProtocolBufferException e) {
			throw new IllegalArgumentException(e);
		}
	}

	static void addControlInput(GraphDef.Builder b, String node, String input) {
		for (NodeDef.Builder n : b.getNodeBuilderList())
			if (n.getName().equals(node)) n.addInput(input);
	}

	/** A scalar string constant. */
	static NodeDef.Builder string(String name, String value) {
		TensorProto t = TensorProto.newBuilder().setDtype(DataType.DT_STRING)
			.setTensorShape(TensorShapeProto.getDefaultInstance()).addStringVal(ByteString.copyFromUtf8(value)).build();
		return NodeDef.newBuilder().setName(name).setOp("Const")
			.putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_STRING).build())
			.putAttr("value", AttrValue.newBuilder().setTensor(t).build());
	}
}
