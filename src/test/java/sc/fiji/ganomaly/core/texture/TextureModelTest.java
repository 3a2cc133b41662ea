package sc.fiji.ganomaly.core.texture;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Test;
import net.imglib2.img.array.ArrayImgs;
import sc.fiji.ganomaly.core.api.AnomalyMap;
import sc.fiji.ganomaly.core.api.Normalization;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.math.MapFilters;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.PlaneNormalizer;
import sc.fiji.ganomaly.core.plane.Region;
import sc.fiji.ganomaly.core.plane.Tile;

/** The texture model: tiles that do not show, the features of a blur, the training intensities. */
public class TextureModelTest {

	/** A plane wider than a tile scores exactly as its features computed at once (tiles are read with a margin). */
	@Test
	public void tilesDoNotShow() {
		Random random = new Random(5);
		int w = TextureModel.TILE + 150, h = 40;
		float[] data = new float[w * h];
		for (int i = 0; i < data.length; i++)
			data[i] = (float) (Math.sin(i % w * 0.3) + 0.3 * random.nextGaussian());
		NormalizedPlane plane = new NormalizedPlane(w, h, 1, data);
		TextureModel t = TextureModel.fit(List.of(Region.of(plane)), 2);
		AnomalyMap tiled = t.map(w, h, (x0, y0, tw, th) -> new Tile(crop(plane, x0, y0, tw, th), x0, y0),
			ProgressListener.NONE);
		float[][] f = TextureFeatures.features(data, w, h, 1, t.scales(), t.features());
		float[] expected = new float[w * h], vector = new float[f.length];
		double[] scratch = new double[f.length + t.density().components()];
		for (int i = 0; i < w * h; i++) {
			for (int k = 0; k < f.length; k++)
				vector[k] = f[k][i];
			expected[i] = t.density().score(vector, 0, scratch);
		}
		MapFilters.gaussian(expected, w, h, t.sigma());
		assertArrayEquals(expected, tiled.values(), 1e-3f);
	}

	/** A blurred region of a noisy texture stands out; the rest of the map stays low. */
	@Test
	public void blurredRegionStandsOut() {
		Random random = new Random(9);
		List<Region> regions = new ArrayList<>();
		for (int i = 0; i < 6; i++)
			regions.add(Region.of(noise(64, random)));
		TextureModel t = TextureModel.fit(regions, 4);
		NormalizedPlane test = noise(64, random);
		float[] v = test.data().clone(), blurred = v.clone();
		MapFilters.gaussian(blurred, 64, 64, 3);
		for (int y = 20; y < 44; y++)
			for (int x = 20; x < 44; x++)
				v[y * 64 + x] = blurred[y * 64 + x] * 4;
		NormalizedPlane anomalous = new NormalizedPlane(64, 64, 1, v);
		AnomalyMap map = t.map(64, 64, (x0, y0, w, h) -> new Tile(anomalous, 0, 0), ProgressListener.NONE);
		assertTrue("centre " + map.value(32, 32) + ", corner " + map.value(4, 4), map.value(32, 32) > map.value(4, 4) + 50);
	}

	/**
	 * Planes of sparse spots on a background of zeros (background-subtracted fluorescence, the
	 * spots under 0.2 % of the pixels: both percentiles are 0) train a model that sees a blob of
	 * 10 × 10 pixels, too small to move the percentiles: its map's maximum is far above that of a
	 * normal plane of the same kind.
	 */
	@Test
	public void aBlobAmongSparseSpotsOnZeroStandsOut() {
		Random random = new Random(17);
		List<Region> regions = new ArrayList<>();
		for (int i = 0; i < 4; i++)
			regions.add(Region.of(normalised(spots(random, false))));
		TextureModel t = TextureModel.fit(regions, 8);
		NormalizedPlane normal = normalised(spots(random, false)), blob = normalised(spots(random, true));
		float normalMax = TextureSuite.max(t.map(SPOTS, SPOTS, (x0, y0, w, h) -> new Tile(normal, 0, 0),
			ProgressListener.NONE).values());
		float blobMax = TextureSuite.max(t.map(SPOTS, SPOTS, (x0, y0, w, h) -> new Tile(blob, 0, 0),
			ProgressListener.NONE).values());
		assertTrue("blob " + blobMax + ", normal " + normalMax, blobMax > normalMax + 100);
	}

	private static final int SPOTS = 256;

	/** A 16-bit plane of zeros with 3 spots of 3 × 3 pixels, and a 10 × 10 blob if asked: 27 or 127 of 65,536 pixels. */
	private static short[] spots(Random random, boolean blob) {
		short[] v = new short[SPOTS * SPOTS];
		for (int s = 0; s < 3; s++) {
			int x0 = 10 + random.nextInt(SPOTS - 20), y0 = 10 + random.nextInt(SPOTS - 20);
			for (int y = y0; y < y0 + 3; y++)
				for (int x = x0; x < x0 + 3; x++)
					v[y * SPOTS + x] = (short) (800 + random.nextInt(400));
		}
		if (blob) for (int y = 120; y < 130; y++)
			for (int x = 120; x < 130; x++)
				v[y * SPOTS + x] = 1000;
		return v;
	}

	private static NormalizedPlane normalised(short[] v) {
		return PlaneNormalizer.apply(Normalization.DEFAULT, ArrayImgs.unsignedShorts(v, SPOTS, SPOTS), "spots");
	}

