package sc.fiji.ganomaly.core.plane;

import static org.junit.Assert.assertArrayEquals;

import java.util.HashSet;
import java.util.Set;

import org.junit.Test;

public class NormalizedPlaneTest {

	/** A 3x3 one-channel plane with values 0..8 in reading order. */
	private static NormalizedPlane counting() {
		float[] d = new float[9];
		for (int i = 0; i < 9; i++)
			d[i] = i;
		return new NormalizedPlane(3, 3, 1, d);
	}

	@Test
	public void copiesAPatchAsIs() {
		float[] out = new float[4];
		counting().copyPatch(1, 1, 2, 0, out, 0);
		assertArrayEquals(new float[] { 4, 5, 7, 8 }, out, 0f);
	}

	@Test
	public void flipsAndTransposes() {
		float[] out = new float[4];
		counting().copyPatch(0, 0, 2, 1, out, 0); // flip x
		assertArrayEquals(new float[] { 1, 0, 4, 3 }, out, 0f);
		counting().copyPatch(0, 0, 2, 2, out, 0); // flip y
		assertArrayEquals(new float[] { 3, 4, 0, 1 }, out, 0f);
		counting().copyPatch(0, 0, 2, 4, out, 0); // transpose
		assertArrayEquals(new float[] { 0, 3, 1, 4 }, out, 0f);
	}

	@Test
	public void theEightTransformsAreDistinct() {
		Set<String> seen = new HashSet<>();
		for (int t = 0; t < 8; t++) {
			float[] out = new float[9];
			counting().copyPatch(0, 0, 3, t, out, 0);
			seen.add(java.util.Arrays.toString(out));
		}
		assertArrayEquals(new int[] { 8 }, new int[] { seen.size() });
	}

	@Test
	public void keepsChannelsInterleaved() {
		NormalizedPlane p = new NormalizedPlane(2, 1, 2, new float[] { 1, 10, 2, 20 });
		float[] out = new float[2];
		p.copyPatch(1, 0, 1, 0, out, 0);
		assertArrayEquals(new float[] { 2, 20 }, out, 0f);
	}

	@Test(expected = IllegalArgumentException.class)
	public void refusesPatchesLeavingThePlane() {
		counting().copyPatch(2, 0, 2, 0, new float[4], 0);
	}
}
