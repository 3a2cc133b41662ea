package sc.fiji.ganomaly.fiji;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * A logarithmic loss axis labelled with losses, not exponents: ticks at 1, 2, 5, 10, 20, 50 …
 * (every decade, or every few decades, when the range is wide; 1 … 9 per decade when it is narrow).
 */
final class LossAxis extends LogAxis {

	/** Tick mantissas per decade, sparsest first. */
	private static final double[][] STEPS = { { 1 }, { 1, 2, 5 }, { 1, 2, 3, 4, 5, 6, 7, 8, 9 } };
	private static final int MIN_TICKS = 3, MAX_TICKS = 12;

	LossAxis(String label) {
		super(label);
	}

	@Override
	protected List refreshTicksVertical(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
		TextAnchor anchor = edge == RectangleEdge.RIGHT ? TextAnchor.CENTER_LEFT : TextAnchor.CENTER_RIGHT;
		List<Tick> ticks = new ArrayList<>();
		for (double v : values(getLowerBound(), getUpperBound()))
			ticks.add(new NumberTick(v, label(v), anchor, anchor, 0.0));
		return ticks;
	}

	@Override
	protected List refreshTicksHorizontal(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
		TextAnchor anchor = edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER;
		List<Tick> ticks = new ArrayList<>();
		for (double v : values(getLowerBound(), getUpperBound()))
			ticks.add(new NumberTick(v, label(v), anchor, TextAnchor.CENTER, 0.0));
		return ticks;
	}

	/** The tick values in [lower, upper]: the sparsest 1-2-5 style series with at least three ticks. */
	static List<Double> values(double lower, double upper) {
		if (!(lower > 0) || !(upper > lower)) return List.of();
		int first = (int) Math.floor(Math.log10(lower)), last = (int) Math.ceil(Math.log10(upper));
		List<Double> best = List.of();
		for (double[] mantissas : STEPS) {
			List<Double> v = series(lower, upper, first, last, mantissas, 1);
			if (v.size() > MAX_TICKS) {
				// many decades: every n-th decade
				int every = (int) Math.ceil((last - first + 1) / (double) MAX_TICKS);
				return series(lower, upper, first, last, new double[] { 1 }, every);
			}
			best = v;
			if (v.size() >= MIN_TICKS) return v;
		}
		return best;
	}

	private static List<Double> series(double lower, double upper, int first, int last, double[] mantissas, int every) {
		List<Double> v = new ArrayList<>();
		for (int e = first; e <= last; e += every)
			for (double m : mantissas) {
				double x = BigDecimal.valueOf(m).scaleByPowerOfTen(e).doubleValue();
				if (x >= lower * (1 - 1e-9) && x <= upper * (1 + 1e-9)) v.add(x);
			}
		return v;
	}

	/** A loss as people write it: 0.5, 2, 50, 1000; 1E-5 and 2E6 beyond 0.0001 … 999999. */
	static String label(double v) {
		MathContext digits = new MathContext(3);
		if (v >= 1e-4 && v < 1e6) return BigDecimal.valueOf(v).round(digits).stripTrailingZeros().toPlainString();
		int e = (int) Math.floor(Math.log10(v));
		return BigDecimal.valueOf(v).scaleByPowerOfTen(-e).round(digits).stripTrailingZeros().toPlainString() + "E" + e;
	}
}
