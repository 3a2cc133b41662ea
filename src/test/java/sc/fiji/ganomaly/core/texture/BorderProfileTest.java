package sc.fiji.ganomaly.core.texture;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.Test;

import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.math.Quantiles;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.core.plane.Tile;

public class BorderProfileTest {

	/** Maps whose values at distance d from the border are shifted by 8 − d/2 and spread twice as wide. */
	private static List<AnomalyMap> elevated(int count, int size, Random random) {
		List<AnomalyMap> maps = new ArrayList<>();
		for (int k = 0; k < count; k++) {
			AnomalyMap m = new AnomalyMap(size, size);
			for (int y = 0; y < size; y++)
				for (int x = 0; x < size; x++) {
					int d = BorderProfile.distance(x, y, size, size);
					double noise = random.nextGaussian();
					m.values()[y * size + x] = (float) (d < BorderProfile.DEPTH ? 8 - d / 2.0 + 2 * noise : noise);
				}
			maps.add(m);
		}
		return maps;
	}

	/** The {@code q} quantile of a map's values at distances {@code from} … {@code to} from the border. */
	private static float quantile(List<AnomalyMap> maps, int from, int to, double q) {
		List<Float> v = new ArrayList<>();
		for (AnomalyMap m : maps)
			for (int y = 0; y < m.height(); y++)
				for (int x = 0; x < m.width(); x++) {
					int d = BorderProfile.distance(x, y, m.width(), m.height());
					if (d >= from && d <= to) v.add(m.value(x, y));
				}
		float[] a = new float[v.size()];
		for (int i = 0; i < a.length; i++)
			a[i] = v.get(i);
		Arrays.sort(a);
		return Quantiles.quantile(a, q);
	}

	@Test
	public void fresh_maps_of_the_same_kind_are_level_after_the_correction() {
		BorderProfile profile = BorderProfile.measure(elevated(20, 96, new Random(1)));
		assertNotNull(profile);
		List<AnomalyMap> fresh = elevated(20, 96, new Random(2));
		assertTrue("uncorrected, the border is higher", quantile(fresh, 0, 0, 0.99) > quantile(fresh, 16, 99, 0.99) + 8);
		for (AnomalyMap m : fresh)
			profile.apply(m.values(), m.width(), m.height());
		for (int d : new int[] { 0, 3, 9, 15 }) {
			assertEquals("median at distance " + d, quantile(fresh, 16, 99, 0.5), quantile(fresh, d, d, 0.5), 0.15);
			assertEquals("99th percentile at distance " + d, quantile(fresh, 16, 99, 0.99), quantile(fresh, d, d, 0.99), 0.4);
		}
	}

	@Test
	public void the_interior_is_left_as_it_was() {
		List<AnomalyMap> maps = elevated(10, 64, new Random(3));
		BorderProfile profile = BorderProfile.measure(maps);
		AnomalyMap m = maps.get(0);
		float[] before = m.values().clone();
		profile.apply(m.values(), 64, 64);
		for (int y = 0; y < 64; y++)
			for (int x = 0; x < 64; x++) {
				boolean interior = BorderProfile.distance(x, y, 64, 64) == BorderProfile.DEPTH;
				assertEquals(x + "," + y, interior, before[y * 64 + x] == m.values()[y * 64 + x]);
			}
	}

	@Test
	public void planes_without_an_interior_give_no_profile() {
		assertNull("32 x 32 crops have no pixel 16 deep", BorderProfile.measure(elevated(200, 32, new Random(4))));
		assertNull("48 x 48 planes' pixels 16 deep are near the border too", BorderProfile.measure(elevated(200, 48,
			new Random(4))));
		assertNotNull(BorderProfile.measure(elevated(200, 64, new Random(4))));
	}

	/**
	 * A texture model's own maps of white noise run higher at the border, where the features see a
	 * mirrored image (in the 99th percentile, 14 above the interior at the border); with the profile of
	 * those maps, a fresh plane's border is nearly as high as its interior (3 above).
	 */
	@Test
	public void a_texture_models_border_glow_is_taken_out() {
		Random random = new Random(5);
		List<NormalizedPlane> train = new ArrayList<>();
		for (int i = 0; i < 6; i++)
			train.add(noise(96, random));
		TextureModel fitted = TextureModel.fit(train.stream().map(Region::of).toList(), 7);
		TextureModel corrected = fitted.withBorder(BorderProfile.measure(train.stream().map(p -> map(fitted, p)).toList()));
		List<AnomalyMap> raw = new ArrayList<>(), level = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			NormalizedPlane p = noise(96, random);
			raw.add(map(fitted, p));
			level.add(map(corrected, p));
		}
		float interior = quantile(raw, 16, 99, 0.99), glow = quantile(raw, 0, 1, 0.99) - interior;
		float left = quantile(level, 0, 1, 0.99) - quantile(level, 16, 99, 0.99);
		assertTrue("raw: the border's 99th percentile " + glow + " above the interior's", glow > 8);
		assertTrue("corrected: " + left + " above the interior's (raw: " + glow + ")", Math.abs(left) < glow / 4);
		assertEquals("the interior is unchanged", interior, quantile(level, 16, 99, 0.99), 0);
	}

	private static AnomalyMap map(TextureModel m, NormalizedPlane p) {
		return m.map(p.width(), p.height(), (x0, y0, w, h) -> new Tile(p, 0, 0), ProgressListener.NONE);
	}

	private static NormalizedPlane noise(int size, Random random) {
		float[] v = new float[size * size];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (0.3 * random.nextGaussian());
		return new NormalizedPlane(size, size, 1, v);
	}
}
