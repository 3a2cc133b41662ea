package sc.fiji.ganomaly.bench;

import java.util.Arrays;

/** ROC AUC and average precision over millions of pixels (primitive sort; ties form one step). */
final class PixelMetrics {

	private PixelMetrics() {}

	/** Indices sorted by score, ascending. */
	private static int[] order(float[] scores) {
		long[] keys = new long[scores.length];
		for (int i = 0; i < scores.length; i++) {
			int bits = Float.floatToIntBits(scores[i] == 0f ? 0f : scores[i]);
			int sortable = bits ^ ((bits >> 31) & 0x7fffffff); // monotone in the float's value
			keys[i] = ((long) sortable << 32) | (i & 0xffffffffL);
		}
		Arrays.sort(keys);
		int[] order = new int[scores.length];
		for (int i = 0; i < order.length; i++)
			order[i] = (int) keys[i];
		return order;
	}

	/** ROC AUC with ties counted half. */
	static double rocAuc(float[] scores, boolean[] positive) {
		int[] order = order(scores);
		double rankSum = 0;
		long positives = 0;
		for (int i = 0; i < order.length;) {
			int j = i;
			while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]])
				j++;
			double rank = (i + j) / 2.0 + 1;
			for (int k = i; k <= j; k++)
				if (positive[order[k]]) {
					rankSum += rank;
					positives++;
				}
			i = j + 1;
		}
		long negatives = order.length - positives;
		if (positives == 0 || negatives == 0) return Double.NaN;
		return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
	}

	/** Average precision (area under the precision-recall curve, steps at distinct scores). */
	static double averagePrecision(float[] scores, boolean[] positive) {
		int[] order = order(scores);
		long positives = 0;
		for (boolean p : positive)
			if (p) positives++;
		if (positives == 0) return Double.NaN;
		double ap = 0;
		long tp = 0, seen = 0;
		for (int i = order.length - 1; i >= 0;) {
			int j = i;
			long gained = 0;
			while (j >= 0 && scores[order[j]] == scores[order[i]]) {
				if (positive[order[j]]) gained++;
				seen++;
				j--;
			}
			tp += gained;
			ap += (tp / (double) seen) * (gained / (double) positives);
			i = j;
		}
		return ap;
	}
}
