package sc.fiji.ganomaly.core.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Random;

/**
 * Child process of {@link AtomicSaveTest}: saves a model file (arg 0) over and over, each time
 * with a new version number, until it is killed; arg 1 is a scratch folder. Prints "saved" after
 * each save.
 */
public final class SaveLoop {

	public static void main(String[] args) throws Exception {
		Path target = Paths.get(args[0]);
		Path saved = Paths.get(args[1]);
		Files.createDirectories(saved.resolve("variables"));
		byte[] weights = new byte[8 << 20];
		new Random(1).nextBytes(weights);
		Files.write(saved.resolve("saved_model.pb"), new byte[] { 1 });
		Files.write(saved.resolve("variables/variables.index"), new byte[] { 2 });
		Files.write(saved.resolve("variables/variables.data-00000-of-00001"), weights);
		Manifest m = ModelFileTest.manifest();
		for (int i = 0;; i++) {
			Manifest version = new Manifest(m.formatVersion(), m.createdBy(), m.spec(), m.normalization(),
				m.calibration(), m.threshold(), TrainingReport.of(Map.of("version", i)));
			ModelFile.write(target, version, saved);
			System.out.println("saved " + i);
		}
	}
}
