package sc.fiji.ganomaly.fiji;

import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.util.Locale;

import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.WindowConstants;

import ij.ImagePlus;
import sc.fiji.ganomaly.core.api.EpochSummary;
import sc.fiji.ganomaly.core.api.ProgressListener;

/**
 * A small window with a progress bar, the time left and a Stop button, for scoring in the GUI. It
 * opens only when the work lasts longer than {@link #DELAY_MS}, so quick runs (a macro's loop over
 * small images) flash nothing, and it closes when the work ends. The button runs the command's
 * cancel, which the work polls through the command's own listener.
 */
final class ProgressWindow implements ProgressListener, AutoCloseable {

	/** The component name of the Stop button (in this window and the loss chart). */
	static final String STOP = "ganomaly.stop";
	static final int DELAY_MS = 1000;

	private final JLabel text = new JLabel(" ");
	private final JProgressBar bar = new JProgressBar(0, 1000);
	private final JButton stop = new JButton("Stop");
	private final Timer opener;
	private final TimeLeft timeLeft = new TimeLeft();
	private volatile long lastUpdate;
	private JFrame frame;
	private boolean closed;

	/** The Stop button's tooltip of a scoring. */
	static final String KEEPS_WHAT_IS_FINISHED = "Stop: what is finished is kept, nothing half-done is written";

	/**
	 * Opens after {@link #DELAY_MS} unless closed before; {@code onStop} runs once on Stop, whose
	 * tooltip says what a stop keeps.
	 */
	ProgressWindow(String title, Runnable onStop, ImagePlus image, String stopTooltip) {
		opener = new Timer(DELAY_MS, e -> open(title, onStop, image, stopTooltip));
		opener.setRepeats(false);
		SwingUtilities.invokeLater(() -> {
			if (!closed) opener.start();
		});
	}

	private void open(String title, Runnable onStop, ImagePlus image, String stopTooltip) {
		if (closed) return;
		frame = new JFrame(title);
		frame.setDefaultCloseOperation(WindowConstants.DO_NOTHING_ON_CLOSE);
		JPanel content = new JPanel(new BorderLayout(8, 8));
		content.setBorder(BorderFactory.createEmptyBorder(10, 12, 6, 12));
		text.setPreferredSize(new Dimension(360, text.getPreferredSize().height));
		content.add(text, BorderLayout.NORTH);
		bar.setStringPainted(true);
		content.add(bar, BorderLayout.CENTER);
		content.add(stopRow(stop, stopTooltip, onStop, 0), BorderLayout.SOUTH);
		frame.setContentPane(content);
		frame.pack();
		WindowPlace.place(frame, image);
		frame.setVisible(true);
	}

	@Override
	public void status(String message) {
		SwingUtilities.invokeLater(() -> text.setText(message));
	}

	/** A training's epochs, where no loss chart shows them (batch mode). */
	@Override
	public void epochFinished(EpochSummary s) {
		status(String.format(Locale.ROOT, "epoch %d of %d: validation loss %.4f%s", s.epoch(), s.epochs(), s
			.validationLoss(), s.improved() ? " (best so far)" : ""));
	}

	@Override
	public void progress(long done, long total) {
		long now = System.nanoTime();
		if (total <= 0) return;
		long seconds = timeLeft.seconds(done, total, now);
		if (done < total && now - lastUpdate < 200_000_000L) return;
		lastUpdate = now;
		int permille = (int) Math.min(1000, done * 1000 / total);
		String left = seconds >= 0 ? String.format(Locale.ROOT, "%d %%, %d s left", permille / 10, seconds)
			: permille / 10 + " %";
		SwingUtilities.invokeLater(() -> {
			bar.setValue(permille);
			bar.setString(left);
		});
	}

	/** Closes the window, or keeps it from opening. */
	@Override
	public void close() {
		SwingUtilities.invokeLater(() -> {
			closed = true;
			opener.stop();
			if (frame != null) frame.dispose();
		});
	}

	/**
	 * The row of a GANomaly window's Stop button, right-aligned with {@code gap} pixels around it:
	 * the button is named {@link #STOP} and, once pressed, disabled, says "Stopping…" and runs
	 * {@code onStop}.
	 */
	static JPanel stopRow(JButton stop, String tooltip, Runnable onStop, int gap) {
		stop.setName(STOP);
		stop.setToolTipText(tooltip);
		stop.addActionListener(e -> {
			stop.setEnabled(false);
			stop.setText("Stopping…");
			onStop.run();
		});
		JPanel buttons = new JPanel(new FlowLayout(FlowLayout.RIGHT, gap, gap));
		buttons.add(stop);
		return buttons;
	}
}
