package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;

import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.scijava.Context;
import org.scijava.command.CommandService;
import org.scijava.module.Module;

import ij.ImagePlus;
import ij.WindowManager;
import ij.process.ByteProcessor;
import sc.fiji.ganomaly.core.ScoreParameters;


/** How a macro's option string fills a command's inputs: ImageJ's syntax, documented defaults. */
public class MacroInputsTest {

	static Context context;

	@BeforeClass
	public static void start() {
		context = new Context(CommandService.class);
	}

	@AfterClass
	public static void stop() {
		context.dispose();
	}

	/** The active image of the commands that read one when the macro names none. */
	@Before
	public void activeImage() {
		WindowManager.setTempCurrentImage(new ImagePlus("active", new ByteProcessor(64, 64)));
	}

	@After
	public void noActiveImage() {
		WindowManager.setTempCurrentImage(null);
	}

	private static Module module(Class<?> command) throws Exception {
		return context.service(CommandService.class).getCommand(command.getName()).createModule();
	}

	/** A relative file in a macro is read where ImageJ's open would read it: its current folder. */
	@Test
	public void relativeFilesAreInImageJsCurrentFolder() {
		String before = ij.io.OpenDialog.getDefaultDirectory();
		try {
			ij.io.OpenDialog.setDefaultDirectory("/data/run1/");
			assertEquals(new File("/data/run1/cells.ganomaly.zip"), MacroInputs.file("cells.ganomaly.zip"));
			assertEquals(new File("/elsewhere/m.zip"), MacroInputs.file("/elsewhere/m.zip"));
			assertNull(MacroInputs.file(""));
		}
		finally {
			ij.io.OpenDialog.setDefaultDirectory(before);
		}
	}

	@Test
	public void bracketsWithinAValueAreReadAsImageJReadsThem() {
		for (String options : new String[] { "image=[cells [1].tif] model=[/data/m [2].zip] createmask",
			"image=[a [b [c]] d].tif] model=/m.zip", "image=[x] model=[/data/[old] m.zip]" })
		{
			MacroOptions o = MacroOptions.parse(options);
			for (String key : new String[] { "image", "model" })
				assertEquals(options, ij.Macro.getValue(options, key, null), o.value(key));
		}
		assertEquals("cells [1].tif", MacroOptions.parse("image=[cells [1].tif] model=/m.zip").value("image"));
	}

	@Test
	public void optionStringsAreReadAsImageJReadsThem() {
		MacroOptions o = MacroOptions.parse("image=[my cells.tif] model=/data/m.zip createmask Stride=8 threshold=[]");
		assertEquals("my cells.tif", o.value("image"));
		assertEquals("/data/m.zip", o.value("model"));
		assertTrue("a bare key is present", o.has("createmask"));
		assertNull(o.value("createmask"));
		assertEquals("keys are lower-cased", "8", o.value("stride"));
		assertEquals("", o.value("threshold"));
		assertFalse(o.has("folder"));
	}

	@Test
	public void omittedKeysTakeTheDocumentedDefaultsNotRememberedValues() throws Exception {
		Module m = module(ScoreAnomaliesCommand.class);
		m.setInput("stride", 5); // as if remembered from an earlier dialog
		m.setInput("createMask", true);
		m.setInput("threshold", "2.5");
		MacroInputs.fill(m, MacroOptions.parse("model=/data/m.zip"));
		assertEquals(ScoreParameters.DEFAULT_STRIDE, m.getInput("stride"));
		assertEquals(false, m.getInput("createMask"));
		assertEquals(ScoreParameters.MODEL_THRESHOLD, m.getInput("threshold"));
		assertEquals(new File("/data/m.zip"), m.getInput("model"));
		assertTrue("no dialog: every input is resolved", m.isInputResolved("threshold") && m.isInputResolved("image"));
	}

	@Test
	public void aBareKeyTurnsACheckboxOn() throws Exception {
		Module m = module(ScoreAnomaliesCommand.class);
		MacroInputs.fill(m, MacroOptions.parse("model=/m.zip createmask stride=4 threshold=1.5"));
		assertEquals(true, m.getInput("createMask"));
		assertEquals(4, m.getInput("stride"));
		assertEquals("1.5", m.getInput("threshold"));
	}