	/**
	 * Features are computed in the training planes' intensities: the same raw image normalised by
	 * two different ranges (as its own percentiles would when a bright speck moves them) scores the
	 * same; a texture model written before intensities existed loads without them and scores each
	 * plane as normalised.
	 */
	@Test
	public void featuresUseTheTrainingIntensities() {
		Random random = new Random(13);
		List<Region> regions = new ArrayList<>();
		for (int i = 0; i < 4; i++)
			regions.add(Region.of(mapped(noise(64, random), 100, 0.01f)));
		TextureModel t = TextureModel.fit(regions, 6);
		assertEquals(100 + 0 / 0.01, t.intensities().low()[0], 1e-3);
		assertEquals(100 + 2 / 0.01, t.intensities().high()[0], 1e-3);
		NormalizedPlane test = noise(64, random);
		float[] stretched = test.data().clone();
		for (int i = 0; i < stretched.length; i++)
			stretched[i] = (stretched[i] + 1) * 0.5f - 1; // the same raw values under half the scale
		NormalizedPlane a = mapped(test, 100, 0.01f), b = new NormalizedPlane(64, 64, 1, stretched, new float[] { 100 },
			new float[] { 0.005f });
		float[] ma = t.map(64, 64, (x0, y0, w, h) -> new Tile(a, 0, 0), ProgressListener.NONE).values(),
				mb = t.map(64, 64, (x0, y0, w, h) -> new Tile(b, 0, 0), ProgressListener.NONE).values();
		assertArrayEquals(ma, mb, 1e-2f);
		assertNotNull(t.intensities());
		TextureModel old = new TextureModel(t.scales(), t.sigma(), t.features(), t.density(), null, null);
		float[] mo = old.map(64, 64, (x0, y0, w, h) -> new Tile(b, 0, 0), ProgressListener.NONE).values();
		assertTrue("as normalised, the stretched plane scores differently: " + mo[32 * 64 + 32] + " vs " + ma[32 * 64 + 32],
			Math.abs(mo[32 * 64 + 32] - ma[32 * 64 + 32]) > 1);
	}

	/**
	 * The gradient features: coherence is 1 on stripes and near 0 on white noise; sparsity is 0 on
	 * a flat plane, log(π/4) on white noise (gradient magnitudes are Rayleigh distributed) and far
	 * below beside a lone step edge.
	 */
	@Test
	public void gradientFeatures() {
		int w = 96, h = 96, f = FeatureSet.STATISTICS_AND_GRADIENTS.perScale();
		double[] scales = { 4 };
		Random random = new Random(17);
		float[] stripes = new float[w * h], noise = new float[w * h], edge = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				stripes[y * w + x] = (float) (0.5 * Math.sin(0.5 * x));
				noise[y * w + x] = (float) (0.3 * random.nextGaussian());
				edge[y * w + x] = x < w / 2 ? -0.5f : 0.5f;
			}
		int centre = h / 2 * w + w / 2;
		var g = FeatureSet.STATISTICS_AND_GRADIENTS;
		assertEquals(1, TextureFeatures.features(stripes, w, h, 1, scales, g)[4][centre], 0.01);
		float[][] n = TextureFeatures.features(noise, w, h, 1, scales, g);
		assertEquals(0, n[4][centre], 0.15);
		assertEquals(Math.log(Math.PI / 4), n[5][centre], 0.1);
		assertEquals(0, TextureFeatures.features(new float[w * h], w, h, 1, scales, g)[5][centre], 1e-6);
		float[][] e = TextureFeatures.features(edge, w, h, 1, scales, g);
		assertTrue("sparsity beside an edge " + e[5][centre + 4], e[5][centre + 4] < -1);
		assertEquals(1, e[4][centre + 4], 0.01);
		assertEquals(f * scales.length, n.length);
		assertEquals(4, TextureFeatures.features(noise, w, h, 1, scales, FeatureSet.STATISTICS).length);
	}

	/** An empty channel (constant in every plane) keeps the other channels' fixed ranges and gets one unit of its own. */
	@Test
	public void anEmptyChannelKeepsTheOthersFixedIntensities() {
		java.util.List<NormalizedPlane> planes = new java.util.ArrayList<>();
		for (float low : new float[] { 10, 12, 11 })
			// channel 0 maps low..low+10 to -1..1 (scale 0.2 per raw unit); channel 1 is 0 everywhere
			planes.add(new NormalizedPlane(2, 1, 2, new float[4], new float[] { low, 0 }, new float[] { 0.2f, 0 }));
		Intensities i = Intensities.median(planes);
		assertEquals(11, i.low()[0], 1e-6);
		assertEquals(21, i.high()[0], 1e-6);
		assertEquals(-0.5, i.low()[1], 1e-12);
		assertEquals(0.5, i.high()[1], 1e-12);
	}

	private static NormalizedPlane mapped(NormalizedPlane p, float low, float scale) {
		return new NormalizedPlane(p.width(), p.height(), p.channels(), p.data(), new float[] { low }, new float[] { scale });
	}

	private static NormalizedPlane noise(int size, Random random) {
		float[] v = new float[size * size];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (0.3 * random.nextGaussian());
		return new NormalizedPlane(size, size, 1, v);
	}

	private static NormalizedPlane crop(NormalizedPlane p, int x0, int y0, int w, int h) {
		float[] out = new float[w * h];
		for (int y = 0; y < h; y++)
			System.arraycopy(p.data(), (y0 + y) * p.width() + x0, out, y * w, w);
		return new NormalizedPlane(w, h, 1, out);
	}
}
