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
		for (double[] pr : precisionRecall(normal, anomalous))
			ap += pr[0] * pr[2];
		return ap;
	}

	/** The best F1 over all thresholds. */
	public static double bestF1(float[] normal, float[] anomalous) {
		double best = 0;
		for (double[] pr : precisionRecall(normal, anomalous))
			if (pr[0] + pr[1] > 0) best = Math.max(best, 2 * pr[0] * pr[1] / (pr[0] + pr[1]));
		return best;
	}

	/** Per distinct threshold, from high to low: precision, recall, recall gained. */
	private static double[][] precisionRecall(float[] normal, float[] anomalous) {
		requireBoth(normal, anomalous);
		float[] all = concat(normal, anomalous);
		Integer[] order = order(all);
		double[][] out = new double[all.length][];
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
			out[steps++] = new double[] { precision, recall, recall - lastRecall };
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