	@Test
	public void aFolderMeansNoImage() throws Exception {
		Module m = module(TrainGanomalyCommand.class);
		MacroInputs.fill(m, MacroOptions.parse("folder=[/data/normal images] model=/m.zip epochs=3"));
		assertNull(m.getInput("image"));
		assertEquals(new File("/data/normal images"), m.getInput("folder"));
		assertEquals(3, m.getInput("epochs"));
		assertEquals("32", m.getInput("patchSize"));
		assertEquals(64, m.getInput("batchSize"));
	}

	@Test
	public void badKeysAndValuesNameTheKey() throws Exception {
		expectFailure(TrainGanomalyCommand.class, "folder=/x model=/m.zip epoch=3", "unknown key 'epoch'; this command " +
			"takes batchsize, epochs, folder, image, model, patchsize, resume, score, seed, validationfraction");
		expectFailure(TrainGanomalyCommand.class, "folder=/x model=/m.zip epochs=many", "epochs must be a whole number, " +
			"not 'many'");
		expectFailure(ScoreAnomaliesCommand.class, "model=/m.zip createmask=maybe", "createmask must be true or false");
		expectFailure(ScoreAnomaliesCommand.class, "image=[no such image] model=/m.zip",
			"image: no open image is titled 'no such image'");
		// a required key left out: SciJava alone would cancel the command quietly and the macro go on
		WindowManager.setTempCurrentImage(null);
		expectFailure(ScoreAnomaliesCommand.class, "model=/m.zip stride=4", "image: no image is open; open one or give " +
			"image=TITLE");
		expectFailure(TrainGanomalyCommand.class, "folder=/x score=texture", "model is required: add model=...");
		expectFailure(ScoreFolderCommand.class, "folder=/x model=/m.zip", "output is required: add output=...");
		// an empty value, as a macro's unset variable gives: left out, not the current folder
		expectFailure(ScoreFolderCommand.class, "folder=/x model=/m.zip output=", "output is required: add output=...");
		expectFailure(ScoreFolderCommand.class, "folder=/x model=[] output=/o", "model is required: add model=...");
	}

	/** Of open images of one title, image=TITLE takes the current one, and refuses to guess where none is current. */
	@Test
	public void ofImagesOfOneTitleTheCurrentOneIsScored() throws Exception {
		ImagePlus first = new ImagePlus("cells.tif", new ByteProcessor(8, 8)), second = new ImagePlus("cells.tif",
			new ByteProcessor(8, 8));
		boolean batch = ij.macro.Interpreter.batchMode;
		ij.macro.Interpreter.batchMode = true;
		try {
			ij.macro.Interpreter.addBatchModeImage(first);
			ij.macro.Interpreter.addBatchModeImage(second);
			WindowManager.setTempCurrentImage(second);
			Module m = module(ScoreAnomaliesCommand.class);
			MacroInputs.fill(m, MacroOptions.parse("image=cells.tif model=/m.zip"));
			assertSame(second, m.getInput("image"));
			WindowManager.setTempCurrentImage(new ImagePlus("other", new ByteProcessor(8, 8)));
			expectFailure(ScoreAnomaliesCommand.class, "image=cells.tif model=/m.zip", "image: 2 open images are titled " +
				"'cells.tif'; make the one meant the current image (selectImage) or give it a title of its own");
		}
		finally {
			ij.macro.Interpreter.removeBatchModeImage(first);
			ij.macro.Interpreter.removeBatchModeImage(second);
			ij.macro.Interpreter.batchMode = batch;
			WindowManager.setTempCurrentImage(null);
		}
	}

	private static void expectFailure(Class<?> command, String options, String message) throws Exception {
		try {
			MacroInputs.fill(module(command), MacroOptions.parse(options));
			fail("accepted " + options);
		}
		catch (IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().startsWith(message));
		}
	}
}
