package sc.fiji.ganomaly.core.plane;

import java.util.Arrays;

/**
 * Patch positions along one axis for a sliding window: every {@code stride} pixels from 0, plus
 * a last window flush with the end so that every pixel is covered.
 */
public final class SlidingWindow {

	private SlidingWindow() {}

	/** Start positions of windows of {@code patch} pixels over {@code size} pixels. */
	public static int[] positions(int size, int patch, int stride) {
		if (stride <= 0) throw new IllegalArgumentException("stride must be positive, not " + stride);
		if (size < patch) throw new IllegalArgumentException("image of " + size + " pixels is smaller than the patch of " +
			patch);
		int last = size - patch;
		int[] p = new int[last / stride + 2];
		int n = 0;
		for (int x = 0; x <= last; x += stride)
			p[n++] = x;
		if (p[n - 1] != last) p[n++] = last;
		return Arrays.copyOf(p, n);
	}
}
