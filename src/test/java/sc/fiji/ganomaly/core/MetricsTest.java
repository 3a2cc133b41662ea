package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class MetricsTest {

	@Test
	public void perfectSeparationGivesOne() {
		float[] normal = { 0.1f, 0.2f, 0.3f }, anomalous = { 0.5f, 0.9f };
		assertEquals(1.0, Metrics.rocAuc(normal, anomalous), 1e-12);
		assertEquals(1.0, Metrics.prAuc(normal, anomalous), 1e-12);
		assertEquals(1.0, Metrics.bestF1(normal, anomalous), 1e-12);
	}

	@Test
	public void reversedRankingGivesZeroAuc() {
		assertEquals(0.0, Metrics.rocAuc(new float[] { 5, 6 }, new float[] { 1, 2 }), 1e-12);
	}

	@Test
	public void tiesCountHalf() {
		assertEquals(0.5, Metrics.rocAuc(new float[] { 1, 1 }, new float[] { 1, 1 }), 1e-12);
		// one anomaly above both normals, one tied with a normal: (2 + 1.5) / 4
		assertEquals(0.875, Metrics.rocAuc(new float[] { 0, 1 }, new float[] { 1, 2 }), 1e-12);
	}

	@Test
	public void averagePrecisionOfAKnownRanking() {
		// ranking high to low: A, N, A -> precision at recall steps 1/1 and 2/3 -> AP = 0.5 * 1 + 0.5 * 2/3
		float[] normal = { 2 }, anomalous = { 3, 1 };
		assertEquals(0.5 + 1.0 / 3, Metrics.prAuc(normal, anomalous), 1e-12);
		// best F1: threshold below all: P = 2/3, R = 1 -> 0.8
		assertEquals(0.8, Metrics.bestF1(normal, anomalous), 1e-12);
	}

	@Test(expected = IllegalArgumentException.class)
	public void refusesEmptyClasses() {
		Metrics.rocAuc(new float[0], new float[] { 1 });
	}
}
