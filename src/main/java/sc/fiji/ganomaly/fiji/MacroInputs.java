package sc.fiji.ganomaly.fiji;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.scijava.Context;
import org.scijava.Priority;
import org.scijava.module.Module;
import org.scijava.module.ModuleException;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Plugin;
import org.scijava.service.Service;
import org.scijava.thread.ThreadService;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;

/**
 * Fills every input of a GANomaly command run from an ImageJ 1.x macro, so that a macro never
 * meets a dialog: a key the macro gives sets its input (an image by title or ID, a bare key turns a
 * checkbox on); a key it omits means the documented default, never a value remembered from an
 * earlier dialog; an omitted image means the image the macro is on ({@link MacroImage}; for
 * training, only when no folder is given). An unknown key, a value of the wrong kind, a title of no open image or a required key
 * left out stops the macro with one line naming the key. Runs right after SciJava fills services
 * and imagej-legacy reads the macro's keys, and overrides what it read.
 */
@Plugin(type = PreprocessorPlugin.class, priority = 2 * Priority.VERY_HIGH - 1)
public class MacroInputs extends AbstractPreprocessorPlugin {

	@Override
	public void process(Module module) {
		if (!(module.getDelegateObject() instanceof CancelableCommand command)) return;
		String options = IJ.isMacro() ? Macro.getOptions() : null;
		if (options == null) return;
		try {
			fill(module, MacroOptions.parse(options), () -> MacroImage.current(context().getService(ThreadService.class)));
		}
		catch (IllegalArgumentException e) {
			command.fail(e);
			cancel(command.getCancelReason());
		}
	}

	static void fill(Module module, MacroOptions options) {
		fill(module, options, WindowManager::getCurrentImage);
	}

	/** Fills the inputs of {@code module} from {@code options}; an omitted image is {@code current}'s. */
	static void fill(Module module, MacroOptions options, Supplier<ImagePlus> current) {
		Module defaults;
		try {
			defaults = module.getInfo().createModule();
		}
		catch (ModuleException e) {
			throw new IllegalStateException("cannot read the defaults of " + module.getInfo().getTitle(), e);
		}
		List<String> keys = new ArrayList<>();
		String missing = null;
		for (ModuleItem<?> input : module.getInfo().inputs()) {
			Class<?> type = input.getType();
			if (Service.class.isAssignableFrom(type) || Context.class.isAssignableFrom(type)) continue;
			String name = input.getName(), key = name.toLowerCase(Locale.ROOT);
			keys.add(key);
			Object value;
			if (options.has(key)) value = convert(key, options.value(key), type, current);
			else if (type == ImagePlus.class) value = options.has("folder") ? null : current.get();
			else value = defaults.getInput(name);
			// SciJava would cancel the command quietly, and the macro would go on
			if (value == null && input.isRequired() && missing == null) missing = type == ImagePlus.class ? key +
				": no image is open; open one or give " + key + "=TITLE" : key + " is required: add " + key +
					"=... to the macro's options";
			module.setInput(name, value);
			module.resolveInput(name);
		}
		for (String key : options.keys())
			if (!keys.contains(key)) throw new IllegalArgumentException("unknown key '" + key + "'; this command takes " +
				String.join(", ", new TreeSet<>(keys)));
		if (missing != null) throw new IllegalArgumentException(missing);
	}

	private static Object convert(String key, String value, Class<?> type, Supplier<ImagePlus> current) {
		if (type == boolean.class || type == Boolean.class) {
			if (value == null || value.equalsIgnoreCase("true")) return true;
			if (value.equalsIgnoreCase("false")) return false;
			throw new IllegalArgumentException(key + " must be true or false (or the bare key for true), not '" + value +
				"'");
		}
		if (value == null) throw new IllegalArgumentException(key + " needs a value: " + key + "=...");
		if (type == ImagePlus.class) return image(key, value, current);
		if (type == File.class) return file(value);
		if (type == String.class) return value;
		try {
			if (type == int.class || type == Integer.class) return Integer.parseInt(value.trim());
			if (type == long.class || type == Long.class) return Long.parseLong(value.trim());
			if (type == double.class || type == Double.class) return Double.parseDouble(value.trim());
			if (type == float.class || type == Float.class) return Float.parseFloat(value.trim());
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException(key + " must be a " + (type == double.class || type == float.class ||
				type == Double.class || type == Float.class ? "number" : "whole number") + ", not '" + value + "'");
		}
		throw new IllegalArgumentException(key + ": cannot read '" + value + "' as " + type.getSimpleName());
	}

	/**
	 * A file named in a macro: empty as if left out ({@code model=[]}); a relative path, as ImageJ's
	 * own {@code open} reads one, in ImageJ's current folder (the last one a file dialog showed), not
	 * in the folder Fiji was started from.
	 */
	static File file(String value) {
		if (value.isBlank()) return null;
		File f = new File(value);
		String folder = ij.io.OpenDialog.getDefaultDirectory();
		return f.isAbsolute() || folder == null || folder.isEmpty() ? f : new File(folder, value);
	}

	/**
	 * An open image by title, or by ID as ImageJ gives them (negative numbers). Of several open
	 * images of one title, the macro's {@code current} one; if none of them is current, none (ImageJ's lookup would
	 * take the first, silently another image than the user looks at).
	 */
	private static ImagePlus image(String key, String value, Supplier<ImagePlus> current) {
		ImagePlus imp = WindowManager.getImage(value);
		if (imp != null) {
			int alike = 0;
			int[] ids = WindowManager.getIDList();
			for (int id : ids == null ? new int[0] : ids) {
				ImagePlus other = WindowManager.getImage(id);
				if (other != null && value.equals(other.getTitle())) alike++;
			}
			if (alike > 1) {
				ImagePlus macros = current.get();
				if (macros != null && value.equals(macros.getTitle())) return macros;
				throw new IllegalArgumentException(key + ": " + alike + " open images are titled '" + value + "'; make the " +
					"one meant the current image (selectImage) or give it a title of its own (Image > Rename...)");
			}
		}
		if (imp == null) {
			try {
				int id = Integer.parseInt(value.trim());
				if (id < 0) imp = WindowManager.getImage(id);
			}
			catch (NumberFormatException e) {
				// not an ID
			}
		}
		if (imp != null) return imp;
		String[] titles = WindowManager.getImageTitles();
		throw new IllegalArgumentException(key + ": no open image is titled '" + value + "'" + (titles.length == 0
			? " (no image is open)" : "; open images: " + String.join(", ", titles)));
	}
}
