package sc.fiji.ganomaly.fiji;

import java.awt.GraphicsEnvironment;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.scijava.Cancelable;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.ui.UIService;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import sc.fiji.ganomaly.engine.EngineException;

/**
 * What the GANomaly commands that run work share: a user's cancel request, polled by the running work, and a
 * failure reported as one line: the command's cancel reason and the log (in the GUI also ImageJ's
 * Log window, where it stays once a dialog is closed), and, inside an ImageJ macro, ImageJ's own
 * error, which stops the macro. An unexpected failure's stack trace goes to
 * the log only. In the GUI the work shows a Stop button that cancels the command.
 */
abstract class CancelableCommand implements Command, Cancelable {

	/** The cancel reason of the Stop button and of {@link GanomalyService#cancelAll()}. */
	static final String STOPPED = "stopped by the user";

	@Parameter(required = false)
	protected LogService log;

	@Parameter(required = false)
	protected UIService ui;

	@Parameter(required = false)
	private org.scijava.prefs.PrefService prefs;

	private volatile String cancelReason;
	private volatile boolean canceledByUser, failed;

	/** The menu name, which titles messages. */
	abstract String title();

	/** True if the command read its {@code image} input (the recorder then names the image). */
	abstract boolean usedImage();

	/** True once the user asked to stop. */
	protected boolean canceledByUser() {
		return canceledByUser;
	}

	/** True in Fiji's GUI, where Stop buttons are shown; false headless. */
	protected boolean gui() {
		return ui != null && !ui.isHeadless() && !GraphicsEnvironment.isHeadless();
	}

	/** In the GUI, a {@link ProgressWindow} whose Stop button cancels this command; headless null. */
	protected ProgressWindow progressWindow(ImagePlus image) {
		return progressWindow(image, ProgressWindow.KEEPS_WHAT_IS_FINISHED);
	}

	/** {@link #progressWindow(ImagePlus)} whose Stop button's tooltip says what a stop keeps. */
	protected ProgressWindow progressWindow(ImagePlus image, String stopTooltip) {
		return gui() ? new ProgressWindow(title(), () -> cancel(STOPPED), image, stopTooltip) : null;
	}

	/** Ends the command with a one-line reason; see the class description. */
	protected void fail(RuntimeException e) {
		if (e.getCause() instanceof OutOfMemoryError) { // GanomalyService's, which has dropped the work's memory
			fail(outOfMemory());
			return;
		}
		boolean expected = e instanceof IllegalArgumentException || e instanceof UncheckedIOException ||
			e instanceof EngineException || e instanceof java.util.concurrent.CancellationException;
		String message = expected ? e.getMessage() : "unexpected failure: " + e;
		fail(message);
		if (!expected && log != null) log.error(title() + ": " + message, e);
	}

	/**
	 * Ends the command that ran out of memory with one line, as a bad input does (the work's memory is free
	 * again once it is dropped): how much Java may use, and where to give Fiji more.
	 */
	protected void fail(OutOfMemoryError e) {
		fail(outOfMemory());
	}

	/** What running out of memory means in Fiji, in one line. */
	static String outOfMemory() {
		return "out of memory: Java may use at most " + (Runtime.getRuntime().maxMemory() >> 20) + " MB; give Fiji " +
			"more in Edit > Options > Memory & Threads, or use smaller images";
	}

	/** Ends the command with a one-line reason; see the class description. */
	protected void fail(String message) {
		String named = macroKeys(message), line = title() + ": " + named;
		cancelReason = line;
		failed = true;
		forgetRefused(message);
		// in the GUI also in the Log window, where the line stays once its dialog is closed
		if (!IJ.isMacro()) {
			FijiLog.error(log, line);
			return;
		}
		if (!IJ.redirectingErrorMessages()) FijiLog.toLogWindow(line); // redirected, IJ.error writes it there itself
		stopMacro(title(), named);
	}

