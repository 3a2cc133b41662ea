package sc.fiji.ganomaly.fiji;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.scijava.ItemVisibility;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.prefs.PrefService;

import ij.IJ;
import ij.Macro;
import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.EngineException;
import sc.fiji.ganomaly.engine.EngineLoader;
import sc.fiji.ganomaly.engine.NativePlatform;

/**
 * Plugins › GANomaly › GANomaly Options…: chooses the device (CPU or GPU, saved for later sessions and used
 * by every later training and scoring) and reports the engine: TensorFlow's version, the natives it
 * runs on and where from, the platform, the devices TensorFlow sees and the one in use, and, when
 * the GPU natives are missing, which file to get and where to put it. The report goes to ImageJ's
 * Log window (standard output headless). Macro: {@code run("GANomaly Options...", "device=GPU");}
 */
@Plugin(type = Command.class, menuPath = "Plugins>GANomaly>GANomaly Options...", initializer = "init")
public class OptionsCommand implements Command, org.scijava.Cancelable {

	/** Set by the dialog's Cancel (SciJava's dialog shows Cancel only for a cancelable command). */
	private volatile String cancelReason;

	@Parameter(visibility = ItemVisibility.MESSAGE, persist = false)
	private String about = "";

	@Parameter(label = "Device", choices = { DeviceChoice.CPU, DeviceChoice.GPU }, persist = false)
	private String device = DeviceChoice.CPU;

	@Parameter(required = false)
	private PrefService prefs;

	/** Shows the saved device (unless a macro gives one) and what is installed, before the dialog opens. */
	protected void init() {
		if (!(IJ.isMacro() && Macro.getOptions() != null && Macro.getOptions().contains("device="))) device =
			DeviceChoice.saved(prefs);
		about = "<html>" + String.join("<br>", installed().stream().map(OptionsCommand::wrap).toList()) + "</html>";
	}

	@Override
	public void run() {
		List<String> lines = new ArrayList<>();
		try {
			DeviceChoice.choose(prefs, device);
		}
		catch (IllegalArgumentException e) {
			if (IJ.isMacro()) { // a macro's bad device stops it, as the other commands' bad inputs do
				CancelableCommand.stopMacro("GANomaly Options", e.getMessage());
				return;
			}
			lines.add("GANomaly options: " + e.getMessage());
		}
		lines.addAll(report());
		for (String line : lines)
			IJ.log(line);
	}

	/** The report: what is installed, then the loaded engine, its devices and the device in use. */
	List<String> report() {
		List<String> lines = new ArrayList<>();
		lines.add("GANomaly options: device " + DeviceChoice.saved(prefs) + (DeviceChoice.launch() == null ? " (saved)"
			: ", but " + DeviceChoice.launch() + " was set when Fiji started and is used instead"));
		lines.addAll(installed());
		boolean loadedBefore = EngineLoader.loaded() != null;
		try {
			Engine engine = EngineLoader.tensorflow();
			lines.add("Engine: " + engine.description() + " on TensorFlow Java " + NativePlatform.TENSORFLOW_JAVA);
			for (Path natives : EngineLoader.loadedNatives())
				lines.add("Natives loaded from: " + natives);
			lines.add("Devices TensorFlow sees: " + String.join(", ", engine.devices()));
			boolean gpu = engine.devices().stream().anyMatch(d -> d.contains(":GPU:"));
			lines.add("Device in use: " + (gpu ? "GPU" : "CPU"));
			if (loadedBefore && EngineLoader.restartLoadsOtherNatives())
				lines.add("The engine was loaded for the " + (EngineLoader.loadedForGpu() ? "GPU" : "CPU") + " in this " +
					"session: restart Fiji to use the " + (EngineLoader.loadedForGpu() ? "CPU" : "GPU"));
		}
		catch (EngineException e) {
			lines.add("Engine: cannot be loaded: " + e.getMessage());
		}
		return lines;
	}

	/** {@code line} broken at spaces into lines of about 100 characters, for the dialog. */
	static String wrap(String line) {
		StringBuilder s = new StringBuilder();
		int width = 0;
		for (String word : line.split(" ")) {
			if (width > 0 && width + word.length() > 100) {
				s.append("<br>&nbsp;&nbsp;");
				width = 2;
			}
			else if (width > 0) {
				s.append(' ');
				width++;
			}
			s.append(word.replace("<", "&lt;"));
			width += word.length();
		}
		return s.toString();
	}

	/** Platform, engine folder and GPU natives as installed, without loading TensorFlow. */
	static List<String> installed() {
		List<String> lines = new ArrayList<>();
		NativePlatform platform;
		try {
			platform = NativePlatform.current();
			lines.add("Platform: " + platform.label() + " (update-site folder lib/" + platform.updater() + "/)");
		}
		catch (EngineException e) {
			lines.add("Platform: " + e.getMessage());
			return lines;
		}
		Path folder;
		try {
			folder = EngineLoader.folder();
			lines.add("Engine folder: " + folder);
		}
		catch (EngineException e) {
			lines.add("Engine folder: " + e.getMessage());
			return lines;
		}
		lines.add("GPU natives: " + gpuNatives(folder, platform));
		return lines;
	}

	/** Which GPU natives are installed, or what to get and where to put it. */
	static String gpuNatives(Path folder, NativePlatform platform) {
		if (!platform.classifier().equals("linux-x86_64")) return "none: TensorFlow Java " +
			NativePlatform.TENSORFLOW_JAVA + " has a GPU build for Linux x86-64 only, so GANomaly runs on the CPU on " +
			platform.label();
		List<Path> jars = EngineLoader.gpuNatives(folder, platform);
		if (!jars.isEmpty()) return String.join(", ", jars.stream().map(Path::toString).toList()) +
			" (needs CUDA 12 and cuDNN 9)";
		return "missing: get " + EngineLoader.GPU_NATIVES_JAR + " (Maven Central: org.tensorflow:tensorflow-core-native:" +
			NativePlatform.TENSORFLOW_JAVA + ", classifier linux-x86_64-gpu, 526 MB) into " +
			folder.resolve(EngineLoader.GPU_FOLDER) + "/ (scripts/install-into-fiji --gpu does it), then restart Fiji";
	}

	@Override
	public boolean isCanceled() {
		return cancelReason != null;
	}

	@Override
	public void cancel(String reason) {
		cancelReason = reason == null ? "cancelled" : reason;
	}

	@Override
	public String getCancelReason() {
		return cancelReason;
	}
}
