package sc.fiji.ganomaly.fiji;

import java.awt.BasicStroke;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.FlowLayout;
import java.lang.reflect.InvocationTargetException;

import javax.swing.JButton;
import javax.swing.JFrame;
import javax.swing.JPanel;
import javax.swing.SwingUtilities;
import javax.swing.WindowConstants;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartPanel;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import ij.ImagePlus;
import sc.fiji.ganomaly.core.api.EpochSummary;
import sc.fiji.ganomaly.core.api.ProgressListener;

/**
 * Live loss curves of a training: generator, discriminator and validation loss per epoch on a
 * logarithmic axis labelled with losses (they differ by orders of magnitude). The chart exists
 * headless too; only {@link #show} opens a window, with a Stop button. Updates go through the Swing
 * event thread.
 */
final class LossChart implements ProgressListener {

	/** The component name of the window's Stop button. */
	static final String STOP = ProgressWindow.STOP;
	static final String GENERATOR = "generator", DISCRIMINATOR = "discriminator", VALIDATION = "validation";

	private final XYSeries generator = new XYSeries(GENERATOR), discriminator = new XYSeries(DISCRIMINATOR),
		validation = new XYSeries(VALIDATION);
	private final XYSeriesCollection dataset = new XYSeriesCollection();
	private final JFreeChart chart;
	private final JButton stop = new JButton("Stop");
	private JFrame frame;

	LossChart(String title) {
		dataset.addSeries(generator);
		dataset.addSeries(discriminator);
		dataset.addSeries(validation);
		chart = ChartFactory.createXYLineChart(title, "epoch", "loss", dataset, PlotOrientation.VERTICAL, true, true,
			false);
		XYPlot plot = chart.getXYPlot();
		LossAxis losses = new LossAxis("loss (log scale)");
		losses.setSmallestValue(1e-6);
		plot.setRangeAxis(losses);
		NumberAxis epochs = (NumberAxis) plot.getDomainAxis();
		epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
		XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
		Color[] colors = { new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c) };
		for (int i = 0; i < colors.length; i++) {
			renderer.setSeriesPaint(i, colors[i]);
			renderer.setSeriesStroke(i, new BasicStroke(2f));
		}
		plot.setRenderer(renderer);
		plot.setBackgroundPaint(Color.WHITE);
		plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
		plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
	}

	JFreeChart chart() {
		return chart;
	}

	/** The curves' data: series {@link #GENERATOR}, {@link #DISCRIMINATOR}, {@link #VALIDATION}. */
	XYSeriesCollection dataset() {
		return dataset;
	}

	/**
	 * Opens the chart in a window (GUI only) beside {@code image}'s window or below the ImageJ bar;
	 * its Stop button runs {@code onStop} once. Closing the window does not stop the training.
	 */
	void show(Runnable onStop, ImagePlus image) {
		SwingUtilities.invokeLater(() -> {
			frame = new JFrame(chart.getTitle().getText());
			frame.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
			JPanel content = new JPanel(new BorderLayout());
			ChartPanel panel = new ChartPanel(chart);
			panel.setPreferredSize(new java.awt.Dimension(620, 380));
			content.add(panel, BorderLayout.CENTER);
			// FlowLayout's default gap of 5 pixels
			content.add(ProgressWindow.stopRow(stop, "Stop training after the current batch and write the best model so " +
				"far", onStop, 5), BorderLayout.SOUTH);
			frame.setContentPane(content);
			frame.pack();
			WindowPlace.place(frame, image);
			frame.setVisible(true);
		});
	}

	/** The training ended: the Stop button says how and is disabled; the chart stays open. */
	void finished(boolean stopped) {
		end(stopped ? "Stopped" : "Finished");
	}

	/** The training failed: the Stop button says so and is disabled; the chart stays open. */
	void failed() {
		end("Failed");
	}

	private void end(String how) {
		SwingUtilities.invokeLater(() -> {
			stop.setEnabled(false);
			stop.setText(how);
		});
	}

	@Override
	public void epochFinished(EpochSummary s) {
		SwingUtilities.invokeLater(() -> {
			generator.add(s.epoch(), positive(s.generatorLoss()));
			discriminator.add(s.epoch(), positive(s.discriminatorLoss()));
			validation.add(s.epoch(), positive(s.validationLoss()));
			chart.setTitle(String.format(java.util.Locale.ROOT, "%s: epoch %d/%d%s", title(), s.epoch(), s.epochs(),
				s.improved() ? " (best so far)" : ""));
		});
	}

	/** Waits until every update so far reached the chart. */
	void sync() {
		try {
			SwingUtilities.invokeAndWait(() -> {});
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		catch (InvocationTargetException e) {
			throw new IllegalStateException(e.getCause());
		}
	}

	private String title() {
		String t = chart.getTitle().getText();
		int colon = t.indexOf(": epoch ");
		return colon < 0 ? t : t.substring(0, colon);
	}

	/** A log axis shows no zeros; a zero loss is drawn at the axis floor. */
	private static double positive(double v) {
		return Double.isFinite(v) && v > 0 ? v : 1e-6;
	}
}