	/**
	 * Forgets the remembered value of the input that {@code message} refuses ("stride must lie
	 * between …"), which SciJava saved as the dialog closed, or as a macro's run began
	 * (imagej-legacy saves a macro's values too): the next dialog shows the default instead of the
	 * value that fails again. A macro's refused value that was not saved leaves the dialog's value as
	 * it was.
	 */
	private void forgetRefused(String message) {
		if (prefs == null || message == null) return;
		for (Input in : inputs())
			if (in.remembered() && (message.startsWith(in.name() + " ") || message.startsWith(in.name() + ":")) && (!IJ
				.isMacro() || saved(in.value(this)).equals(prefs.get(getClass(), in.name())))) prefs.remove(getClass(), in
					.name());
	}

	/** A value as SciJava saves it: a file by its absolute path, anything else as its text. */
	private static String saved(Object value) {
		return value instanceof java.io.File f ? f.getAbsolutePath() : String.valueOf(value);
	}

	/**
	 * {@code message} with the command's inputs named as a macro's option keys name them, the field
	 * names in lower case ({@code patchSize}: {@code patchsize}), where they stand as words of the
	 * message's prose (not inside a path or an image's title).
	 */
	String macroKeys(String message) {
		if (message == null) return null;
		for (Input in : inputs()) {
			String key = in.name().toLowerCase(Locale.ROOT);
			if (!key.equals(in.name())) message = message.replaceAll("(?<![^ (])" + in.name() + "(?=$|[ ,.;:)])", key);
		}
		return message;
	}

	/**
	 * A {@code @Parameter} field of the command: its name, and whether SciJava remembers its value
	 * between dialogs (an input that persists).
	 */
	private record Input(java.lang.reflect.Field field, boolean remembered) {

		String name() {
			return field.getName();
		}

		/** The input's value in {@code command}. */
		Object value(Object command) {
			try {
				field.setAccessible(true);
				return field.get(command);
			}
			catch (ReflectiveOperationException | RuntimeException e) {
				return null;
			}
		}
	}

	/** The command's {@code @Parameter} fields, its own and its superclasses'. */
	private List<Input> inputs() {
		List<Input> out = new ArrayList<>();
		for (Class<?> c = getClass(); c != null; c = c.getSuperclass())
			for (java.lang.reflect.Field f : c.getDeclaredFields()) {
				Parameter p = f.getAnnotation(Parameter.class);
				if (p != null) out.add(new Input(f, p.persist() && p.type() == org.scijava.ItemIO.INPUT));
			}
		return out;
	}

	/** Inside an ImageJ macro: shows {@code message} titled {@code title} and stops the macro. */
	static void stopMacro(String title, String message) {
		// In the GUI the interpreter's own "Macro Error" dialog does not open while a command's
		// macro options are set, so the message is shown as ImageJ's commands show theirs.
		// Called by IJ.run from a script or plugin (no macro interpreter), IJ.error opens its own dialog.
		if (!GraphicsEnvironment.isHeadless() && ij.macro.Interpreter.getInstance() != null) IJ.showMessage(title, message);
		try {
			IJ.error(title, message); // stops the macro; headless: "Macro Error: <message> in line n"
		}
		catch (RuntimeException e) {
			// the interpreter stopped the macro and says so by throwing "Macro canceled"
			if (!Macro.MACRO_CANCELED.equals(e.getMessage())) throw e;
		}
	}

	/**
	 * Ends a command that the user stopped before it made its outputs: quietly, but inside a macro
	 * as a failure, which stops the macro, whose next lines would read outputs that were not made
	 * (the Results of an earlier run).
	 */
	protected void stoppedWithoutOutputs(String message) {
		if (IJ.isMacro()) fail(message);
		else stop(title() + ": " + message);
	}

	/**
	 * Ends the run as finished although the user asked to stop: the stop came while the work was
	 * still to make its outputs and they were made (a stopped training's best model written). So
	 * nothing reports it as cancelled: no "stopped by the user" dialog, and the recorder records the
	 * run's keys. A failure's reason stays.
	 */
	protected void finishedDespiteStop() {
		if (canceledByUser && !failed) cancelReason = null;
	}

	/** Ends the command quietly with a reason. */
	protected void stop(String reason) {
		cancelReason = reason;
		failed = true;
	}

	@Override
	public boolean isCanceled() {
		return cancelReason != null;
	}

	@Override
	public void cancel(String reason) {
		canceledByUser = true;
		if (cancelReason == null) cancelReason = reason == null ? "cancelled" : reason;
	}

	@Override
	public String getCancelReason() {
		return cancelReason;
	}
}
