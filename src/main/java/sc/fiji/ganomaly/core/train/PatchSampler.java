package sc.fiji.ganomaly.core.train;

import java.util.List;
import java.util.Random;
import sc.fiji.ganomaly.core.plane.Region;

/**
 * Draws random patches from regions of normalised planes into a batch buffer: a region with
 * probability proportional to its number of patch positions, a uniform position inside it, and,
 * with augmentation, one of the eight flips and 90° rotations of the square.
 */
final class PatchSampler {

	private final List<Region> regions;
	private final int patchSize;
	private final boolean augment;
	private final Random random;
	private final double[] cumulative;

	public PatchSampler(List<Region> regions, int patchSize, boolean augment, Random random) {
		if (regions.isEmpty()) throw new IllegalArgumentException("no region to draw patches from");
		this.regions = List.copyOf(regions);
		this.patchSize = patchSize;
		this.augment = augment;
		this.random = random;
		this.cumulative = new double[regions.size()];
		double sum = 0;
		for (int i = 0; i < regions.size(); i++) {
			Region r = regions.get(i);
			if (r.width() < patchSize || r.height() < patchSize) throw new IllegalArgumentException(
				"region of " + r.width() + "x" + r.height() + " is smaller than the patch of " + patchSize);
			sum += r.positions(patchSize);
			cumulative[i] = sum;
		}
	}

	/** Fills {@code n} patches into {@code batch} (NHWC). */
	public void fill(float[] batch, int n) {
		int length = patchSize * patchSize * regions.get(0).plane().channels();
		for (int i = 0; i < n; i++) {
			Region r = regions.get(pickRegion());
			int x = r.x0() + random.nextInt(r.width() - patchSize + 1);
			int y = r.y0() + random.nextInt(r.height() - patchSize + 1);
			r.plane().copyPatch(x, y, patchSize, augment ? random.nextInt(8) : 0, batch, i * length);
		}
	}

	private int pickRegion() {
		double u = random.nextDouble() * cumulative[cumulative.length - 1];
		int lo = 0, hi = cumulative.length - 1;
		while (lo < hi) {
			int mid = (lo + hi) >>> 1;
			if (cumulative[mid] > u) hi = mid;
			else lo = mid + 1;
		}
		return lo;
	}
}
