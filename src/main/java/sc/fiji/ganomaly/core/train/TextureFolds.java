package sc.fiji.ganomaly.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.core.texture.BorderProfile;
import sc.fiji.ganomaly.core.texture.Intensities;
import sc.fiji.ganomaly.core.texture.TextureModel;

/**
 * The training planes in folds for cross-fitting the texture model, and for each fold the texture
 * model fitted to all the others (fitted when first asked for), so that normal maps can be scored
 * by a model none of their pixels fitted.
 */
final class TextureFolds {

	private final List<List<Region>> regions;
	private final TextureModel[] models;
	private final Intensities intensities;
	private final long seed;
	private final int threads;

	private TextureFolds(List<List<Region>> regions, Intensities intensities, long seed, int threads) {
		this.regions = regions;
		this.models = new TextureModel[regions.size()];
		this.intensities = intensities;
		this.seed = seed;
		this.threads = threads;
	}

	/**
	 * Up to {@code most} folds of whole planes (plane i in fold i mod k), or for a single plane its top
	 * and bottom halves (left and right if it is less than two patches high); models fitted with seed +
	 * fold on at most {@code threads} cores (0: every core).
	 *
	 * @throws IllegalArgumentException if a single plane is less than two patches high and wide
	 */
	static TextureFolds of(List<NormalizedPlane> planes, int patchSize, int most, Intensities intensities, long seed,
		int threads)
	{
		check(planes, patchSize);
		List<List<Region>> folds = new ArrayList<>();
		if (planes.size() == 1) {
			NormalizedPlane plane = planes.get(0);
			int half = plane.height() / 2, across = plane.width() / 2;
			if (half >= patchSize) {
				folds.add(List.of(new Region(plane, 0, 0, plane.width(), half)));
				folds.add(List.of(new Region(plane, 0, half, plane.width(), plane.height() - half)));
			}
			else {
				folds.add(List.of(new Region(plane, 0, 0, across, plane.height())));
				folds.add(List.of(new Region(plane, across, 0, plane.width() - across, plane.height())));
			}
		}
		else {
			int k = Math.min(most, planes.size());
			for (int f = 0; f < k; f++)
				folds.add(new ArrayList<>());
			for (int i = 0; i < planes.size(); i++)
				folds.get(i % k).add(Region.of(planes.get(i)));
		}
		return new TextureFolds(folds, intensities, seed, threads);
	}

	/**
	 * Checks, before any training, that {@link #of} can cut {@code planes} into folds.
	 *
	 * @throws IllegalArgumentException if there is one plane less than two patches high and wide
	 */
	static void check(List<NormalizedPlane> planes, int patchSize) {
		if (planes.size() == 1 && planes.get(0).height() / 2 < patchSize && planes.get(0).width() / 2 < patchSize)
			throw new IllegalArgumentException("input: the texture score's calibration needs two normal planes, or one " +
				"at least " + 2 * patchSize + " pixels high or wide");
	}

	/** The number of folds. */
	int size() {
		return regions.size();
	}

	/** The regions of fold {@code f}. */
	List<Region> regions(int f) {
		return regions.get(f);
	}

	/** Fold {@code f}'s model, fitted to every fold but {@code f} (with seed + f). */
	TextureModel model(int f) {
		if (models[f] == null) models[f] = TextureModel.fit(rest(f), intensities, seed + f, threads);
		return models[f];
	}

	/**
	 * Fits the model of {@code whole} (with {@code wholeSeed}) and every fold's model at once, side by
	 * side on the folds' threads (the same models as fitted one by one), and returns the former; null
	 * once {@code canceled} says so.
	 */
	TextureModel fitAll(List<Region> whole, long wholeSeed, BooleanSupplier canceled) {
		List<List<Region>> sets = new ArrayList<>();
		long[] seeds = new long[regions.size() + 1];
		sets.add(whole);
		seeds[0] = wholeSeed;
		for (int f = 0; f < regions.size(); f++) {
			sets.add(rest(f));
			seeds[f + 1] = seed + f;
		}
		List<TextureModel> fitted = TextureModel.fitEach(sets, intensities, seeds, threads, canceled);
		if (fitted == null) return null;
		for (int f = 0; f < regions.size(); f++)
			models[f] = fitted.get(f + 1);
		return fitted.get(0);
	}

	/** Corrects every fold's maps near the plane's border by {@code profile}, as the kept model's are (null: not). */
	void correctBorders(BorderProfile profile) {
		for (int f = 0; f < regions.size(); f++)
			models[f] = model(f).withBorder(profile);
	}

	/** The regions of every fold but {@code f}. */
	private List<Region> rest(int f) {
		List<Region> rest = new ArrayList<>();
		for (int g = 0; g < regions.size(); g++)
			if (g != f) rest.addAll(regions.get(g));
		return rest;
	}

	/** The model of the fold holding most of {@code r}: none (for a single plane's halves, the fewest) of its pixels fitted it. */
	TextureModel modelFor(Region r) {
		int best = 0;
		long most = -1;
		for (int f = 0; f < regions.size(); f++) {
			long overlap = 0;
			for (Region q : regions.get(f))
				if (q.plane() == r.plane()) overlap += overlap(q, r);
			if (overlap > most) {
				most = overlap;
				best = f;
			}
		}
		return model(best);
	}

	private static long overlap(Region a, Region b) {
		long w = Math.min(a.x0() + a.width(), b.x0() + b.width()) - Math.max(a.x0(), b.x0());
		long h = Math.min(a.y0() + a.height(), b.y0() + b.height()) - Math.max(a.y0(), b.y0());
		return Math.max(0, w) * Math.max(0, h);
	}
}
