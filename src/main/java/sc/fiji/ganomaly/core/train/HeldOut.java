package sc.fiji.ganomaly.core.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.engine.NetworkSpec;

/**
 * The normal data a training does not learn from: held-out regions for the validation loss and
 * the calibration, and a fixed set of patches of them.
 *
 * @param training   regions the network learns from
 * @param validation regions held out
 */
record HeldOut(List<Region> training, List<Region> validation) {

	/** At most this many held-out patches are scored after each epoch. */
	static final int MAX_VALIDATION_PATCHES = 4096;
	/** With this many planes or more, whole planes are held out; with fewer, a band of each plane. */
	static final int MIN_PLANES_TO_HOLD_OUT = 10;

	/**
	 * Holds out whole planes when there are many; otherwise a bottom band of each plane tall
	 * enough for one patch (planes too short to split are used for both).
	 */
	static HeldOut split(List<NormalizedPlane> planes, int patch, double fraction, Random random) {
		List<Region> training = new ArrayList<>(), validation = new ArrayList<>();
		if (planes.size() >= MIN_PLANES_TO_HOLD_OUT) {
			List<NormalizedPlane> shuffled = new ArrayList<>(planes);
			Collections.shuffle(shuffled, random);
			int held = Math.max(1, (int) Math.round(fraction * planes.size()));
			for (int i = 0; i < shuffled.size(); i++)
				(i < held ? validation : training).add(Region.of(shuffled.get(i)));
			return new HeldOut(training, validation);
		}
		List<NormalizedPlane> unsplit = new ArrayList<>();
		for (NormalizedPlane plane : planes) {
			int band = Math.max(patch, (int) Math.round(fraction * plane.height()));
			if (plane.height() - band < patch) {
				unsplit.add(plane);
				continue;
			}
			training.add(new Region(plane, 0, 0, plane.width(), plane.height() - band));
			validation.add(new Region(plane, 0, plane.height() - band, plane.width(), band));
		}
		// planes too short to split are trained on only, so that held-out data is never trained on;
		// if no plane could be split, they serve for both (the calibration then warns of too few blocks)
		for (NormalizedPlane plane : unsplit) {
			training.add(Region.of(plane));
			if (unsplit.size() == planes.size()) validation.add(Region.of(plane));
		}
		return new HeldOut(training, validation);
	}

	/** A fixed set of held-out patches: every region in turn, positions drawn from {@code seed}. */
	float[] patches(NetworkSpec spec, long seed) {
		List<Region> regions = validation;
		int p = spec.patchSize();
		long positions = regions.stream().mapToLong(r -> r.positions(p)).sum();
		int count = (int) Math.min(MAX_VALIDATION_PATCHES, Math.max(Math.min(positions, 64), Math.max(regions.size(),
			Math.min(positions, 512))));
		float[] patches = new float[count * spec.patchLength()];
		Random random = new Random(seed);
		for (int i = 0; i < count; i++) {
			Region r = regions.get(i % regions.size());
			int x = r.x0() + random.nextInt(r.width() - p + 1), y = r.y0() + random.nextInt(r.height() - p + 1);
			r.plane().copyPatch(x, y, p, 0, patches, i * spec.patchLength());
		}
		return patches;
	}
}
