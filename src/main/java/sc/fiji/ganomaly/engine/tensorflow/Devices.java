package sc.fiji.ganomaly.engine.tensorflow;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_CloseSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionListDevices;

import java.util.ArrayList;
import java.util.List;

import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;

/** The devices TensorFlow would run on, e.g. "/job:localhost/replica:0/task:0/device:GPU:0". */
final class Devices {

	private Devices() {}

	static List<String> list() {
		TensorFlow.version(); // loads the natives
		List<String> names = new ArrayList<>();
		TF_Status status = TF_NewStatus();
		TF_Graph graph = TF_NewGraph();
		TF_SessionOptions options = TF_NewSessionOptions();
		try {
			TF_Session session = TF_NewSession(graph, options, status);
			if (TF_GetCode(status) != 0) return names;
			try {
				TF_DeviceList devices = TF_SessionListDevices(session, status);
				if (TF_GetCode(status) == 0) {
					try {
						for (int i = 0; i < TF_DeviceListCount(devices); i++)
							names.add(TF_DeviceListName(devices, i, status).getString());
					}
					finally {
						TF_DeleteDeviceList(devices);
					}
				}
			}
			finally {
				TF_CloseSession(session, status);
				TF_DeleteSession(session, status);
			}
		}
		finally {
			TF_DeleteSessionOptions(options);
			TF_DeleteGraph(graph);
			TF_DeleteStatus(status);
		}
		return names;
	}

	/** "GPU" if a GPU device is present, else "CPU". */
	static String kind(List<String> devices) {
		return devices.stream().anyMatch(d -> d.contains(":GPU:")) ? "GPU" : "CPU";
	}
}
