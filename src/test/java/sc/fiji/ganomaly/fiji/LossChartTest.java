package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.jfree.data.xy.XYSeries;
import org.junit.Test;

import sc.fiji.ganomaly.core.EpochSummary;

/** The loss curves hold one point per epoch and series, without a window (headless). */
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
		assertTrue(title, title.equals("cells.ganomaly.zip: epoch 2/3 (best so far)"));
	}
}
