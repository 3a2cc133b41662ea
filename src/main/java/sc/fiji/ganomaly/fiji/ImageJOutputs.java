package sc.fiji.ganomaly.fiji;

import org.scijava.Priority;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPostprocessorPlugin;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.thread.ThreadService;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;
import ij.plugin.filter.Analyzer;
import ij.plugin.frame.Recorder;

/**
 * Hands the outputs of a GANomaly command to ImageJ 1.x the way its own commands do, so that a
 * macro can use them, headless too: images become ImageJ images (batch-mode images in a batch
 * macro or headless), the scores become the Results table (the one table a headless macro can
 * read), and the training summary goes to the log only. Outside macros the GUI shows the images
 * through SciJava as usual; with no ImageJ to show them (scripts, tests) outputs are only
 * returned. The last image shown is the one the macro is on next, in batch mode too. The macro
 * recorder is told which image was scored. Runs before SciJava's display.
 */
@Plugin(type = PostprocessorPlugin.class, priority = Priority.VERY_HIGH)
public class ImageJOutputs extends AbstractPostprocessorPlugin {

	@Parameter(required = false)
	private ThreadService threads;

	@Override
	public void process(Module module) {
		if (!(module.getDelegateObject() instanceof CancelableCommand command)) return;
		boolean macro = IJ.isMacro(), gui = IJ.getInstance() != null;
		if (!macro && gui && Recorder.record && command.usedImage() && !command.isCanceled() &&
			module.getInput("image") instanceof ImagePlus imp)
			Recorder.recordOption("image", imp.getTitle());
		for (ModuleItem<?> output : module.getInfo().outputs()) {
			String name = output.getName();
			Object value = module.getOutput(name);
			if (value instanceof ResultsTable table) {
				if (macro || gui) Analyzer.setResultsTable(table);
				if (gui) table.show(ScoreAnomaliesCommand.TABLE);
				module.resolveOutput(name);
			}
			else if (value instanceof ImagePlus image) {
				if (macro) {
					image.show();
					MacroImage.makeCurrent(threads, image);
				}
				if (macro || !gui) module.resolveOutput(name);
			}
			else module.resolveOutput(name); // the summary is in the log; no window for a line of text
		}
	}
}
