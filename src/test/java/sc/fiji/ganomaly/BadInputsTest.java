package sc.fiji.ganomaly;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.equalTo;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.CoreMatchers.nullValue;
import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.ErrorCollector;
import org.junit.rules.TemporaryFolder;
import org.scijava.Cancelable;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.prefs.PrefService;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import net.imglib2.img.array.ArrayImgs;
import sc.fiji.ganomaly.cli.Main;
import sc.fiji.ganomaly.fiji.ScoreAnomaliesCommand;
import sc.fiji.ganomaly.fiji.ScoreFolderCommand;
import sc.fiji.ganomaly.fiji.TrainGanomalyCommand;
import sc.fiji.ganomaly.ij.TestTiffs;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;

/**
 * Every row of {@code docs/bad-inputs.md}, fed through the command line and through the Fiji
 * commands: the command line ends with exit code 2 and one line naming the input, a command ends
 * cancelled with a one-line reason naming it; accepted inputs succeed in both; no input image is
 * changed. Rows checked by another test say which.
 */
public class BadInputsTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	@Rule
	public ErrorCollector errors = new ErrorCollector();

	static final int SIZE = 48, PATCH = 16;
	static Context context;
	static CommandService commands;
	static PrefService prefs;
	static Fixtures f;

	/** Files and images the cases use, made once. */
	static final class Fixtures {

		Path dir, model, normal, empty, notImageFolder, text, tiny, thin, nan, inf, constant, mixed, mixedChannels,
			hyper, twoChannels, rgb, emptyModel, truncated, version99, notZip, noWeights, foreignZip, brokenNetwork, aFile,
			readOnly, loopTif, cycleTif, liarTif, halfTif, emptyTif, ratioTif, hugeTif, bigTiff, liarPng, singleDirTif, latin1List, cutJpeg,
			cmykJpeg, garbledJpeg, scansJpeg, notAModel, latinName, usedOutput, int64Tif, half16Tif, plotTif, pointsTif, pipeModel, longSoftware, cutDeflate, twoShortWidth, descriptionFirst, longDescription, negativeSlices, omePart, pipeAlone, tinyRate, oneMap, scoredInPlace, batch, hostile, stolen, hugeSigma, wrongNz, extraEntry, textureOnly, withMaps;

		Path out(String name) {
			return dir.resolve("out").resolve(name);
		}

		ImagePlus open(Path file) {
			return new ij.io.Opener().openImage(file.toString());
		}

		/** The anomaly map of normal.tif as Score Anomalies makes it (the active image after a run). */
		ImagePlus map() {
			try (sc.fiji.ganomaly.core.GanomalyModel m = sc.fiji.ganomaly.core.GanomalyModel.load(model)) {
				return sc.fiji.ganomaly.ij.ImagePlusScorer.score(m, open(normal), 4,
					sc.fiji.ganomaly.core.api.ProgressListener.NONE).anomalyMap();
			}
		}
	}

	/** One row: what the command line and the commands get. */
	static final class Case {

		final int row;
		final String what;
		Function<Fixtures, String[]> cli;
		String cliMessage;
		Class<? extends Command> command;
		Function<Fixtures, Object[]> inputs;
		String commandMessage;
		String notThroughCli, notThroughCommand;

		Case(int row, String what) {
			this.row = row;
			this.what = what;
		}

		/** Command-line arguments and the text the error line must hold (null: must succeed). */
		Case cli(String message, Function<Fixtures, String[]> args) {
			this.cliMessage = message;
			this.cli = args;
			return this;
		}

		/** A command, its inputs and the text its cancel reason must hold (null: must succeed). */
		Case command(String message, Class<? extends Command> type, Function<Fixtures, Object[]> in) {
			this.commandMessage = message;
			this.command = type;
			this.inputs = in;
			return this;
		}

		Case noCli(String why) {
			this.notThroughCli = why;
			return this;
		}

		Case noCommand(String why) {
			this.notThroughCommand = why;
			return this;
		}

		@Override
		public String toString() {
			return "row " + row + " (" + what + ")";
		}
	}

	static String[] args(Object... parts) {
		return Arrays.stream(parts).map(String::valueOf).toArray(String[]::new);
	}

	static Object[] in(Object... parts) {
		return parts;
	}

	static final Class<TrainGanomalyCommand> TRAIN = TrainGanomalyCommand.class;
	static final Class<ScoreAnomaliesCommand> SCORE = ScoreAnomaliesCommand.class;
	static final Class<ScoreFolderCommand> FOLDER = ScoreFolderCommand.class;

	/** Small, fast training options for the command line. */
	static String[] train(Object... more) {
		List<String> given = Arrays.asList(args(more));
		List<String> a = new ArrayList<>(List.of("train"));
		String[] defaults = { "--patch-size", "16", "--epochs", "1", "--patches-per-epoch", "64", "--batch-size", "32",
			"--nz", "8", "--ngf", "8", "--ndf", "8" };
		for (int i = 0; i < defaults.length; i += 2)
			if (!given.contains(defaults[i])) a.addAll(List.of(defaults[i], defaults[i + 1]));
		a.addAll(given);
		return a.toArray(new String[0]);
	}

	static String[] score(Object... more) {
		List<String> a = new ArrayList<>(List.of("score"));
		a.addAll(Arrays.asList(args(more)));
		return a.toArray(new String[0]);
	}

	/** Inputs of a small, fast training command. */
	static Object[] trainIn(Object... more) {
		List<Object> a = new ArrayList<>(List.of("patchSize", "16", "epochs", 1, "batchSize", 32));
		a.addAll(Arrays.asList(more));
		return a.toArray();
	}

	static final List<Case> CASES = List.of(
		new Case(1, "no input image or folder")
			.cli("--input is required", x -> train("--model", x.out("m1.zip")))
			.command("image or folder", TRAIN, x -> trainIn("model", x.out("m1.zip").toFile())),
		new Case(2, "no model file")
			.cli("--model is required", x -> train("--input", x.normal))
			.command("'model' is required", TRAIN, x -> trainIn("image", x.open(x.normal))),
		new Case(3, "unknown option")
			.cli("unknown option --epoch", x -> train("--input", x.normal, "--model", x.out("m3.zip"), "--epoch", "3"))
			.noCommand("macro options only set parameters; the command line rejects unknown options"),
		new Case(4, "input path does not exist")
			.cli("does not exist", x -> train("--input", x.dir.resolve("missing.tif"), "--model", x.out("m4.zip")))
			.command("folder: ", TRAIN, x -> trainIn("folder", x.dir.resolve("missing").toFile(), "model",
				x.out("m4.zip").toFile())),
		new Case(5, "empty folder")
			.cli("holds no images", x -> train("--input", x.empty, "--model", x.out("m5.zip")))
			.command("holds no images", TRAIN, x -> trainIn("folder", x.empty.toFile(), "model", x.out("m5.zip").toFile())),
		new Case(6, "non-image file named .tif")
			.cli("cannot read", x -> train("--input", x.text, "--model", x.out("m6.zip")))
			.command("cannot read", TRAIN, x -> trainIn("folder", x.notImageFolder.toFile(), "model",
				x.out("m6.zip").toFile())),
		new Case(7, "image smaller than the patch (training)")
			.cli("; use a smaller --patch-size or larger images", x -> train("--input", x.tiny, "--model", x.out("m7.zip")))
			.command("image: tiny.tif is 8x8 pixels, smaller than the patch of 16x16; use a smaller patchsize", TRAIN, x -> trainIn("image", x.open(x.tiny), "model",
				x.out("m7.zip").toFile())),
		new Case(8, "1-pixel-wide image (scoring)")
			.cli("--input: thin.tif is 1x100 pixels, smaller than the model's patch", x -> score("--input", x.thin, "--model", x.model,
				"--output", x.out("o8")))
			.command("is 1x100 pixels, smaller than the model's patch", SCORE, x -> in("image", x.open(x.thin), "model",
				x.model.toFile())),
		new Case(9, "NaN pixels (scoring)")
			.cli("--input: nan.tif", x -> score("--input", x.nan, "--model", x.model, "--output", x.out("o9")))
			.command("image: nan.tif: pixel (5, 7) is NaN; replace NaN", SCORE, x -> in("image", x.open(x.nan), "model", x.model.toFile())),
		new Case(10, "infinite pixels (training)")
			.cli("--input: inf.tif: pixel (3, 4) is Infinity; replace NaN", x -> train("--input", x.inf, "--model", x.out("m10.zip")))
			.command("image: inf.tif: pixel (3, 4) is Infinity; replace NaN", TRAIN, x -> trainIn("image", x.open(x.inf), "model",
				x.out("m10.zip").toFile())),
		new Case(11, "constant image: accepted")
			.cli(null, x -> score("--input", x.constant, "--model", x.model, "--output", x.out("o11")))
			.command(null, SCORE, x -> in("image", x.open(x.constant), "model", x.model.toFile())),
		new Case(12, "training images with different channel counts")
			.cli("--input: b.tif has 2 channel(s), but a.tif has 1; all training images need the same channels", x -> train("--input", x.mixedChannels, "--model",
				x.out("m12.zip")))
			.command("folder: b.tif has 2 channel(s), but a.tif has 1; all training images need the same channels", TRAIN, x -> trainIn("folder",
				x.mixedChannels.toFile(), "model", x.out("m12.zip").toFile())),
		new Case(13, "mixed sizes and bit depths in a folder: accepted")
			.cli(null, x -> train("--input", x.mixed, "--model", x.out("m13.zip")))
			.command(null, TRAIN, x -> trainIn("folder", x.mixed.toFile(), "model", x.out("m13c.zip").toFile())),
		new Case(14, "5D hyperstack: accepted, slices and frames are samples")
			.cli(null, x -> train("--input", x.hyper, "--model", x.out("m14.zip")))
			.command(null, TRAIN, x -> trainIn("image", x.open(x.hyper), "model", x.out("m14c.zip").toFile())),
		new Case(15, "channel count different from the model")
			.cli("has 2 channel(s) but the model was trained on 1", x -> score("--input", x.twoChannels, "--model",
				x.model, "--output", x.out("o15")))
			.command("image: two.tif has 2 channel(s) but the model was trained on 1", SCORE, x -> in("image", x.open(x.twoChannels),
				"model", x.model.toFile())),
		new Case(16, "RGB image for a one-channel model")
			.cli("has 3 channel(s) but the model was trained on 1", x -> score("--input", x.rgb, "--model", x.model,
				"--output", x.out("o16")))
			.command("image: rgb.tif has 3 channel(s) but the model was trained on 1", SCORE, x -> in("image", x.open(x.rgb), "model",
				x.model.toFile())),
		new Case(17, "--channels outside the image")
			.cli("channels 1 to 1, not 2", x -> score("--input", x.normal, "--model", x.model, "--output", x.out("o17"),
				"--channels", "2"))
			.noCommand("the commands take the image's channels as they are"),
		new Case(18, "patch size not allowed")
			.cli("--patch-size must be 16, 32, 64 or 128, not 24", x -> train("--input", x.normal, "--model",
				x.out("m18.zip"), "--patch-size", "24"))
			.command("patchsize must be 16, 32, 64 or 128, not 24", TRAIN, x -> in("image", x.open(x.normal), "model",
				x.out("m18.zip").toFile(), "patchSize", "24")),
		new Case(19, "zero or negative epochs")
			.cli("--epochs must be positive, not 0", x -> train("--input", x.normal, "--model", x.out("m19.zip"),
				"--epochs", "0"))
			.command("epochs must be positive, not -1", TRAIN, x -> in("image", x.open(x.normal), "model",
				x.out("m19.zip").toFile(), "epochs", -1)),
		new Case(20, "zero batch size or not a number")
			.cli("--batch-size must be a whole number", x -> train("--input", x.normal, "--model", x.out("m20.zip"),
				"--batch-size", "many"))
			.command("batchsize must be positive, not 0", TRAIN, x -> in("image", x.open(x.normal), "model",
				x.out("m20.zip").toFile(), "batchSize", 0)),
		new Case(21, "stride negative or above the patch")
			.cli("stride must lie between 1 and the patch size 16", x -> score("--input", x.normal, "--model", x.model,
				"--output", x.out("o21"), "--stride", "-1"))
			.command("stride must lie between 1 and the patch size 16", SCORE, x -> in("image", x.open(x.normal),
				"model", x.model.toFile(), "stride", 17)),
		new Case(22, "model file empty")
			.cli("it is empty or not a zip file", x -> score("--input", x.normal, "--model", x.emptyModel, "--output",
				x.out("o22")))
			.command("it is empty or not a zip file", SCORE, x -> in("image", x.open(x.normal), "model",
				x.emptyModel.toFile())),
		new Case(23, "model file truncated")
			.cli("is not a valid GANomaly model file", x -> score("--input", x.normal, "--model", x.truncated,
				"--output", x.out("o23")))
			.command("is not a valid GANomaly model file", SCORE, x -> in("image", x.open(x.normal), "model",
				x.truncated.toFile())),
		new Case(24, "model file of another format version")
			.cli("model format version 99 is not supported", x -> score("--input", x.normal, "--model", x.version99,
				"--output", x.out("o24")))
			.command("model format version 99 is not supported", SCORE, x -> in("image", x.open(x.normal), "model",
				x.version99.toFile())),
		new Case(25, "model file not a zip")
			.cli("it is empty or not a zip file", x -> score("--input", x.normal, "--model", x.notZip, "--output",
				x.out("o25")))
			.command("it is empty or not a zip file", SCORE, x -> in("image", x.open(x.normal), "model",
				x.notZip.toFile())),
		new Case(26, "model file without its weights")
			.cli("its weights (saved_model/variables/) are missing", x -> score("--input", x.normal, "--model",
				x.noWeights, "--output", x.out("o26")))
			.command("its weights (saved_model/variables/) are missing", SCORE, x -> in("image", x.open(x.normal),
				"model", x.noWeights.toFile())),
		new Case(27, "a zip that is not a model")
			.cli("it has no manifest.json", x -> score("--input", x.normal, "--model", x.foreignZip, "--output",
				x.out("o27")))
			.command("it has no manifest.json", SCORE, x -> in("image", x.open(x.normal), "model",
				x.foreignZip.toFile())),
		new Case(28, "model file to score with does not exist")
			.cli("--model: file ", x -> score("--input", x.normal, "--model", x.dir.resolve("none.zip"), "--output",
				x.out("o28")))
			.command("model: file ", SCORE, x -> in("image", x.open(x.normal), "model",
				x.dir.resolve("none.zip").toFile())),
		new Case(29, "model folder does not exist")
			.cli("--model: folder", x -> train("--input", x.normal, "--model", x.dir.resolve("no/where/m.zip")))
			.command("model: folder", TRAIN, x -> trainIn("image", x.open(x.normal), "model",
				x.dir.resolve("no/where/m.zip").toFile())),
		new Case(30, "model folder not writable")
			.cli("is not writable", x -> train("--input", x.normal, "--model", x.readOnly.resolve("m.zip")))
			.command("is not writable", TRAIN, x -> trainIn("image", x.open(x.normal), "model",
				x.readOnly.resolve("m.zip").toFile())),
		new Case(31, "model path is a folder")
			.cli("is a folder, not a file", x -> train("--input", x.normal, "--model", x.empty))
			.command("is a folder, not a file", TRAIN, x -> trainIn("image", x.open(x.normal), "model", x.empty.toFile())),
		new Case(32, "output folder is a file")
			.cli("is a file, not a folder", x -> score("--input", x.normal, "--model", x.model, "--output", x.aFile))
			.noCommand("the commands return images instead of writing files"),
		new Case(33, "--normalize malformed")
			.cli("--normalize must be percentile:LOW,HIGH or fixed:MIN,MAX", x -> train("--input", x.normal, "--model",
				x.out("m33.zip"), "--normalize", "percent:1"))
			.noCommand("the commands use the default percentile normalisation"),
		new Case(34, "validation fraction outside (0, 0.5)")
			.cli("--validation-fraction must lie between 0 and 0.5", x -> train("--input", x.normal, "--model",
				x.out("m34.zip"), "--validation-fraction", "0.7"))
			.command("validationfraction must lie between 0 and 0.5", TRAIN, x -> trainIn("image", x.open(x.normal),
				"model", x.out("m34.zip").toFile(), "validationFraction", 0.7)),
		new Case(35, "threshold not a finite number above 0")
			.cli("--threshold must be a finite number", x -> score("--input", x.normal, "--model", x.model, "--output",
				x.out("o35"), "--threshold", "NaN"))
			.command("threshold must be above 0 on the calibrated scale", SCORE, x -> in("image", x.open(x.normal), "model",
				x.model.toFile(), "threshold", "-1")),
		new Case(36, "no image to score")
			.cli("--input is required", x -> score("--model", x.model, "--output", x.out("o36")))
			.command("'image' is required", SCORE, x -> in("model", x.model.toFile())),
		new Case(37, "resume of a network's training without a checkpoint")
			.cli("resume: no training checkpoint", x -> train("--input", x.normal, "--model", x.out("m37.zip"),
				"--score", "latent", "--resume"))
			.command("resume: no training checkpoint", TRAIN, x -> trainIn("image", x.open(x.normal), "model",
				x.out("m37.zip").toFile(), "score", "latent", "resume", true)),
		new Case(38, "resume after changing settings or data")
			.noCli("ResumeTest (needs an interrupted training)").noCommand("ResumeTest (needs an interrupted training)"),
		new Case(39, "engine folder missing")
			.noCli("EngineLoaderTest (needs a JVM without the engine)")
			.noCommand("EngineLoaderTest (needs a JVM without the engine)"),
		new Case(40, "training diverges (NaN loss)")
			.noCli("ResumeTest (an engine whose losses turn NaN)")
			.noCommand("as for the command line"),
		new Case(41, "unknown command")
			.cli("unknown command 'fit'; use train, score or evaluate" + System.lineSeparator() + "see 'ganomaly --help'",
				x -> args("fit"))
			.noCommand("menu commands are fixed"),
		new Case(42, "map kind not float, 16bit or none")
			.cli("--maps must be float, 16bit or none, not '8bit'", x -> score("--input", x.normal, "--model", x.model,
				"--output", x.out("o42"), "--maps", "8bit"))
			.noCommand("commands return 32-bit images"),
		new Case(43, "a glob that matches no file")
			.cli("--input: no file matches", x -> score("--input", x.dir.resolve("*.nothing").toString(), "--model",
				x.model, "--output", x.out("o43")))
			.noCommand("commands take an open image"),
		new Case(44, "a score that does not exist")
			.cli("--score: score must be one of model, latent, residual, density, texture, combined, not nice", x -> score("--input", x.normal,
				"--model", x.model, "--output", x.out("o44"), "--score", "nice"))
			.command("score: score must be one of model, latent, residual, density, texture, combined, not nice", SCORE, x -> in("image",
				x.open(x.normal), "model", x.model.toFile(), "score", "nice")),
		new Case(45, "a precision that does not exist")
			.cli("--precision: precision must be float32 or bfloat16, not half", x -> score("--input", x.normal,
				"--model", x.model, "--output", x.out("o45"), "--precision", "half"))
			.noCommand("Fiji takes the precision from -Dganomaly.precision; a bad value there logs one warning and scores in float32"),
		new Case(46, "model file whose weights TensorFlow cannot read")
			// the model scores with texture, which needs no network: a network score meets the damage
			.cli("is not a valid GANomaly model file: TensorFlow could not restore its weights: ", x -> score("--input",
				x.normal, "--model", x.brokenNetwork, "--output", x.out("o46"), "--score", "latent"))
			.command("TensorFlow could not restore its weights: ", SCORE, x -> in("image", x.open(x.normal), "model",
				x.brokenNetwork.toFile(), "score", "latent")),
		badImage(47, "TIFF whose directory chain loops", "its image directories form a loop", x -> x.loopTif),
		badImage(48, "TIFF header declaring more pixels than the file holds",
			"its pixel data (image directory 1: 40000x40000 pixels of 8 bits, 1600000000 bytes) ends at byte", x -> x.liarTif),
		badImage(49, "truncated TIFF", "is truncated or damaged: its pixel data", x -> x.halfTif),
		badImage(50, "empty image file", "is empty (0 bytes), not an image", x -> x.emptyTif),
		badImage(51, "compressed TIFF plane beyond its codec's ratio", "beyond deflate's largest ratio of 1032:1",
			x -> x.ratioTif),
		badImage(52, "TIFF plane larger than ImageJ can hold", "pixels (4900000000 bytes) is larger than ImageJ can hold",
			x -> x.hugeTif),
		badImage(53, "BigTIFF", "is a BigTIFF, which ImageJ 1.x cannot read", x -> x.bigTiff),
		badImage(54, "PNG header declaring more pixels than ImageJ can hold",
			"its PNG header declares 100000x100000 = 10000000000 pixels, more than ImageJ can hold", x -> x.liarPng),
		badImage(55, "ImageJ single-directory stack with planes missing", "(images=9 planes of 8x6 pixels",
			x -> x.singleDirTif),
		new Case(56, "a list of inputs that is not UTF-8 text")
			.cli("inputs.txt is not UTF-8 text; save it as UTF-8", x -> score("--input", "@" + x.latin1List,
				"--model", x.model, "--output", x.out("o56")))
			.noCommand("the Fiji commands take an image or a folder, not a list"),
		new Case(57, "a file of a batch that cannot be scored, stopping at the first failure")
			.cli("is empty (0 bytes), not an image", x -> score("--input", x.batch, "--model", x.model, "--output",
				x.out("o57"), "--stop-at-first-failure"))
			.command("is empty (0 bytes), not an image", FOLDER, x -> in("folder", x.batch.toFile(), "model",
				x.model.toFile(), "output", x.out("o57f").toFile(), "stopAtFirstFailure", true)),
		new Case(58, "resume of a run made with other inputs, model or options")
			.noCli("ScoreBatchTest (needs an earlier run in the output folder)")
			.noCommand("ScoreBatchTest (needs an earlier run in the output folder)"),
		new Case(59, "model file whose graph (saved_model.pb) holds operations of any kind")
			.noCli("aHostileGraphIsNeverRun (the graph is never read: the model scores with its weights, exit 0)")
			.noCommand("as for the command line"),
		new Case(60, "manifest value out of range")
			.cli("manifest.json: scoring.texture.sigma must be 0 to 64, not 1000000000", x -> score("--input", x.normal,
				"--model", x.hugeSigma, "--output", x.out("o60")))
			.command("scoring.texture.sigma must be 0 to 64", SCORE, x -> in("image", x.open(x.normal), "model",
				x.hugeSigma.toFile())),
		new Case(61, "density model not of the network's latent size")
			.cli("scoring.density has 8 values per code, but the network's latent size nz is 100", x -> score("--input",
				x.normal, "--model", x.wrongNz, "--output", x.out("o61")))
			.command("scoring.density has 8 values per code", SCORE, x -> in("image", x.open(x.normal), "model",
				x.wrongNz.toFile())),
		new Case(62, "model file with an entry model files never have")
			.cli("it has the entry saved_model/run.sh, which model files never have", x -> score("--input", x.normal,
				"--model", x.extraEntry, "--output", x.out("o62")))
			.command("it has the entry saved_model/run.sh", SCORE, x -> in("image", x.open(x.normal), "model",
				x.extraEntry.toFile())),
		new Case(63, "model file unpacking too large, with too many entries, an entry or a manifest key twice")
			.noCli("ModelArchiveTest (1 GiB of zeros, 50,004 entries, a duplicate name), JsonTest (a key twice, deep nesting)").noCommand("as for the command line"),
		new Case(64, "model file whose weights are not those of the network its manifest describes")
			.noCli("WeightsTest (indexes rewritten: a variable missing, of another shape or type, outside the data file, " +
				"a damaged index)").noCommand("as for the command line"),
		new Case(65, "a training score that does not exist")
			.cli("--score: score must be one of auto, latent, residual, density, texture, combined, not nice", x -> train(
				"--input", x.normal, "--model", x.out("m65.zip"), "--score", "nice"))
			.command("score must be one of auto, latent, residual, density, texture, combined, not nice", TRAIN, x -> in(
				"image", x.open(x.normal), "model", x.out("m65.zip").toFile(), "score", "nice")),
		new Case(66, "a score of the network asked of a model trained for the texture score (no network)")
			.cli("this model has no network: it was trained for the texture score, which needs none; to use 'latent', " +
				"train a model with the score latent (its file then holds every score)", x -> score("--input", x.normal,
					"--model", x.textureOnly, "--output", x.out("o66"), "--score", "latent"))
			.command("Score Anomalies: score: this model has no network: it was trained for the texture score", SCORE, x -> in("image", x.open(
				x.normal), "model", x.textureOnly.toFile(), "score", "latent")),
		new Case(67, "two inputs whose maps would have one name (a.tif and A.png)")
			.cli("would both write the map", x -> score("--input", x.oneMap, "--model", x.model, "--output", x.out("o67")))
			.command("would both write the map", FOLDER, x -> in("folder", x.oneMap.toFile(), "model", x.model.toFile(),
				"output", x.out("o67f").toFile())),
		new Case(68, "a folder scored into itself again (its maps are inputs)")
			.cli("is an input and would be overwritten by the map of", x -> score("--input", x.scoredInPlace, "--model",
				x.model, "--output", x.scoredInPlace))
			.command("is an input and would be overwritten by the map of", FOLDER, x -> in("folder", x.scoredInPlace
				.toFile(), "model", x.model.toFile(), "output", x.scoredInPlace.toFile())),
		new Case(69, "a negative number of threads (--threads -5)")
			.cli("--threads must be 0 (every core) or more, not -5", x -> score("--input", x.normal, "--model", x.model,
				"--output", x.out("o69"), "--threads", "-5"))
			.noCommand("Fiji's threads come from the ganomaly.threads property, where a negative value means 0"),
		new Case(70, "a training's model file that is one of its training images")
			.cli("is one of the training images and would be overwritten by the model; choose another file, such as " +
				"normal.ganomaly.zip", x -> train("--input", x.normal, "--model", x.normal))
			.command("is one of the training images and would be overwritten by the model", TRAIN, x -> trainIn("image",
				x.open(x.normal), "model", x.normal.toFile())),
		new Case(71, "a network training on data too small for its thresholds (one 32x32 crop at patch 32)")
			.noCli("TrainingPreconditionsTest (refused before the engine is asked for)")
			.noCommand("as for the command line"),
		new Case(72, "an output folder given as a URL (hdfs://nn/out, file:///tmp/out)")
			.cli("--output: hdfs://nn/out is a URL; give a path of the file system", x -> score("--input", x.normal,
				"--model", x.model, "--output", "hdfs://nn/out"))
			.noCommand("Fiji's folder fields take paths"),
		new Case(73, "a TIFF whose pages differ in size")
			.noCli("ScoreBatchTest.oneBadFileCostsThatFileOnly (a row of failures.csv; the other files scored)")
			.noCommand("as for the command line (the file is refused when read)"),
		new Case(74, "a scoring run into an output folder another run is writing into")
			.noCli("ScoreBatchTest.oneRunAtATimeWritesIntoAnOutputFolder (needs a run holding the folder)")
			.noCommand("as for the command line"),
		badImage(75, "a JPEG cut short", "cut.jpg is truncated or damaged: its JPEG data ends before the end-of-image " +
			"marker", x -> x.cutJpeg),
		new Case(76, "a TIFF of a sample format ImageJ 1.x cannot read")
			.noCli("TiffCheckTest.sampleFormatsImageJCannotReadAreNamed (the header check every front end shares)")
			.noCommand("as for the command line"),
		badImage(77, "a CMYK JPEG", "cmyk.jpg is a CMYK JPEG (4 colour components), which cannot be read; save it as " +
			"RGB or greyscale", x -> x.cmykJpeg),
		new Case(78, "a TIFF of a number of samples a pixel ImageJ 1.x cannot read")
			.noCli("TiffCheckTest.sampleFormatsImageJCannotReadAreNamed (the header check every front end shares)")
			.noCommand("as for the command line"),
		new Case(79, "training images that are all blank")
			.cli("--input: every training image is of one value (blank); there is nothing normal to learn from them: give " +
				"images of the normal specimen", x -> train("--input", x.constant, "--model", x.out("m79.zip")))
			.command("image: every training image is of one value (blank)", TRAIN, x -> trainIn("image", x.open(x.constant),
				"model", x.out("m79c.zip").toFile())),
		new Case(80, "training images among which are the anomaly maps of others")
			.cli("a_anomaly.tif is the anomaly map of ", x -> train("--input", x.withMaps, "--model", x.out("m80.zip")))
			.command("a_anomaly.tif is the anomaly map of ", TRAIN, x -> trainIn("folder", x.withMaps.toFile(), "model",
				x.out("m80c.zip").toFile())),
		new Case(81, "an anomaly map or mask of Score Anomalies as the image to score or train on")
			.command("image: normal.tif anomaly map is an anomaly map made by Score Anomalies, not an image to score; " +
				"select (click its window) or give the image to score", SCORE, x -> in("image", x.map(),
					"model", x.model.toFile())),
		badImage(82, "TIFF width stored as two SHORTs (ImageJ reads the field as one number)",
			"its pixel data (image directory 1: 131080x6 pixels of 8 bits, 786480 bytes) ends at byte", x -> x.twoShortWidth),
		badImage(83, "compressed TIFF whose ImageJ description (images=) comes before its compression",
			"image directory 1 declares 9 planes in one compressed directory, which ImageJ cannot read",
			x -> x.descriptionFirst),
		badImage(84, "ImageJ description whose images= lies beyond its first 4 KB", "(images=100000 planes of 8x6 pixels",
			x -> x.longDescription),
		badImage(85, "ImageJ hyperstack of -2 slices x -2 frames", "declares 1 channel(s) x -2 slice(s) x -2 frame(s); " +
			"each must be at least 1", x -> x.negativeSlices),
		new Case(86, "model whose false-positive rate would make every score 0")
			.cli("false-positive rate must lie from 1.0E-12 to below 1, not 1.0E-310", x -> score("--input", x.normal,
				"--model", x.tinyRate, "--output", x.out("o86")))
			.command("false-positive rate must lie from 1.0E-12 to below 1, not 1.0E-310", SCORE, x -> in("image",
				x.open(x.normal), "model", x.tinyRate.toFile())),
		badImage(87, "TIFF of 64-bit integer samples", "image directory 1 holds 64-bit samples, which ImageJ 1.x cannot " +
			"read (it reads 1, 8, 10, 12, 16 and 32 bits); save the image as 8-, 16- or 32-bit", x -> x.int64Tif),
		badImage(88, "TIFF of 16-bit floating-point samples", "image directory 1 holds 16-bit floating-point samples, " +
			"which ImageJ 1.x cannot read; save the image as 32-bit float", x -> x.half16Tif),
		badImage(89, "TIFF holding an ImageJ plot (ImageJ rebuilds it by Java deserialization)", "image directory 1's " +
			"ImageJ metadata holds an ImageJ plot, which ImageJ rebuilds by Java deserialization", x -> x.plotTif),
		badImage(90, "TIFF whose overlay selection declares 268 million points in 140 bytes", "image directory 1's ImageJ " +
			"metadata's overlay selection 1 declares 268435456 points (1073741888 bytes) but has ", x -> x.pointsTif),
		new Case(91, "a pipe or device as an input image, in a folder of them, or as a list of inputs")
			.cli("--input: /dev/zero is not a file but a pipe, device or socket; give a list file (@list.txt)", x -> score(
				"--input", "@/dev/zero", "--model", x.model, "--output", x.out("o91")))
			.command("pipe.tif is not a file but a pipe, device or socket; give an image file or a folder", TRAIN, x ->
				trainIn("folder", x.pipeAlone.toFile(), "model", x.out("m91.zip").toFile())),
		new Case(92, "a pipe or device as the model file")
			.cli("pipe.ganomaly.zip is not a file but a pipe, device or socket; give the path of a model file", x -> train(
				"--input", x.normal, "--model", x.pipeModel))
			.command("model: /dev/zero is not a file but a pipe, device or socket; give a model file", SCORE, x -> in(
				"image", x.open(x.normal), "model", new java.io.File("/dev/zero"))),
		badImage(93, "TIFF whose Software text declares 2 GiB", "is truncated or damaged: its image directory 1's tag 305 " +
			"(2147483647 bytes at byte ", x -> x.longSoftware),
		badImage(94, "deflate TIFF whose strip is cut short (ImageJ inflated it forever)", "image directory 1's strip 1 " +
			"of 1 ends before its deflate stream does (truncated or damaged)", x -> x.cutDeflate),
		new Case(95, "a TIFF with a DICOM header at byte 128, which ImageJ reads as DICOM")
			.noCli("ReaderHeadersTest.aTiffWithADicomHeaderIsNotReadAsDicom (the header check every front end shares)")
			.noCommand("as for the command line"),
		new Case(96, "a BMP that ImageJ's BMP reader reads otherwise than its header check")
			.noCli("ReaderHeadersTest.aBmpIsCheckedAsImageJReadsIt (the header check every front end shares)")
			.noCommand("as for the command line"),
		new Case(97, "a GIF frame larger than its image")
			.noCli("ReaderHeadersTest.everyGifFrameFitsTheImage (the header check every front end shares)")
			.noCommand("as for the command line"),
		new Case(98, "compressed TIFF strips that share their bytes, or a directory where ImageJ ends the chain")
			.noCli("ReaderHeadersTest.compressedStripsThatShareTheirBytesAreRefused, ImageFilesFuzzTest (the header check " +
				"every front end shares)")
			.noCommand("as for the command line"),
		new Case(99, "a name holding [ or { that no file has and no glob can be")
			.cli("scan[2.tif is no file, and no glob either (missing ]); a name holding [ or { is taken as typed only when " +
				"that file exists", x -> score("--input", x.dir.resolve("scan[2.tif").toString(), "--model", x.model,
					"--output", x.out("o99")))
			.noCommand("commands take an open image or a folder"),
		badImage(100, "OME-TIFF whose planes are not one OME image's (a file of a dataset spread over several, or several series)",
			"is an OME-TIFF of 2 channel(s), 5 slice(s) and 1 time point(s), but ImageJ reads 4 plane(s) of pixels from it",
			x -> x.omePart),
		badImage(101, "a damaged JPEG (its scans garbled, or a byte flipped into a marker)", "garbled.jpg is damaged: " +
			"decoding its JPEG data reports \"Corrupt JPEG data: ", x -> x.garbledJpeg),
		badImage(102, "a JPEG of thousands of progressive scans", "scans.jpg is damaged or crafted: its JPEG data holds " +
			"2006 scans, each a pass over all its pixels; encoders write at most a few dozen (a progressive JPEG about 10), " +
			"and at most 100 are read", x -> x.scansJpeg),
		new Case(103, "a PNG whose compressed data is damaged; a GIF cut in its frame's data")
			.noCli("ReaderHeadersTest.aPngWhoseDataImageJFailsOnIsRefusedSayingSo (the reading every front end shares)")
			.noCommand("as for the command line"),
		new Case(104, "an empty option value (a script's variable that is not set)")
			.cli("--output is given an empty value; give its value", x -> score("--input", x.normal, "--model", x.model,
				"--output", ""))
			.noCommand("MacroInputsTest: a macro's empty output= is a key left out"),
		new Case(105, "an existing file that is not a model as the training's model file")
			.cli("results.csv exists and is not a GANomaly model file, so writing the model would destroy it", x -> train(
				"--input", x.normal, "--model", x.notAModel))
			.command("results.csv exists and is not a GANomaly model file, so writing the model would destroy it; give a " +
				"new file name (such as results.ganomaly.zip), or delete the file first", TRAIN, x -> trainIn("image", x.open(
					x.normal), "model", x.notAModel.toFile())),
		badImage(106, "a file whose name is not text in the system's encoding of file names", "latin\uFFFD.tif: its name " +
			"is not text in this system's encoding of file names", x -> x.latinName),
		new Case(107, "scoring into an output folder whose scores.csv holds rows of files this run does not score")
			.cli("earlier.tif), which it would replace; choose another output folder, give those files too",
				x -> score("--input", x.normal, "--model", x.model, "--output", x.usedOutput))
			.command("earlier.tif), which it would replace; choose another output folder, give those files too, or delete " +
				"that scores.csv", FOLDER, x -> in(
					"folder", x.normal.getParent().resolve("bad-normal-copy").toFile(), "model", x.model.toFile(), "output",
					x.usedOutput.toFile())),
		new Case(108, "a 32-bit image whose values span more than float's range (noise of ±3e38)")
			.noCli("NormalizationTest.aRangeBeyondFloatsIsNotAConstant, ExtremeValuesTest (the normalisation every front " +
				"end shares)")
			.noCommand("as for the command line"));

	/** A broken or hostile image file: refused when scored (command line) and trained on in a folder (command). */
	static Case badImage(int row, String what, String message, Function<Fixtures, Path> file) {
		return new Case(row, what).cli(message, x -> score("--input", file.apply(x), "--model", x.model, "--output",
			x.out("o" + row))).command(message, TRAIN, x -> trainIn("folder", file.apply(x).getParent().toFile(), "model",
				x.out("m" + row + ".zip").toFile()));
	}

	@BeforeClass
	public static void setUp() throws IOException, InterruptedException {
		f = new Fixtures();
		f.dir = tmp.getRoot().toPath();
		Files.createDirectories(f.dir.resolve("out"));
		Random random = new Random(7);
		f.normal = save(new ImagePlus("normal", stripes(SIZE, SIZE, random)), "normal.tif");
		TrainingData data = new TrainingData().add("normal", ArrayImgs.floats((float[]) stripes(SIZE, SIZE, random)
			.convertToFloatProcessor().getPixels(), SIZE, SIZE));
		f.model = f.dir.resolve("model.ganomaly.zip");
		// a network, so that the rows of broken networks have one to break
		try (GanomalyModel m = Ganomaly.train(data, new TrainingSettings().patchSize(PATCH).nz(8).ngf(8).ndf(8).epochs(1)
			.patchesPerEpoch(64).batchSize(32).seed(1).score(ScoreKind.LATENT), null))
		{
			m.save(f.model);
		}
		f.textureOnly = f.dir.resolve("texture.ganomaly.zip");
		try (GanomalyModel m = Ganomaly.train(data, new TrainingSettings().patchSize(PATCH).seed(1).score(ScoreKind.TEXTURE),
			null))
		{
			m.save(f.textureOnly);
		}
		f.empty = Files.createDirectories(f.dir.resolve("empty"));
		f.notImageFolder = Files.createDirectories(f.dir.resolve("not-images"));
		f.text = Files.writeString(f.notImageFolder.resolve("notes.tif"), "not an image");
		f.latin1List = Files.write(f.dir.resolve("inputs.txt"), ("caf\u00e9/" + f.normal.getFileName() + "\n").getBytes(
			java.nio.charset.StandardCharsets.ISO_8859_1));
		f.oneMap = Files.createDirectories(f.dir.resolve("one-map"));
		Files.copy(f.normal, f.oneMap.resolve("a.tif"));
		new FileSaver(IJ.openImage(f.normal.toString())).saveAsPng(f.oneMap.resolve("A.png").toString());
		f.scoredInPlace = Files.createDirectories(f.dir.resolve("scored-in-place"));
		Files.copy(f.normal, f.scoredInPlace.resolve("a.tif"));
		Files.copy(f.normal, f.scoredInPlace.resolve("a_anomaly.tif"));
		f.batch = Files.createDirectories(f.dir.resolve("batch"));
		Files.copy(f.normal, f.batch.resolve("normal.tif"));
		Files.createFile(f.batch.resolve("x-empty.tif"));
		f.tiny = save(new ImagePlus("tiny", new FloatProcessor(8, 8)), "tiny.tif");
		f.thin = save(new ImagePlus("thin", new FloatProcessor(1, 100)), "thin.tif");
		FloatProcessor nan = (FloatProcessor) stripes(SIZE, SIZE, random).convertToFloatProcessor();
		nan.setf(5, 7, Float.NaN);
		f.nan = save(new ImagePlus("nan", nan), "nan.tif");
		FloatProcessor inf = (FloatProcessor) stripes(SIZE, SIZE, random).convertToFloatProcessor();
		inf.setf(3, 4, Float.POSITIVE_INFINITY);
		f.inf = save(new ImagePlus("inf", inf), "inf.tif");
		ShortProcessor constant = new ShortProcessor(SIZE, SIZE);
		constant.setValue(700);
		constant.fill();
		f.constant = save(new ImagePlus("constant", constant), "constant.tif");
		f.mixed = Files.createDirectories(f.dir.resolve("mixed"));
		save(new ImagePlus("a", stripes(SIZE, SIZE, random).convertToByteProcessor()), "mixed/a.tif");
		save(new ImagePlus("b", stripes(64, 40, random)), "mixed/b.tif");
		save(new ImagePlus("c", stripes(50, 50, random).convertToFloatProcessor()), "mixed/c.tif");
		f.twoChannels = save(hyperstack("two", 2, 1, 1, random), "two.tif");
		f.withMaps = Files.createDirectories(f.dir.resolve("with-maps"));
		save(new ImagePlus("a", stripes(SIZE, SIZE, random)), "with-maps/a.tif");
		save(new ImagePlus("b", stripes(SIZE, SIZE, random)), "with-maps/b.tif");
		save(new ImagePlus("a map", stripes(SIZE, SIZE, random).convertToFloatProcessor()), "with-maps/a_anomaly.tif");
		f.mixedChannels = Files.createDirectories(f.dir.resolve("mixed-channels"));
		save(new ImagePlus("a", stripes(SIZE, SIZE, random)), "mixed-channels/a.tif");
		save(hyperstack("b", 2, 1, 1, random), "mixed-channels/b.tif");
		f.hyper = save(hyperstack("hyper", 2, 3, 2, random), "hyper.tif");
		ColorProcessor rgb = new ColorProcessor(SIZE, SIZE);
		rgb.setColor(java.awt.Color.ORANGE);
		rgb.fill();
		f.rgb = save(new ImagePlus("rgb", rgb), "rgb.tif");
		f.emptyModel = Files.write(f.dir.resolve("empty.ganomaly.zip"), new byte[0]);
		byte[] bytes = Files.readAllBytes(f.model);
		f.truncated = Files.write(f.dir.resolve("truncated.ganomaly.zip"), Arrays.copyOf(bytes, bytes.length / 2));
		f.notZip = Files.writeString(f.dir.resolve("text.ganomaly.zip"), "a model? no.");
		f.version99 = rewrite("v99.ganomaly.zip", (name, content) -> name.equals("manifest.json")
			? new String(content, StandardCharsets.UTF_8).replaceFirst("\"format_version\": *1", "\"format_version\": 99")
				.getBytes(StandardCharsets.UTF_8) : content);
		f.noWeights = rewrite("noweights.ganomaly.zip", (name, content) -> name.contains("/variables/") ? null : content);
		f.foreignZip = rewrite("foreign.ganomaly.zip", (name, content) -> name.equals("manifest.json") ? null : content);
		f.brokenNetwork = rewrite("broken-network.ganomaly.zip", (name, content) -> name.endsWith(
			"variables.data-00000-of-00001") ? flipped(content) : content);
		f.stolen = f.dir.resolve("stolen.txt");
		f.hostile = rewrite("hostile.ganomaly.zip", (name, content) -> name.equals("saved_model/saved_model.pb")
			? hostileGraph(content, f.normal.toString(), f.stolen.toString()) : content);
		f.hugeSigma = rewrite("sigma.ganomaly.zip", (name, content) -> name.equals("manifest.json") ? new String(content,
			StandardCharsets.UTF_8).replaceFirst("\"sigma\": 4.0", "\"sigma\": 1.0E9").getBytes(StandardCharsets.UTF_8)
			: content);
		f.tinyRate = rewrite("rate.ganomaly.zip", (name, content) -> name.equals("manifest.json") ? new String(content,
			StandardCharsets.UTF_8).replaceFirst("\"false_positive_rate\": 0.01", "\"false_positive_rate\": 1.0E-310")
			.getBytes(StandardCharsets.UTF_8) : content);
		f.wrongNz = rewrite("nz.ganomaly.zip", (name, content) -> name.equals("manifest.json") ? new String(content,
			StandardCharsets.UTF_8).replaceFirst("\"nz\": 8", "\"nz\": 100").getBytes(StandardCharsets.UTF_8) : content);
		f.extraEntry = rewrite("extra.ganomaly.zip", (name, content) -> content, "saved_model/run.sh", "rm -rf ~");
		f.aFile = Files.writeString(f.dir.resolve("a-file"), "x");
		f.readOnly = readOnlyFolder();
		badImages();
		context = new Context(CommandService.class, sc.fiji.ganomaly.fiji.GanomalyService.class);
		commands = context.service(CommandService.class);
		prefs = context.service(PrefService.class);
	}

	@AfterClass
	public static void tearDown() {
		if (context != null) context.dispose();
		if (f != null && f.readOnly != null && f.readOnly.startsWith(f.dir)) f.readOnly.toFile().setWritable(true);
	}

	/** Broken and hostile image files, each alone in its folder. */
	static void badImages() throws IOException, InterruptedException {
		TestTiffs.Built loop = TestTiffs.spec().build();
		loop.pointTo(loop.nextPointers().get(0), loop.directories().get(0));
		f.loopTif = alone("loop.tif", Arrays.copyOf(loop.bytes(), 8192));
		f.liarTif = alone("liar.tif", sized(TestTiffs.spec().build(), 40000, 40000, 0));
		byte[] normal = Files.readAllBytes(f.normal);
		f.halfTif = alone("half.tif", Arrays.copyOf(normal, normal.length / 2));
		f.emptyTif = alone("empty.tif", new byte[0]);
		java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
		javax.imageio.ImageIO.write(IJ.openImage(f.normal.toString()).getProcessor().convertToByte(true)
			.getBufferedImage(), "jpeg", jpeg);
		f.cutJpeg = alone("cut.jpg", Arrays.copyOf(jpeg.toByteArray(), jpeg.size() * 2 / 3));
		// four components, as a printer's CMYK JPEG has: Java's writer takes a raster of four bands
		java.awt.image.WritableRaster cmyk = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer
			.TYPE_BYTE, 16, 16, 4, null);
		java.io.ByteArrayOutputStream four = new java.io.ByteArrayOutputStream();
		javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
		try (javax.imageio.stream.ImageOutputStream out = javax.imageio.ImageIO.createImageOutputStream(four)) {
			writer.setOutput(out);
			writer.write(null, new javax.imageio.IIOImage(cmyk, null, null), null);
		}
		finally {
			writer.dispose();
		}
		f.cmykJpeg = alone("cmyk.jpg", four.toByteArray());
		f.notAModel = Files.writeString(f.dir.resolve("results.csv"), "file,score\nnormal.tif,0.2\n");
		// an output folder of an earlier run of another file (a job array's earlier task), and a folder to score
		f.usedOutput = Files.createDirectories(f.dir.resolve("used-output"));
		Files.writeString(f.usedOutput.resolve("scores.csv"), "file,slice,score,anomalous\nearlier.tif,1,0.25,false\n");
		Path earlier = Files.copy(f.normal, f.dir.resolve("earlier.tif"));
		Files.writeString(f.usedOutput.resolve(".ganomaly-score.run"), "ganomaly score run, format 3\ninput " + earlier
			.toAbsolutePath() + " size=" + Files.size(earlier) + " modified=0\n");
		Files.copy(f.normal, Files.createDirectories(f.dir.resolve("bad-normal-copy")).resolve("normal.tif"));
		// a name of Latin-1 bytes (café from an old Windows share), which is not UTF-8
		Path latin = alone("latin.tif", Files.readAllBytes(f.normal));
		Process copy = new ProcessBuilder("sh", "-c", "mv latin.tif \"$(printf 'latin\\351.tif')\"").directory(latin
			.getParent().toFile()).inheritIO().start();
		assertEquals(0, copy.waitFor());
		try (java.util.stream.Stream<Path> listed = Files.list(latin.getParent())) {
			f.latinName = listed.findFirst().orElseThrow();
		}
		f.garbledJpeg = alone("garbled.jpg", sc.fiji.ganomaly.ij.TestJpegs.garbled(sc.fiji.ganomaly.ij.TestJpegs.noise(
			256, 192, false)));
		f.scansJpeg = alone("scans.jpg", sc.fiji.ganomaly.ij.TestJpegs.withLastScanRepeated(sc.fiji.ganomaly.ij.TestJpegs
			.blank(512, 512), 2000));
		f.ratioTif = alone("ratio.tif", sized(TestTiffs.spec().deflate().build(), 20000, 20000, 0));
		f.hugeTif = alone("huge.tif", sized(TestTiffs.spec().deflate().build(), 70000, 70000, 5_000_000));
		f.bigTiff = alone("big.tif", TestTiffs.spec().big().build().bytes());
		String single = new String(TestTiffs.spec().planes(3).imageJSingleDirectory().build().bytes(),
			StandardCharsets.ISO_8859_1);
		f.singleDirTif = alone("single.tif", single.replace("images=3", "images=9").getBytes(StandardCharsets.ISO_8859_1));
		f.int64Tif = alone("int64.tif", TestTiffs.spec().samples(64, 1).build().bytes());
		f.half16Tif = alone("f16.tif", TestTiffs.spec().samples(16, 3).build().bytes());
		ij.gui.Plot plot = new ij.gui.Plot("profile", "x", "y");
		plot.add("line", new double[] { 1, 2, 3 }, new double[] { 4, 1, 5 });
		f.plotTif = alone("plot.tif", new FileSaver(plot.getImagePlus()).serialize());
		ImagePlus withPolygon = new ImagePlus("polygon", stripes(SIZE, SIZE, new Random(89)));
		withPolygon.setOverlay(new ij.gui.Overlay(new ij.gui.PolygonRoi(new int[] { 1, 5, 3 }, new int[] { 1, 2, 6 }, 3,
			ij.gui.Roi.POLYGON)));
		byte[] polygon = new FileSaver(withPolygon).serialize();
		for (int i = 0; i + 3 < polygon.length; i++)
			if (polygon[i] == 'I' && polygon[i + 1] == 'o' && polygon[i + 2] == 'u' && polygon[i + 3] == 't')
				ByteBuffer.wrap(polygon).putShort(i + 16, (short) 0).putInt(i + 18, 1 << 28); // "Iout": the selection
		f.pointsTif = alone("points.tif", polygon);
		TestTiffs.Built software = TestTiffs.spec().description("written by hand").build();
		ByteBuffer entries = ByteBuffer.wrap(software.bytes()).order(software.order());
		int at = software.directories().get(0) + 2;
		while (entries.getShort(at) != 270)
			at += 12;
		entries.putShort(at, (short) 305).putInt(at + 4, Integer.MAX_VALUE); // the description, now a Software text
		f.longSoftware = alone("software.tif", software.bytes());
		TestTiffs.Built deflate = TestTiffs.spec().deflate().build();
		ByteBuffer cut = ByteBuffer.wrap(deflate.bytes()).order(deflate.order());
		int count = deflate.stripCountValues().get(0);
		cut.putInt(count, cut.getInt(count) - 4); // the stream's last four bytes (its checksum) are no longer the strip's
		f.cutDeflate = alone("cut.tif", deflate.bytes());
		f.pipeModel = f.dir.resolve("pipe.ganomaly.zip");
		f.pipeAlone = Files.createDirectories(f.dir.resolve("pipe-alone"));
		for (Path pipe : List.of(f.pipeAlone.resolve("pipe.tif"), f.pipeModel))
			assertEquals("mkfifo " + pipe, 0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
		f.twoShortWidth = alone("shorts.tif", TestTiffs.spec().build().widthAsTwoShorts(8, 2).bytes());
		String compressed = new String(TestTiffs.spec().planes(3).deflate().imageJSingleDirectory().build().swapEntries(259,
			270).bytes(), StandardCharsets.ISO_8859_1);
		f.descriptionFirst = alone("first.tif", compressed.replace("images=3", "images=9").getBytes(
			StandardCharsets.ISO_8859_1));
		f.longDescription = alone("long.tif", TestTiffs.spec().description("ImageJ=1.54p\n" + "x".repeat(5000) +
			"\nimages=100000\nslices=100000\nloop=false\n").build().bytes());
		f.negativeSlices = alone("negative.tif", TestTiffs.spec().planes(4).imageJSingleDirectory().description(
			"ImageJ=1.54p\nimages=4\nslices=-2\nframes=-2\nloop=false\n").build().bytes());
		f.omePart = alone("part.ome.tif", TestTiffs.spec().planes(4).description("<?xml version=\"1.0\"?><OME><Image " +
			"ID=\"Image:0\"><Pixels DimensionOrder=\"XYCZT\" SizeC=\"2\" SizeZ=\"5\" SizeT=\"1\"/></Image></OME>").build()
			.bytes());
		java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
		javax.imageio.ImageIO.write(new ColorProcessor(8, 6).getBufferedImage(), "png", png);
		byte[] bytes = png.toByteArray();
		ByteBuffer.wrap(bytes).putInt(16, 100_000).putInt(20, 100_000); // IHDR width and height
		java.util.zip.CRC32 crc = new java.util.zip.CRC32();
		crc.update(bytes, 12, 17);
		ByteBuffer.wrap(bytes).putInt(29, (int) crc.getValue());
		f.liarPng = alone("liar.png", bytes);
	}

	/** A built TIFF whose header declares width x height, its strip's byte count raised to {@code count} (0: kept). */
	static byte[] sized(TestTiffs.Built built, int width, int height, int count) {
		byte[] bytes = Arrays.copyOf(built.bytes(), built.bytes().length + count);
		ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		b.putInt(built.widthValues().get(0), width).putInt(built.widthValues().get(0) + 12, height);
		if (count > 0) b.putInt(built.stripCountValues().get(0), count);
		return bytes;
	}

	static Path alone(String name, byte[] bytes) throws IOException {
		Path folder = Files.createDirectories(f.dir.resolve("bad-" + name.replace('.', '-')));
		return Files.write(folder.resolve(name), bytes);
	}

	/** A folder that takes no new file: a read-only one, or /proc when running as root. */
	static Path readOnlyFolder() throws IOException {
		Path folder = Files.createDirectories(f.dir.resolve("read-only"));
		folder.toFile().setWritable(false, false);
		try {
			Files.delete(Files.createTempFile(folder, "probe", ".tmp"));
			return Path.of("/proc"); // permissions do not stop this user (root)
		}
		catch (IOException e) {
			return folder;
		}
	}

	@Test
	public void throughTheCommandLine() {
		for (Case c : CASES) {
			if (c.cli == null) continue;
			String[] a = c.cli.apply(f);
			ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
			int code = Main.run(a, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
			String error = err.toString(StandardCharsets.UTF_8);
			String label = c + ": ganomaly " + String.join(" ", a) + "\n" + error;
			if (c.cliMessage == null) {
				errors.checkThat(label, code, equalTo(0));
				continue;
			}
			errors.checkThat(label, code, equalTo(2));
			errors.checkThat(label, error, containsString(c.cliMessage));
			errors.checkThat(label, error, not(containsString("\tat ")));
			errors.checkThat(label, error.lines().filter(l -> !l.startsWith("see 'ganomaly")).count(), equalTo(1L));
		}
	}

	@Test
	public void throughTheFijiCommands() throws Exception {
		for (Case c : CASES) {
			if (c.command == null) continue;
			Object[] inputs = c.inputs.apply(f);
			List<ImagePlus> images = new ArrayList<>();
			List<Object> before = new ArrayList<>();
			for (Object o : inputs)
				if (o instanceof ImagePlus imp) {
					images.add(imp);
					before.add(pixels(imp));
				}
			// SciJava remembers inputs between runs (in the user's preferences, beyond this JVM): each row
			// starts afresh and leaves none of its bad values behind
			prefs.clear(TrainGanomalyCommand.class);
			prefs.clear(ScoreAnomaliesCommand.class);
			CommandModule m;
			try {
				m = commands.run(c.command, true, inputs).get();
			}
			finally {
				prefs.clear(TrainGanomalyCommand.class);
				prefs.clear(ScoreAnomaliesCommand.class);
			}
			String reason = ((Cancelable) m.getCommand()).getCancelReason();
			String label = c + ": " + c.command.getSimpleName() + " -> " + reason;
			if (c.commandMessage == null) errors.checkThat(label, reason, nullValue());
			else {
				errors.checkThat(label, reason, containsString(c.commandMessage));
				errors.checkThat(label, reason, not(containsString("\n")));
			}
			for (int i = 0; i < images.size(); i++)
				errors.checkThat(c + ": input image unchanged", Arrays.deepEquals(new Object[] { before.get(i) },
					new Object[] { pixels(images.get(i)) }), equalTo(true));
		}
	}

	/**
	 * A model whose graph copies a file when scoring is loaded as the good model is: the graph is
	 * never read (the engine builds the network from the manifest and restores only the weights), so
	 * it scores as the good model does and writes nothing.
	 */
	@Test
	public void aHostileGraphIsNeverRun() throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		String[] scores = new String[2];
		for (int i = 0; i < 2; i++) {
			Path output = f.out(i == 0 ? "o-good" : "o-hostile");
			int code = Main.run(score("--input", f.normal, "--model", i == 0 ? f.model : f.hostile, "--output", output,
				"--score", "density"), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
					StandardCharsets.UTF_8));
			assertEquals(err.toString(StandardCharsets.UTF_8), 0, code);
			scores[i] = Files.readString(output.resolve("scores.csv"));
		}
		assertEquals(scores[0], scores[1]);
		assertEquals(false, Files.exists(f.stolen));
	}

	/** {@code bytes} with every 64th byte changed (so every stored tensor's checksum fails). */
	static byte[] flipped(byte[] bytes) {
		byte[] out = bytes.clone();
		for (int i = 0; i < out.length; i += 64)
			out[i] ^= 0x55;
		return out;
	}

	/** The docs table and this test list the same rows, and the docs say where each is tested. */
	@Test
	public void docsListEveryRow() throws IOException {
		String docs = Files.readString(Path.of("docs/bad-inputs.md"));
		TreeSet<Integer> documented = new TreeSet<>(), tested = new TreeSet<>();
		Matcher row = Pattern.compile("(?m)^\\| (\\d+) \\|").matcher(docs);
		while (row.find())
			documented.add(Integer.parseInt(row.group(1)));
		for (Case c : CASES)
			tested.add(c.row);
		assertEquals(tested, documented);
		assertEquals("rows are numbered 1..n", CASES.size(), tested.last().intValue());
	}

	private static Object pixels(ImagePlus imp) {
		ImageStack stack = imp.getStack();
		Object[] planes = new Object[stack.getSize()];
		for (int i = 0; i < planes.length; i++)
			planes[i] = copy(stack.getPixels(i + 1));
		return planes;
	}

	private static Object copy(Object array) {
		if (array instanceof byte[] b) return b.clone();
		if (array instanceof short[] s) return s.clone();
		if (array instanceof float[] x) return x.clone();
		if (array instanceof int[] i) return i.clone();
		return array;
	}

	static ImageProcessor stripes(int width, int height, Random random) {
		ShortProcessor ip = new ShortProcessor(width, height);
		double phase = random.nextDouble() * 6.28;
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++)
				ip.set(x, y, (int) (1000 + 400 * Math.sin((x + y) * 0.6 + phase) + 30 * random.nextGaussian()));
		return ip;
	}

	static ImagePlus hyperstack(String title, int channels, int slices, int frames, Random random) {
		ImageStack stack = new ImageStack(SIZE, SIZE);
		for (int i = 0; i < channels * slices * frames; i++)
			stack.addSlice(stripes(SIZE, SIZE, random));
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(channels, slices, frames);
		if (channels * slices * frames > 1) imp.setOpenAsHyperStack(true);
		return imp;
	}

	static Path save(ImagePlus imp, String name) {
		Path file = f.dir.resolve(name);
		FileSaver saver = new FileSaver(imp);
		if (!(imp.getStackSize() > 1 ? saver.saveAsTiffStack(file.toString()) : saver.saveAsTiff(file.toString())))
			throw new IllegalStateException("could not write " + file);
		return file;
	}

	/**
	 * The graph {@code pb} with {@code WriteFile(write, ReadFile(read))} before {@code score}, made by
	 * {@code engine.tensorflow.HostileGraphs} with TensorFlow's proto classes, loaded here from the
	 * engine's jars: the coexistence run keeps them off the class path.
	 */
	static byte[] hostileGraph(byte[] pb, String read, String write) {
		List<URL> urls = new ArrayList<>();
		try (java.util.stream.Stream<Path> jars = Files.list(Path.of(System.getProperty("ganomaly.engine.dir")))) {
			for (Path jar : (Iterable<Path>) jars::iterator)
				urls.add(jar.toUri().toURL());
			urls.add(Path.of("target/test-classes").toUri().toURL());
			try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
				return (byte[]) loader.loadClass("sc.fiji.ganomaly.engine.tensorflow.HostileGraphs").getMethod(
					"copyingFileWhenScoring", byte[].class, String.class, String.class).invoke(null, pb, read, write);
			}
		}
		catch (IOException | ReflectiveOperationException e) {
			throw new IllegalStateException("could not make the hostile graph: " + e, e);
		}
	}

	/** Changes entries of the good model: return null to drop one. */
	interface EntryChange {
		byte[] apply(String name, byte[] content);
	}

	static Path rewrite(String name, EntryChange change) throws IOException {
		return rewrite(name, change, null, null);
	}

	/** As {@link #rewrite(String, EntryChange)}, adding an entry {@code extra} with {@code text} if not null. */
	static Path rewrite(String name, EntryChange change, String extra, String text) throws IOException {
		Path target = f.dir.resolve(name);
		try (InputStream in = Files.newInputStream(f.model); ZipInputStream zin = new ZipInputStream(in);
			OutputStream out = Files.newOutputStream(target); ZipOutputStream zout = new ZipOutputStream(out))
		{
			for (ZipEntry e; (e = zin.getNextEntry()) != null;) {
				byte[] content = change.apply(e.getName(), zin.readAllBytes());
				if (content == null) continue;
				zout.putNextEntry(new ZipEntry(e.getName()));
				zout.write(content);
				zout.closeEntry();
			}
			if (extra != null) {
				zout.putNextEntry(new ZipEntry(extra));
				zout.write(text.getBytes(StandardCharsets.UTF_8));
				zout.closeEntry();
			}
		}
		return target;
	}
}
