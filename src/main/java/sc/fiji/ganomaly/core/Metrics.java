package sc.fiji.ganomaly.core;

import java.util.Arrays;

/**
 * Image-level detection metrics from scores of known normal and anomalous samples (anomalous =
 * positive, higher score = more anomalous).
 */
public final class Metrics {

	private Metrics() {}

	/** Area under the ROC curve, ties counted half (the Mann-Whitney U statistic). */
	public static double rocAuc(float[] normal, float[] anomalous) {
		requireBoth(normal, anomalous);
		float[] all = concat(normal, anomalous);
		Integer[] order = order(all);
		double[] ranks = new double[all.length];
		for (int i = 0; i < all.length;) {
			int j = i;
			while (j + 1 < all.length && all[order[j + 1]] == all[order[i]])
				j++;
			double rank = (i + j) / 2.0 + 1;
			for (int k = i; k <= j; k++)
				ranks[order[k]] = rank;
			i = j + 1;
		}
		double sum = 0;
		for (int i = normal.length; i < all.length; i++)
			sum += ranks[i];
		double n1 = anomalous.length, n0 = normal.length;
		return (sum - n1 * (n1 + 1) / 2) / (n1 * n0);
	}

	/** Area under the precision-recall curve as average precision (tied scores form one step). */
	public static double prAuc(float[] normal, float[] anomalous) {
		double ap = 0;
		for (Step step : precisionRecall(normal, anomalous))
			ap += step.precision() * step.recallGained();
		return ap;
	}

	/** The best F1 over all thresholds. */
	public static double bestF1(float[] normal, float[] anomalous) {
		double best = 0;
		for (Step step : precisionRecall(normal, anomalous)) {
			double p = step.precision(), r = step.recall();
			if (p + r > 0) best = Math.max(best, 2 * p * r / (p + r));
		}
		return best;
	}

	/** One threshold of the precision-recall curve and the recall it gains over the one above it. */
	private record Step(double precision, double recall, double recallGained) {}

	/** Per distinct threshold, from high to low. */
	private static Step[] precisionRecall(float[] normal, float[] anomalous) {
		requireBoth(normal, anomalous);
		float[] all = concat(normal, anomalous);
		Integer[] order = order(all);
		Step[] out = new Step[all.length];
		int steps = 0, tp = 0, fp = 0;
		double lastRecall = 0;
		for (int i = all.length - 1; i >= 0;) {
			int j = i;
			while (j >= 0 && all[order[j]] == all[order[i]]) {
				if (order[j] >= normal.length) tp++;
				else fp++;
				j--;
			}
			double precision = tp / (double) (tp + fp), recall = tp / (double) anomalous.length;
			out[steps++] = new Step(precision, recall, recall - lastRecall);
			lastRecall = recall;
			i = j;
		}
		return Arrays.copyOf(out, steps);
	}

	private static void requireBoth(float[] normal, float[] anomalous) {
		if (normal.length == 0 || anomalous.length == 0) throw new IllegalArgumentException(
			"metrics need normal and anomalous samples, got " + normal.length + " normal and " + anomalous.length +
				" anomalous");
	}

	private static float[] concat(float[] a, float[] b) {
		float[] all = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, all, a.length, b.length);
		return all;
	}

	private static Integer[] order(float[] values) {
		Integer[] order = new Integer[values.length];
		for (int i = 0; i < order.length; i++)
			order[i] = i;
		Arrays.sort(order, (a, b) -> Float.compare(values[a], values[b]));
		return order;
	}
}
