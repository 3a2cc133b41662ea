package sc.fiji.ganomaly.fiji;

import java.awt.Component;
import java.awt.Container;
import java.awt.Window;
import java.nio.file.Files;
import java.nio.file.Paths;

import javax.swing.JButton;
import javax.swing.SwingUtilities;

import org.jfree.chart.ChartPanel;

/**
 * Test helper run inside the Fiji runtime (a macro's {@code call()}): waits in the background
 * until the loss chart shows epoch {@code epoch}, writes {@code marker} (for a screenshot), waits
 * {@code delayMs} and presses the window's Stop button (found by its name) with
 * {@link JButton#doClick()}, which runs its listeners as a mouse click does.
 */
public final class StopClicker {

	private StopClicker() {}

	/** Moves and sizes the showing window whose title starts with {@code title} (for screenshots); "ok" or "none". */
	public static String place(String title, String x, String y, String width, String height) {
		for (Window w : Window.getWindows()) {
			String t = w instanceof java.awt.Frame f ? f.getTitle() : w instanceof java.awt.Dialog d ? d.getTitle() : "";
			if (w.isShowing() && t.startsWith(title)) {
				w.setBounds(Integer.parseInt(x), Integer.parseInt(y), Integer.parseInt(width), Integer.parseInt(height));
				return "ok";
			}
		}
		return "none";
	}

	/** Starts the clicker; returns at once. */
	public static String clickAfterEpoch(String epoch, String marker, String delayMs) {
		return clickWhenFound(() -> find(Integer.parseInt(epoch)), 100, "no Stop button at epoch " + epoch,
			marker.isEmpty() ? null : () -> Files.writeString(Paths.get(marker), "epoch " + epoch), Long.parseLong(delayMs));
	}

	/**
	 * Starts a clicker that presses the Stop button of the first showing window titled
	 * {@code title} (a progress window of scoring) {@code delayMs} after it appears; returns at once.
	 */
	public static String clickWhenShown(String title, String delayMs) {
		return clickWhenFound(() -> {
			for (Window w : Window.getWindows())
				if (w.isShowing() && w instanceof java.awt.Frame f && f.getTitle().startsWith(title) &&
					named(w, ProgressWindow.STOP) instanceof JButton b && b.isEnabled()) return b;
			return null;
		}, 50, "no window " + title, null, Long.parseLong(delayMs));
	}

	/** What a clicker does once it found its button, before the delay (writing a marker file). */
	private interface Found {
		void run() throws Exception;
	}

	/**
	 * Polls {@code find} every {@code pollMs} for up to 6,000 polls in a daemon thread; once it gives a
	 * button, runs {@code found} (if any), waits {@code delayMs} and presses the button.
	 */
	private static String clickWhenFound(java.util.function.Supplier<JButton> find, long pollMs, String missing,
		Found found, long delayMs)
	{
		Thread t = new Thread(() -> {
			try {
				JButton stop = null;
				for (int i = 0; i < 6000 && stop == null; i++) {
					Thread.sleep(pollMs);
					stop = find.get();
				}
				if (stop == null) {
					System.out.println("[clicker] " + missing);
					return;
				}
				if (found != null) found.run();
				Thread.sleep(delayMs);
				// a Robot click misses under Xvfb without a window manager: Java reports the window at 0,0
				// wherever it is drawn; so the button found by its name is pressed as Swing presses it
				JButton button = stop;
				SwingUtilities.invokeAndWait(button::doClick);
				System.out.println("[clicker] clicked 'Stop', now '" + stop.getText() + "'");
			}
			catch (Exception e) {
				System.out.println("[clicker] failed: " + e);
			}
		}, "stop-clicker");
		t.setDaemon(true);
		t.start();
		return "started";
	}

	/** The enabled Stop button of a showing window whose chart title reached the epoch, else null. */
	private static JButton find(int epoch) {
		for (Window w : Window.getWindows()) {
			if (!w.isShowing()) continue;
			JButton b = (JButton) named(w, ProgressWindow.STOP);
			ChartPanel chart = (ChartPanel) first(w, ChartPanel.class);
			if (b == null || !b.isEnabled() || chart == null) continue;
			String title = chart.getChart().getTitle().getText();
			int at = title.indexOf(": epoch ");
			if (at >= 0 && Integer.parseInt(title.substring(at + 8, title.indexOf('/', at))) >= epoch) return b;
		}
		return null;
	}

	private static Component named(Component c, String name) {
		if (name.equals(c.getName())) return c;
		if (c instanceof Container k) for (Component child : k.getComponents()) {
			Component f = named(child, name);
			if (f != null) return f;
		}
		return null;
	}

	private static Component first(Component c, Class<?> type) {
		if (type.isInstance(c)) return c;
		if (c instanceof Container k) for (Component child : k.getComponents()) {
			Component f = first(child, type);
			if (f != null) return f;
		}
		return null;
	}
}
