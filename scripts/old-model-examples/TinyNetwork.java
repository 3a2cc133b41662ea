package sc.fiji.ganomaly.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Trains (current version) the tiny network the old-model examples share: patch 16, one channel,
 * nz 8, ngf 4, ndf 4, one short epoch; writes only its saved_model/ entries to the zip {@code args[0]}.
 */
public final class TinyNetwork {

	public static void main(String[] args) throws Exception {
		Path out = Path.of(args[0]);
		long t0 = System.nanoTime();
		TrainingData data = new TrainingData();
		Random random = new Random(1);
		for (int i = 0; i < 6; i++)
			data.add("normal " + i, OldExample.stripes(48, 48, random, false));
		Settings settings = new Settings().patchSize(OldExample.PATCH).nz(OldExample.NZ).ngf(OldExample.NGF)
			.ndf(OldExample.NDF).batchSize(16).epochs(1).patchesPerEpoch(64).score(Score.LATENT).seed(7).threads(1);
		Path whole = Files.createTempFile("tiny-network", ".zip");
		try (GanomalyModel model = Ganomaly.train(data, settings, null)) {
			model.save(whole);
		}
		try (ZipFile in = new ZipFile(whole.toFile()); ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
			for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements();) {
				ZipEntry entry = e.nextElement();
				if (!entry.getName().startsWith("saved_model/")) continue;
				zip.putNextEntry(new ZipEntry(entry.getName()));
				in.getInputStream(entry).transferTo(zip);
				zip.closeEntry();
			}
		}
		Files.delete(whole);
		System.out.printf("trained in %.1f s, %d bytes%n", (System.nanoTime() - t0) / 1e9, Files.size(out));
	}
}
