package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.python.core.PyList;
import org.python.util.PythonInterpreter;
import org.scijava.Context;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.plugin.Parameter;
import org.scijava.service.Service;

import ij.ImagePlus;
import ij.ImageStack;
import sc.fiji.ganomaly.ij.ImagePlusPlanes;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;

/** The shipped Jython scripts run, and the shipped macros use option keys the commands accept. */
public class ScriptsTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static File model;
	static Context context;

	@BeforeClass
	public static void trainSmallModel() {
		Random random = new Random(2);
		TrainingData data = new TrainingData();
		for (int i = 0; i < 3; i++)
			data.add("normal " + i, ImagePlusPlanes.of(new ImagePlus("n", CommandsTest.plane(random, false))).get(0).image());
		model = new File(tmp.getRoot(), "m.ganomaly.zip");
		try (GanomalyModel m = Ganomaly.train(data, new TrainingSettings().patchSize(16).nz(8).ngf(8).ndf(8).epochs(1)
			.patchesPerEpoch(64).batchSize(32).threads(2), null))
		{
			m.save(model.toPath());
		}
		context = new Context(CommandService.class, ConvertService.class, GanomalyService.class);
	}

	@AfterClass
	public static void dispose() {
		context.dispose();
	}

	private static ImagePlus stack() {
		Random random = new Random(3);
		ImageStack stack = new ImageStack(CommandsTest.SIZE, CommandsTest.SIZE);
		for (int i = 0; i < 2; i++)
			stack.addSlice(CommandsTest.plane(random, i == 1));
		return new ImagePlus("two slices", stack);
	}

	@Test
	public void apiScriptScoresEveryPlane() throws Exception {
		try (PythonInterpreter py = new PythonInterpreter()) {
			py.set("ganomaly", context.service(GanomalyService.class));
			py.set("model_file", model);
			py.set("image", stack());
			py.set("stride", 0);
			py.execfile(Files.newInputStream(Paths.get("scripts/score_with_api.py")), "score_with_api.py");
			assertEquals(2, ((PyList) py.get("results")).size());
			ImagePlus map = (ImagePlus) py.get("first_map").__tojava__(ImagePlus.class);
			assertEquals(CommandsTest.SIZE, map.getWidth());
			assertEquals(32, map.getBitDepth());
		}
	}

	/** The service's map is shown as the command's: Fire, from 0 to twice the model's threshold. */
	@Test
	public void theServicesMapIsShownAsTheCommands() throws Exception {
		GanomalyService ganomaly = context.service(GanomalyService.class);
		ImagePlus map = ganomaly.score(stack(), model, 0, null).anomalyMap();
		double threshold;
		try (var lease = ganomaly.model(model)) {
			threshold = lease.model().threshold();
		}
		assertEquals(2 * threshold, map.getDisplayRangeMax(), 1e-9);
		assertEquals(0, map.getDisplayRangeMin(), 0);
		java.awt.image.IndexColorModel lut = map.getProcessor().getLut();
		assertTrue("not grey", lut.getRed(128) != lut.getBlue(128));
	}

	@Test
	public void commandScriptReturnsMapAndTable() throws Exception {
		try (PythonInterpreter py = new PythonInterpreter()) {
			py.set("command", context.service(CommandService.class));
			py.set("model_file", model);
			py.set("image", stack());
			py.execfile(Files.newInputStream(Paths.get("scripts/score_with_commands.py")), "score_with_commands.py");
			ImagePlus map = (ImagePlus) py.get("anomaly_map").__tojava__(ImagePlus.class);
			assertEquals(2, map.getStackSize());
			ij.measure.ResultsTable table = (ij.measure.ResultsTable) py.get("table").__tojava__(ij.measure.ResultsTable.class);
			assertEquals(2, table.size());
		}
		// in the GUI, SciJava asks in a dialog for every input a script leaves out (headless, it does not)
		String script = Files.readString(Paths.get("scripts/score_with_commands.py"));
		Matcher call = Pattern.compile("command\\.run\\(ScoreAnomaliesCommand, True,([^)]*)\\)").matcher(script);
		assertTrue(call.find());
		// the arguments after True alternate: "key", value
		String[] args = call.group(1).split(",");
		Set<String> given = new HashSet<>();
		for (int i = 0; i + 1 < args.length; i += 2)
			given.add(args[i].trim().replace("\"", ""));
		for (Field f : ScoreAnomaliesCommand.class.getDeclaredFields()) {
			Parameter p = f.getAnnotation(Parameter.class);
			if (p != null && p.type() == org.scijava.ItemIO.INPUT && !Service.class.isAssignableFrom(f.getType()))
				assertTrue("score_with_commands.py leaves out the input " + f.getName(), given.contains(f.getName()));
		}
	}

	@Test
	public void macroOptionKeysAreCommandParameters() throws Exception {
		Pattern run = Pattern.compile("run\\(\"(Train GANomaly|Score Anomalies|Score Anomalies in Folder\\.\\.\\.)\",\\s*(.*)\\);");
		Pattern key = Pattern.compile("([a-zA-Z]+)=(\\[|\"|[0-9.]+)?");
		ConvertService convert = context.service(ConvertService.class);
		int checked = 0;
		for (String macro : new String[] { "scripts/score_folder.ijm", "scripts/train_from_folder.ijm" }) {
			for (String line : Files.readAllLines(Path.of(macro))) {
				Matcher m = run.matcher(line);
				if (!m.find()) continue;
				Class<?> command = switch (m.group(1)) {
					case "Train GANomaly" -> TrainGanomalyCommand.class;
					case "Score Anomalies" -> ScoreAnomaliesCommand.class;
					default -> ScoreFolderCommand.class;
				};
				Matcher k = key.matcher(m.group(2));
				while (k.find()) {
					Field field = parameter(command, k.group(1));
					String value = k.group(2);
					if (value != null && value.matches("[0-9.]+")) {
						Object converted = convert.convert(value, field.getType());
						assertTrue(macro + ": " + k.group(0) + " does not convert to " + field.getType(), converted != null);
					}
					checked++;
				}
			}
		}
		assertTrue("keys checked: " + checked, checked >= 4);
	}

	/** The @Parameter field whose lower-cased name is the macro key. */
	private static Field parameter(Class<?> command, String key) {
		Set<String> names = new HashSet<>();
		for (Field f : command.getDeclaredFields()) {
			if (!f.isAnnotationPresent(Parameter.class) || Service.class.isAssignableFrom(f.getType())) continue;
			if (f.getName().toLowerCase().equals(key)) return f;
			names.add(f.getName().toLowerCase());
		}
		throw new AssertionError(command.getSimpleName() + " has no parameter '" + key + "'; it has " + names);
	}
}
