package sc.fiji.ganomaly.core;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * With the current version: the network maps of every old-model example on the test plane (all
 * examples share tiny-network.zip), written as {@code expected-network.txt} beside each manifest.
 * Argument: the examples' folder.
 */
public final class NetworkScores {

	public static void main(String[] args) throws Exception {
		Path folder = Path.of(args[0]);
		Path work = Files.createTempDirectory("network-scores");
		for (String name : OldModelFilesTest.EXAMPLES) {
			String manifest = OldModelFilesTest.manifest(name);
			try (GanomalyModel model = GanomalyModel.load(OldModelFilesTest.assemble(name, manifest, work), 1)) {
				Files.writeString(folder.resolve(name).resolve("expected-network.txt"),
					OldModelFilesTest.networkDigest(model, manifest));
			}
			Files.delete(work.resolve(name + ".zip"));
		}
		Files.delete(work);
	}
}
