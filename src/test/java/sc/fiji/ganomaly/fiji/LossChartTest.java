package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;

import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.junit.Test;
import sc.fiji.ganomaly.core.api.EpochSummary;


/**
 * The loss curves hold one point per epoch and series, without a window (headless); the log axis
 * is labelled with losses; the window opens beside the image or below the ImageJ bar.
 */
public class LossChartTest {

	@Test
	public void onePointPerEpochAndSeries() {
		LossChart chart = new LossChart("cells.ganomaly.zip");
		chart.epochFinished(new EpochSummary(1, 3, 12.5, 0.7, 3.1, true, 200, 20, 0));
		chart.epochFinished(new EpochSummary(2, 3, 9.0, 0.0, 2.4, true, 200, 10, 1));
		chart.sync();
		XYSeries g = chart.dataset().getSeries(LossChart.GENERATOR);
		XYSeries d = chart.dataset().getSeries(LossChart.DISCRIMINATOR);
		XYSeries v = chart.dataset().getSeries(LossChart.VALIDATION);
		assertEquals(2, g.getItemCount());
		assertEquals(9.0, g.getY(1).doubleValue(), 0);
		assertEquals("a zero loss sits at the log axis floor", 1e-6, d.getY(1).doubleValue(), 0);
		assertEquals(3.1, v.getY(0).doubleValue(), 0);
		assertEquals(2.0, v.getX(1).doubleValue(), 0);
		String title = chart.chart().getTitle().getText();
		assertEquals("cells.ganomaly.zip: epoch 2/3 (best so far)", title);
	}

	@Test
	public void logAxisReadsAsLosses() {
		assertEquals(List.of("1", "2", "5", "10", "20", "50"), labels(0.9, 60));
		assertEquals(List.of("0.2", "0.5", "1", "2", "5", "10", "20"), labels(0.15, 25));
		assertEquals(List.of("1", "10", "100", "1000", "10000"), labels(0.5, 20000));
		assertEquals("a narrow range gets every unit", List.of("3", "4", "5", "6"), labels(2.5, 6.5));
		assertEquals(List.of("1E-6", "1E-5", "0.0001", "0.001", "0.01", "0.1", "1", "10", "100"), labels(1e-6, 300));
		assertEquals("beyond 12 decades every other one", List.of("1E-6", "0.0001", "0.01", "1", "100", "10000", "1E6",
			"1E8"), labels(1e-6, 2e8));
	}

	/** The tick labels JFreeChart draws on the chart's own loss axis for losses in [lower, upper]. */
	private static List<String> labels(double lower, double upper) {
		ValueAxis axis = new LossChart("m").chart().getXYPlot().getRangeAxis();
		axis.setRange(lower, upper);
		Graphics2D g = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB).createGraphics();
		List<?> ticks = axis.refreshTicks(g, new AxisState(), new Rectangle(0, 0, 600, 400), RectangleEdge.LEFT);
		return ticks.stream().map(t -> ((Tick) t).getText()).toList();
	}

	@Test
	public void windowBesideTheImageOrBelowTheBar() {
		Rectangle screen = new Rectangle(0, 0, 1600, 1000), bar = new Rectangle(0, 0, 600, 90);
		Dimension size = new Dimension(640, 440);
		assertEquals("right of the image", new Point(418, 100), WindowPlace.of(bar, new Rectangle(10, 100, 400, 420), size,
			screen));
		assertEquals("below the bar without an image", new Point(0, 98), WindowPlace.of(bar, null, size, screen));
		Rectangle wide = new Rectangle(0, 98, 1500, 300);
		Point p = WindowPlace.of(bar, wide, size, screen);
		assertEquals("below an image too wide to sit beside", new Point(0, 406), p);
		Point under = WindowPlace.of(new Rectangle(0, 300, 600, 90), new Rectangle(700, 0, 300, 200), size, screen);
		assertTrue("never over the bar: " + under, !new Rectangle(under, size).intersects(new Rectangle(0, 300, 600, 90)));
	}
}
