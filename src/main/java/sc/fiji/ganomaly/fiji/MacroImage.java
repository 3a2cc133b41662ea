package sc.fiji.ganomaly.fiji;

import java.lang.reflect.Field;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.scijava.thread.ThreadService;

import ij.ImagePlus;
import ij.WindowManager;

/**
 * The image an ImageJ 1.x macro is on, for a command the macro runs. imagej-legacy runs the command
 * on a pool thread of SciJava's {@link ThreadService}, and ImageJ keeps the current image of a
 * batch-mode or headless macro per thread: the pool thread's own is whatever an earlier command showed
 * on it (an earlier anomaly map). So the current image is the one of the nearest ancestor thread that
 * has one (the macro's), else ImageJ's active image without this thread's leftover.
 */
final class MacroImage {

	private MacroImage() {}

	/** What the macro's {@code getTitle()} would name now; null if no image is open. */
	static ImagePlus current(ThreadService threads) {
		Thread self = Thread.currentThread();
		Thread parent = threads == null ? null : threads.getParent(self);
		if (parent == null) return WindowManager.getCurrentImage(); // the command runs on the macro's own thread
		Set<Thread> seen = new HashSet<>(Set.of(self));
		for (Thread t = parent; t != null && seen.add(t); t = threads.getParent(t)) {
			ImagePlus imp = temporary(t);
			if (imp != null) return imp;
		}
		WindowManager.setTempCurrentImage(null);
		return WindowManager.getCurrentImage();
	}

	/**
	 * Makes {@code imp}, just shown on the command's thread, the image the macro that ran the command
	 * is on, as ImageJ's own commands leave their output: in batch mode and headless ImageJ holds it
	 * per thread, so showing it on the pool thread alone would leave the macro on its input (whose
	 * next {@code saveAs} would save and rename the input).
	 */
	static void makeCurrent(ThreadService threads, ImagePlus imp) {
		if (imp.getWindow() != null) return; // in a window it is every thread's active image
		Thread parent = threads == null ? null : threads.getParent(Thread.currentThread());
		if (parent != null) WindowManager.setTempCurrentImage(parent, imp);
	}

	/** The image ImageJ holds as current for {@code thread} alone (batch mode, headless), or null. */
	private static ImagePlus temporary(Thread thread) {
		try {
			Field table = WindowManager.class.getDeclaredField("tempImageTable");
			table.setAccessible(true);
			return table.get(null) instanceof Map<?, ?> map && map.get(thread) instanceof ImagePlus imp ? imp : null;
		}
		catch (ReflectiveOperationException | RuntimeException e) {
			return null; // another ImageJ: its active image, as above
		}
	}
}
