package sc.fiji.ganomaly.cli;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;

import sc.fiji.ganomaly.cli.MainTest.Run;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;

/**
 * Every model that trains also loads: models of 2, 3 and 4 channels (whose texture mixtures hold
 * 27,648 to 110,592 doubles) are trained with tiny networks, written, read back and score with each
 * of the four scores; the two-channel one through the command line, as a user would.
 */
public class ModelChannelsTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	private static final Path TWO_CHANNELS = MainTest.IMAGES.resolve("twochannel");
	private static final List<String> TINY = List.of("--patch-size", "16", "--epochs", "1", "--patches-per-epoch", "64",
		"--batch-size", "32", "--nz", "8", "--ngf", "8", "--ndf", "8", "--seed", "1", "--threads", "2", "--score", "latent");

	@Test
	public void aTwoChannelModelTrainedOnTheCommandLineScoresWithEveryScore() throws IOException {
		Path model = tmp.getRoot().toPath().resolve("two.ganomaly.zip");
		List<String> train = new ArrayList<>(List.of("train", "--model", model.toString(), "--input",
			TWO_CHANNELS.resolve("twochannel_normal.tif").toString()));
		train.addAll(TINY);
		Run r = MainTest.run(train.toArray(new String[0]));
		assertEquals(r.err(), 0, r.code());
		long manifest = manifestBytes(model);
		assertTrue("manifest of " + manifest + " bytes", manifest < 600_000);
		for (ScoreKind s : ScoreKind.values()) {
			Path output = tmp.getRoot().toPath().resolve("scores-" + s.id());
			r = MainTest.run("score", "--model", model.toString(), "--score", s.id(), "--output", output.toString(),
				"--input", TWO_CHANNELS.resolve("twochannel_anomalous.tif").toString());
			assertEquals(s.id() + ": " + r.err(), 0, r.code());
			List<String> csv = Files.readAllLines(output.resolve("scores.csv"));
			assertEquals(s.id() + ": " + csv, 2, csv.size());
			assertTrue(csv.get(1), csv.get(1).matches("twochannel_anomalous\\.tif,1,-?[0-9.]+(E-?[0-9]+)?,(true|false)"));
		}
	}

	/**
	 * A model trained on channel 2 of two-channel images records it: the two-channel images score on
	 * that channel without --channels (as with --channels 2, to the bit), through the command line and
	 * the API (which Fiji's commands use), and an image of one channel is taken as it is.
	 */
	@Test
	public void aModelTrainedOnOneChannelOfTwoScoresTheSameChannelWithoutBeingTold() throws IOException {
		Path model = tmp.getRoot().toPath().resolve("second.ganomaly.zip");
		List<String> train = new ArrayList<>(List.of("train", "--model", model.toString(), "--channels", "2", "--input",
			TWO_CHANNELS.resolve("twochannel_normal.tif").toString()));
		train.addAll(TINY);
		Run r = MainTest.run(train.toArray(new String[0]));
		assertEquals(r.err(), 0, r.code());
		String anomalous = TWO_CHANNELS.resolve("twochannel_anomalous.tif").toString();
		Path told = tmp.getRoot().toPath().resolve("told"), untold = tmp.getRoot().toPath().resolve("untold");
		r = MainTest.run("score", "--model", model.toString(), "--output", told.toString(), "--channels", "2", "--input",
			anomalous);
		assertEquals(r.err(), 0, r.code());
		r = MainTest.run("score", "--model", model.toString(), "--output", untold.toString(), "--input", anomalous);
		assertEquals(r.err(), 0, r.code());
		assertFalse(r.err(), r.err().contains("as they are"));
		assertEquals(Files.readString(told.resolve("scores.csv")), Files.readString(untold.resolve("scores.csv")));
		// an image of one channel is scored as it is, and a line says so once
		Path single = tmp.getRoot().toPath().resolve("single");
		r = MainTest.run("score", "--model", model.toString(), "--output", single.toString(), "--input", anomalous, MainTest.IMAGES
			.resolve("normal_05.tif").toString(), MainTest.IMAGES.resolve("normal_06.tif").toString());
		assertEquals(r.err(), 0, r.code());
		assertEquals(r.err(), 1, r.err().split("as many as the model: it is scored on them as they are", -1).length - 1);
		assertTrue(r.err(), r.err().contains("GANomaly: normal_05.tif has 1 channel(s), as many as the model: it is " +
			"scored on them as they are, while images of 2 channels, like the training images, are scored on their " +
			"channel(s) 2"));
		// channels given that are not the model's count: the message asks for that many, not for the images as given
		r = MainTest.run("score", "--model", model.toString(), "--output", tmp.getRoot().toPath().resolve("both")
			.toString(), "--channels", "1,2", "--input", anomalous);
		assertEquals(r.err(), 2, r.code());
		assertTrue(r.err(), r.err().contains("has 2 channel(s) but the model was trained on 1 (channel(s) 2 of images of " +
			"2); pick 1 channel(s)"));
		assertArrayEquals(Files.readAllBytes(told.resolve("twochannel_anomalous_anomaly.tif")), Files.readAllBytes(untold
			.resolve("twochannel_anomalous_anomaly.tif")));
		ij.ImagePlus two = ij.IJ.openImage(anomalous);
		try (GanomalyModel m = GanomalyModel.load(model, 2)) {
			assertEquals(1, m.channels());
			net.imglib2.RandomAccessibleInterval<? extends net.imglib2.type.numeric.RealType<?>> both = sc.fiji.ganomaly.ij
				.ImagePlusPlanes.of(two).get(0).image();
			PlaneScore whole = m.score(both, 4, "both"), second = m.score(net.imglib2.view.Views.hyperSlice(both, 2, 1), 4,
				"second");
			assertArrayEquals(second.map().values(), whole.map().values(), 0f);
		}
		// the choice is data of the model file: a manifest naming channels it cannot have is refused
		Path hostile = tmp.getRoot().toPath().resolve("hostile.ganomaly.zip");
		rewriteManifest(model, hostile, json -> json.replace("\"input_channels\": [\n      2\n    ]",
			"\"input_channels\": [\n      0\n    ]"));
		IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> GanomalyModel
			.load(hostile, 1).close());
		assertTrue(e.getMessage(), e.getMessage().contains("training.input_channels must hold distinct whole numbers " +
			"from 1 to input_channel_count 2.0, not [0.0]"));
		// all the channels in order is no selection: nothing is recorded, and other images are refused as before
		Path all = tmp.getRoot().toPath().resolve("all.ganomaly.zip");
		train.set(train.indexOf(model.toString()), all.toString());
		train.set(train.indexOf("--channels") + 1, "1,2");
		r = MainTest.run(train.toArray(new String[0]));
		assertEquals(r.err(), 0, r.code());
		try (GanomalyModel m = GanomalyModel.load(all, 1)) {
			assertEquals(List.of(), m.manifest().inputChannels());
			assertEquals(0, m.manifest().inputChannelCount());
		}
		// as the file says it
		try (var zip = new java.util.zip.ZipFile(all.toFile())) {
			String json = new String(zip.getInputStream(zip.getEntry("manifest.json")).readAllBytes(), java.nio.charset
				.StandardCharsets.UTF_8);
			assertTrue(json, json.contains("\"input_pixel_types\"") && !json.contains("input_channel"));
		}
	}

	/**
	 * A model trained on the two channels swapped (--channels 2,1) scores a two-channel image on them
	 * swapped, whether --channels 2,1 is given again or not (the selection is picked once), and
	 * differently with --channels 1,2: with the command line's score and evaluate.
	 */
	@Test
	public void aSelectionGivenAgainIsPickedOnce() throws IOException {
		Path model = tmp.getRoot().toPath().resolve("swapped.ganomaly.zip");
		String normal = TWO_CHANNELS.resolve("twochannel_normal.tif").toString();
		String anomalous = TWO_CHANNELS.resolve("twochannel_anomalous.tif").toString();
		Run r = MainTest.run("train", "--model", model.toString(), "--channels", "2,1", "--input", normal, "--patch-size",
			"16", "--score", "texture", "--seed", "1");
		assertEquals(r.err(), 0, r.code());
		List<String> scores = new ArrayList<>(), evaluations = new ArrayList<>();
		for (String channels : new String[] { null, "2,1", "1,2" }) {
			Path output = tmp.getRoot().toPath().resolve("swapped-" + channels);
			List<String> score = new ArrayList<>(List.of("score", "--model", model.toString(), "--output", output.toString(),
				"--input", anomalous)), evaluate = new ArrayList<>(List.of("evaluate", "--model", model.toString(),
					"--normal", normal, "--anomalous", anomalous));
			if (channels != null) {
				score.addAll(List.of("--channels", channels));
				evaluate.addAll(List.of("--channels", channels));
			}
			r = MainTest.run(score.toArray(new String[0]));
			assertEquals(r.err(), 0, r.code());
			scores.add(Files.readString(output.resolve("scores.csv")));
			r = MainTest.run(evaluate.toArray(new String[0]));
			assertEquals(r.err(), 0, r.code());
			evaluations.add(r.out());
		}
		assertEquals(scores.get(0), scores.get(1));
		assertFalse(scores.get(0).equals(scores.get(2)));
		assertEquals(evaluations.get(0), evaluations.get(1));
	}

	@Test
	public void threeAndFourChannelModelsLoadAndScoreWithEveryScore() throws IOException {
		for (int channels = 3; channels <= 4; channels++) {
			Random random = new Random(channels);
			TrainingData data = new TrainingData();
			data.add("normal", image(48, channels, random));
			TrainingSettings settings = new TrainingSettings().patchSize(16).nz(8).ngf(8).ndf(8).batchSize(32).epochs(1)
				.patchesPerEpoch(64).seed(1).threads(2);
			Path file = tmp.getRoot().toPath().resolve(channels + ".ganomaly.zip");
			try (GanomalyModel trained = Ganomaly.train(data, settings.copy().score(ScoreKind.LATENT), null)) {
				trained.save(file);
			}
			// the default for these planes of several patches: texture, without a network
			Path textureFile = tmp.getRoot().toPath().resolve(channels + "-texture.ganomaly.zip");
			try (GanomalyModel trained = Ganomaly.train(data, settings, null)) {
				assertFalse(trained.hasNetwork());
				trained.save(textureFile);
			}
			long manifest = manifestBytes(file);
			assertTrue(channels + " channels: manifest of " + manifest + " bytes", manifest < 1_500_000);
			try (GanomalyModel loaded = GanomalyModel.load(file, 2)) {
				assertEquals(channels, loaded.channels());
				Img<FloatType> plane = image(40, channels, random);
				for (ScoreKind s : ScoreKind.values()) {
					PlaneScore score = loaded.withScore(s).score(plane, 4, "plane");
					assertTrue(channels + " channels, " + s.id() + ": " + score.score(), Float.isFinite(score.score()));
				}
				try (GanomalyModel texture = GanomalyModel.load(textureFile, 2)) {
					assertEquals(ScoreKind.TEXTURE, texture.score());
					assertArrayEquals(channels + " channels: texture maps as the network model's", loaded.withScore(
						ScoreKind.TEXTURE).score(plane, 4, "plane").map().values(), texture.score(plane, 4, "plane").map()
							.values(), 0f);
				}
			}
		}
	}

	/** Stripes of random phase per channel with a little noise. */
	private static Img<FloatType> image(int size, int channels, Random random) {
		float[] v = new float[size * size * channels];
		for (int c = 0; c < channels; c++) {
			double phase = random.nextDouble() * 2 * Math.PI;
			for (int y = 0; y < size; y++)
				for (int x = 0; x < size; x++)
					v[(c * size + y) * size + x] = (float) (150 + 50 * Math.sin((x + y * (c + 1)) * 0.6 + phase) +
						5 * random.nextGaussian());
		}
		return ArrayImgs.floats(v, size, size, channels);
	}

	/** A copy of {@code model} at {@code target} with its manifest changed by {@code change}. */
	static void rewriteManifest(Path model, Path target, java.util.function.UnaryOperator<String> change)
		throws IOException
	{
		try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(model)); var out =
			new java.util.zip.ZipOutputStream(Files.newOutputStream(target)))
		{
			for (ZipEntry e; (e = in.getNextEntry()) != null;) {
				byte[] content = in.readAllBytes();
				if (e.getName().equals("manifest.json")) content = change.apply(new String(content,
					java.nio.charset.StandardCharsets.UTF_8)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
				out.putNextEntry(new ZipEntry(e.getName()));
				out.write(content);
				out.closeEntry();
			}
		}
	}

	private static long manifestBytes(Path model) throws IOException {
		try (ZipFile zip = new ZipFile(model.toFile())) {
			ZipEntry e = zip.getEntry("manifest.json");
			return zip.getInputStream(e).readAllBytes().length;
		}
	}
}
