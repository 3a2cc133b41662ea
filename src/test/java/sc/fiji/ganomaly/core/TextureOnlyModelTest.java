package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.real.FloatType;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.calibrate.MapCalibration;
import sc.fiji.ganomaly.core.model.ModelFile;
import sc.fiji.ganomaly.core.model.TemporaryFolders;
import sc.fiji.ganomaly.core.train.Trainer;
import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.Precision;

/**
 * A model trained for the texture score has no network: its training never asks for the engine, its
 * file holds the manifest alone, it loads and scores as trained without an engine, refuses the
 * network's scores in one line, and its texture maps and threshold are those of a model trained
 * with a network from the same images and seed.
 */
public class TextureOnlyModelTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	/** An engine that fails the test if anything asks for it. */
	static final Supplier<Engine> NO_ENGINE = () -> {
		throw new AssertionError("the engine was asked for");
	};

	static TrainingData data;
	static Img<FloatType> anomalous;
	static GanomalyModel texture;
	static Path file;
	static final StatusLog statuses = new StatusLog();

	@BeforeClass
	public static void train() throws IOException {
		Random random = new Random(3);
		data = SyntheticImages.normalData(6, 64, random);
		anomalous = SyntheticImages.anomalous(64, random, 30, 34, 5);
		texture = GanomalyModel.of(new Trainer(SyntheticImages.tinyNetwork().seed(5), NO_ENGINE, statuses)
			.train(data));
		file = tmp.getRoot().toPath().resolve("texture.ganomaly.zip");
		texture.save(file);
	}

	@AfterClass
	public static void close() {
		if (texture != null) texture.close();
	}

	@Test
	public void autoPicksTextureAndTrainsNoNetwork() {
		assertEquals(ScoreKind.TEXTURE, texture.score());
		assertFalse(texture.hasNetwork());
		assertTrue(String.join("\n", statuses.messages), statuses.messages.stream().anyMatch(s -> s.startsWith("score: texture") && s
			.contains("no network is trained")));
		assertNull("no convergence warning about a network that does not exist", texture.trainingOutcome()
			.convergenceWarning());
	}

	/** The API takes stride 0 for its default (patch size / 4) and a plane without a name, as the front ends do. */
	@Test
	public void strideZeroIsTheDefaultAndANameMayBeLeftOut() {
		PlaneScore byDefault = texture.score(anomalous, 0, null), given = texture.score(anomalous, Math.max(1, texture
			.patchSize() / 4), "given");
		assertEquals(given.score(), byDefault.score(), 0);
		assertArrayEquals(given.map().values(), byDefault.map().values(), 0);
	}

	/**
	 * The model records the kind of its training images' pixels, and a plane of another kind (whose
	 * intensities the texture statistics would find unusual as a whole) is named in one warning per
	 * kind and model; planes of the trained kind give none.
	 */
	@Test
	public void recordsItsPixelTypesAndWarnsOnceOfAnotherKind() throws IOException {
		assertEquals(List.of("32-bit float"), texture.manifest().inputPixelTypes());
		List<String> warnings = new CopyOnWriteArrayList<>();
		java.util.function.Consumer<String> sink = warnings::add;
		sc.fiji.ganomaly.engine.EngineMessages.setSink(sink);
		try (GanomalyModel loaded = GanomalyModel.load(file)) {
			assertEquals(List.of("32-bit float"), loaded.manifest().inputPixelTypes());
			loaded.score(anomalous, 8, "float plane");
			assertEquals(List.of(), warnings);
			// an image of other channels is refused for them, with no word of its pixels before
			var rgb = net.imglib2.img.array.ArrayImgs.unsignedBytes(anomalous.dimension(0), anomalous.dimension(1), 3);
			org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> loaded.score(rgb, 8, "rgb plane"));
			assertEquals(List.of(), warnings);
			var shorts = net.imglib2.converter.Converters.convert((net.imglib2.RandomAccessibleInterval<FloatType>) anomalous,
				(in, out) -> out.setReal(Math.max(0, Math.min(65535, 1000 * in.getRealDouble()))),
				new net.imglib2.type.numeric.integer.UnsignedShortType());
			loaded.score(shorts, 8, "short plane");
			loaded.score(shorts, 8, "short plane again");
			assertEquals(warnings.toString(), 1, warnings.size());
			assertTrue(warnings.get(0), warnings.get(0).startsWith("GANomaly: short plane is 16-bit, but the model was " +
				"trained on 32-bit float images"));
		}
		finally {
			sc.fiji.ganomaly.engine.EngineMessages.clearSink(sink);
		}
	}

	/**
	 * Its training reports progress that only grows, to the whole, and a cancel ends it wherever it
	 * comes (at the fits or among the calibration's maps) with no model: there is nothing to keep.
	 */
	@Test
	public void showsProgressAndStopsWhenCancelled() {
		List<long[]> progress = new CopyOnWriteArrayList<>();
		ProgressListener recorder = new ProgressListener() {

			@Override
			public void progress(long done, long total) {
				progress.add(new long[] { done, total });
			}
		};
		try (GanomalyModel again = GanomalyModel.of(new Trainer(SyntheticImages.tinyNetwork().seed(5), NO_ENGINE,
			recorder).train(data)))
		{
			// the training that reported its progress is the same training
			PlaneScore before = texture.score(anomalous, 4, "anomalous"), after = again.score(anomalous, 4, "anomalous");
			assertEquals(before.score(), after.score(), 0);
			assertArrayEquals(before.map().values(), after.map().values(), 0);
		}
		assertTrue("progress reported: " + progress.size(), progress.size() >= 3);
		long[] last = progress.get(progress.size() - 1);
		assertEquals("progress reaches the whole", last[1], last[0]);
		for (int i = 1; i < progress.size(); i++)
			assertTrue("progress only grows", progress.get(i)[0] * progress.get(i - 1)[1] >= progress.get(i - 1)[0] *
				progress.get(i)[1]);
		for (long cancelAfter : new long[] { 0, progress.size() / 2, progress.size() - 2 }) {
			AtomicLong calls = new AtomicLong();
			ProgressListener stopping = new ProgressListener() {

				@Override
				public void progress(long done, long total) {
					calls.incrementAndGet();
				}

				@Override
				public boolean isCanceled() {
					return calls.get() > cancelAfter;
				}
			};
			CancellationException e = assertThrows(CancellationException.class, () -> new Trainer(SyntheticImages
				.tinyNetwork().seed(5), NO_ENGINE, stopping).train(data));
			assertTrue(e.getMessage(), e.getMessage().contains("no model was written"));
			assertTrue("stopped at once after " + cancelAfter + ": " + calls.get() + " progress calls", calls.get() <=
				cancelAfter + 2);
		}
	}

	@Test
	public void fileHoldsTheManifestAlone() throws IOException {
		try (ZipFile zip = new ZipFile(file.toFile())) {
			assertEquals(List.of("manifest.json"), zip.stream().map(ZipEntry::getName).toList());
			String json = new String(zip.getInputStream(zip.getEntry("manifest.json")).readAllBytes(),
				StandardCharsets.UTF_8);
			assertFalse(json, json.contains("\"saved_model\""));
			assertFalse(json, json.contains("\"calibration\""));
			assertTrue(json, json.contains("\"texture\""));
		}
	}

	@Test
	public void loadsAndScoresAsTrainedWithoutAnEngine() {
		try (GanomalyModel loaded = GanomalyModel.open(ModelFile.read(file, 1), NO_ENGINE, Precision.FLOAT32, null)) {
			assertFalse(loaded.hasNetwork());
			PlaneScore before = texture.score(anomalous, 4, "anomalous"), after = loaded.score(anomalous, 4, "anomalous");
			assertArrayEquals(before.map().values(), after.map().values(), 0f);
			assertTrue("the disc is flagged: " + after.score(), after.score() > 1);
			PlaneScore normal = loaded.score(SyntheticImages.normal(64, new Random(11)), 4, "normal");
			assertTrue("a new normal plane is not flagged: " + normal.score(), normal.score() < 1);
		}
	}

	@Test
	public void refusesTheNetworksScoresInOneLine() {
		for (ScoreKind kind : ScoreKind.values()) {
			if (!kind.needsNetwork()) continue;
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> texture.withScore(kind));
			assertEquals("this model has no network: it was trained for the texture score, which needs none; to use '" +
				kind.id() + "', train a model with the score " + kind.id() + " (its file then holds every score)", e
					.getMessage());
		}
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> texture.scorePatches(
			new float[16 * 16], 1, new float[1]));
		assertTrue(e.getMessage(), e.getMessage().startsWith("this model has no network"));
	}

	/**
	 * The texture part does not depend on the network: a model trained with a network for the latent
	 * score, from the same images and seed, has the same texture maps and threshold, bit for bit.
	 */
	@Test
	public void textureAsInAModelWithANetwork() {
		try (GanomalyModel network = Ganomaly.train(data, SyntheticImages.tinyNetwork().seed(5).epochs(1).score(
			ScoreKind.LATENT), null))
		{
			assertTrue(network.hasNetwork());
			GanomalyModel view = network.withScore(ScoreKind.TEXTURE);
			MapCalibration a = texture.manifest().scoring().calibration(), b = view.manifest().scoring().calibration();
			assertEquals(a.median(), b.median(), 0);
			assertArrayEquals(a.quantiles(), b.quantiles(), 0);
			for (long area : new long[] { 256, 4096, 1 << 20 })
				assertEquals(a.rawThreshold(area), b.rawThreshold(area), 0);
			assertArrayEquals(texture.score(anomalous, 4, "a").map().values(), view.score(anomalous, 4, "a").map().values(),
				0f);
		}
	}

	@Test
	public void refusesAFileWhoseManifestAndEntriesDisagree() throws IOException {
		String json;
		try (ZipFile zip = new ZipFile(file.toFile())) {
			json = new String(zip.getInputStream(zip.getEntry("manifest.json")).readAllBytes(), StandardCharsets.UTF_8);
		}
		// the manifest of a model without network, with a SavedModel beside it
		Path extra = tmp.newFile("extra.ganomaly.zip").toPath();
		try (OutputStream out = Files.newOutputStream(extra); ZipOutputStream zip = new ZipOutputStream(out)) {
			zip.putNextEntry(new ZipEntry("manifest.json"));
			zip.write(json.getBytes(StandardCharsets.UTF_8));
			zip.putNextEntry(new ZipEntry("saved_model/saved_model.pb"));
			zip.write(new byte[] { 1, 2, 3 });
		}
		assertRefused(extra, "it has saved_model/ entries, but its manifest says it has no network");
		// a per-patch calibration without a network
		Path calibrated = tmp.newFile("calibrated.ganomaly.zip").toPath();
		JsonObject withCalibration = JsonParser.parseString(json).getAsJsonObject();
		withCalibration.add("calibration", JsonParser.parseString("{\"raw_median\": 1, \"raw_p99\": 2}"));
		writeManifest(calibrated, withCalibration.toString());
		assertRefused(calibrated, "manifest.json has a per-patch calibration but no saved_model");
		// a network score's calibration without a network: the texture calibration under the latent score's name
		Path latent = tmp.newFile("latent.ganomaly.zip").toPath();
		JsonObject withLatent = JsonParser.parseString(json).getAsJsonObject();
		JsonObject calibrations = withLatent.getAsJsonObject("scoring").getAsJsonObject("calibrations");
		calibrations.add("latent", calibrations.get("texture"));
		writeManifest(latent, withLatent.toString());
		assertRefused(latent, "manifest.json: scoring.calibrations.latent: the latent score needs a network, and this " +
			"model has none (no saved_model)");
	}

	private static void writeManifest(Path target, String json) throws IOException {
		try (OutputStream out = Files.newOutputStream(target); ZipOutputStream zip = new ZipOutputStream(out)) {
			zip.putNextEntry(new ZipEntry("manifest.json"));
			zip.write(json.getBytes(StandardCharsets.UTF_8));
		}
	}

	private static void assertRefused(Path model, String why) {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
			ModelFile.Unpacked u = ModelFile.read(model, 1);
			TemporaryFolders.delete(u.folder());
		});
		assertTrue(e.getMessage(), e.getMessage().contains(why));
	}
}
