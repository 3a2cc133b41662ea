package sc.fiji.ganomaly.core.score;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;

import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.math.DensityModel;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.SlidingWindow;
import sc.fiji.ganomaly.core.plane.Tile;
import sc.fiji.ganomaly.core.plane.TileSource;
import sc.fiji.ganomaly.core.plane.TiledPlane;
import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.engine.PatchBatch;
import sc.fiji.ganomaly.engine.ScoringNetwork;
import sc.fiji.ganomaly.engine.TrainableNetwork;

/**
 * The network's sliding window without TensorFlow: a stand-in network whose latent score is a
 * patch's mean pixel and whose reconstruction is 0, so every map can be computed by hand.
 */
public class NetworkScorerTest {

	private static final int PATCH = 16;

	/** A patch's mean as its latent score, its pixels' mean as its code, zeros as its reconstruction. */
	static class MeanNetwork implements ScoringNetwork {

		final NetworkSpec spec;
		final AtomicInteger calls = new AtomicInteger();

		MeanNetwork(int threads) {
			spec = new NetworkSpec(PATCH, 1, 1, 4, 4, 0, 1, 50, 1, 2e-4f, 0.5f, 0.999f, threads, 0);
		}

		@Override
		public NetworkSpec spec() {
			return spec;
		}

		@Override
		public PatchBatch batch(int n) {
			float[] data = new float[n * spec.patchLength()];
			return new PatchBatch() {

				@Override
				public int size() {
					return n;
				}

				@Override
				public void put(long index, float[] src, int offset, int length) {
					System.arraycopy(src, offset, data, (int) index, length);
				}

				@Override
				public void get(long index, float[] dst, int offset, int length) {
					System.arraycopy(data, (int) index, dst, offset, length);
				}

				@Override
				public void close() {}
			};
		}

		private float[] means(PatchBatch batch) {
			int length = spec.patchLength();
			float[] patch = new float[length], means = new float[batch.size()];
			for (int i = 0; i < batch.size(); i++) {
				batch.get((long) i * length, patch, 0, length);
				double sum = 0;
				for (float v : patch)
					sum += v;
				means[i] = (float) (sum / length);
			}
			return means;
		}

		@Override
		public void score(PatchBatch batch, float[] scores, float[] reconstructionErrors) {
			calls.incrementAndGet();
			System.arraycopy(means(batch), 0, scores, 0, batch.size());
		}

		@Override
		public void reconstruct(PatchBatch batch, float[] out) {
			calls.incrementAndGet();
			java.util.Arrays.fill(out, 0, batch.size() * spec.patchLength(), 0f);
		}

		@Override
		public void latent(PatchBatch batch, float[] out) {
			calls.incrementAndGet();
			System.arraycopy(means(batch), 0, out, 0, batch.size());
		}

		@Override
		public void close() {}
	}

	/** Patches or scores too short for {@code n} are refused before the network is created (no engine is loaded for them). */
	@Test
	public void badPatchArgumentsCreateNoNetwork() {
		LazyNetwork lazy = lazy(new MeanNetwork(1));
		int length = lazy.spec().patchLength();
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lazy.scorePatches(
			new float[2 * length - 1], 2, new float[2]));
		assertTrue(e.getMessage(), e.getMessage().startsWith("patches: "));
		e = assertThrows(IllegalArgumentException.class, () -> lazy.scorePatches(new float[2 * length], 2, new float[1]));
		assertTrue(e.getMessage(), e.getMessage().startsWith("scores: "));
		assertFalse("no network for bad arguments", lazy.created());
		float[] scores = new float[2];
		lazy.scorePatches(new float[2 * length], 2, scores);
		assertTrue(lazy.created());
	}

	/** A LazyNetwork over {@code network}, as models hold theirs. */
	static LazyNetwork lazy(ScoringNetwork network) {
		Engine engine = new Engine() {

			@Override
			public String description() {
				return "mean network";
			}

			@Override
			public TrainableNetwork create(NetworkSpec spec) {
				throw new UnsupportedOperationException();
			}

			@Override
			public ScoringNetwork load(Path savedModel, NetworkSpec spec) {
				return network;
			}

			@Override
			public ScoringNetwork load(Path savedModel, NetworkSpec spec, String precision) {
				return network;
			}
		};
		return new LazyNetwork(() -> engine, Path.of("none"), network.spec(), "float32", null);
	}

	private static NormalizedPlane plane(int w, int h, long seed) {
		Random random = new Random(seed);
		float[] v = new float[w * h];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) random.nextGaussian();
		return new NormalizedPlane(w, h, 1, v);
	}

	/** The latent map by hand: each pixel the mean of the means of the windows covering it. */
	private static float[] expectedLatent(NormalizedPlane p, int stride) {
		int w = p.width(), h = p.height();
		int[] xs = SlidingWindow.positions(w, PATCH, stride), ys = SlidingWindow.positions(h, PATCH, stride);
		double[] sum = new double[w * h];
		int[] count = new int[w * h];
		for (int y0 : ys)
			for (int x0 : xs) {
				double s = 0;
				for (int y = y0; y < y0 + PATCH; y++)
					for (int x = x0; x < x0 + PATCH; x++)
						s += p.data()[y * w + x];
				float mean = (float) (s / (PATCH * PATCH));
				for (int y = y0; y < y0 + PATCH; y++)
					for (int x = x0; x < x0 + PATCH; x++) {
						sum[y * w + x] += mean;
						count[y * w + x]++;
					}
			}
		float[] out = new float[w * h];
		for (int i = 0; i < out.length; i++)
			out[i] = (float) (sum[i] / count[i]);
		return out;
	}

	private static NetworkScorer latent(MeanNetwork network, int stride, int batch, int tile) {
		return new NetworkScorer(lazy(network), capacity -> PatchValues.of(network, ScoreKind.LATENT, null, capacity),
			stride, batch, tile, 0);
	}

	@Test
	public void latentMapIsTheMeanOfTheCoveringWindows() {
		NormalizedPlane p = plane(53, 40, 1);
		RawMap raw = latent(new MeanNetwork(0), 5, 256, Scorers.TILE).map(53, 40, TileSource.of(p), ProgressListener.NONE);
		assertArrayEquals(expectedLatent(p, 5), raw.map().values(), 1e-6f);
		int windows = SlidingWindow.positions(53, PATCH, 5).length * SlidingWindow.positions(40, PATCH, 5).length;
		assertEquals(windows, raw.patches());
	}

	/** Tiles, batches and calls in flight change how the windows are cut, never the map. */
	@Test
	public void tileSizeBatchSizeAndThreadsDoNotChangeTheMap() {
		NormalizedPlane p = plane(97, 71, 2);
		float[] reference = latent(new MeanNetwork(1), 3, 256, Scorers.TILE).map(97, 71, TileSource.of(p),
			ProgressListener.NONE).map().values();
		for (int threads : new int[] { 1, 2 })
			for (int batch : new int[] { 1, 7, 300 })
				for (int tile : new int[] { PATCH, 40, 1024 }) {
					int[] largest = new int[2];
					TileSource counting = (x0, y0, w, h) -> {
						largest[0] = Math.max(largest[0], w);
						largest[1] = Math.max(largest[1], h);
						return new Tile(p, 0, 0);
					};
					float[] map = latent(new MeanNetwork(threads), 3, batch, tile).map(97, 71, counting, ProgressListener.NONE)
						.map().values();
					assertArrayEquals("threads " + threads + ", batch " + batch + ", tile " + tile, reference, map, 0f);
					assertTrue(largest[0] + "x" + largest[1], largest[0] <= Math.max(tile, PATCH) && largest[1] <= Math.max(tile,
						PATCH));
				}
	}

	@Test
	public void cancellingStopsBetweenBatches() {
		MeanNetwork network = new MeanNetwork(2);
		int[] asked = { 0 };
		ProgressListener cancelThird = new ProgressListener() {

			@Override
			public boolean isCanceled() {
				return ++asked[0] >= 3;
			}
		};
		NormalizedPlane p = plane(64, 64, 3);
		assertNull(latent(network, 1, 16, Scorers.TILE).map(64, 64, TileSource.of(p), cancelThird));
		assertEquals(3, asked[0]);
		assertTrue("scoring stopped early: " + network.calls.get() + " calls", network.calls.get() <= 5);
	}

	/** A plane whose tile cannot be read fails only once the calls in flight have ended (the caller may then close the network). */
	@Test
	public void aFailedTileReadWaitsForTheCallsInFlight() {
		AtomicInteger running = new AtomicInteger(), started = new AtomicInteger();
		MeanNetwork network = new MeanNetwork(2) {

			@Override
			public void score(PatchBatch batch, float[] scores, float[] reconstructionErrors) {
				running.incrementAndGet();
				started.incrementAndGet();
				try {
					Thread.sleep(200);
					super.score(batch, scores, reconstructionErrors);
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
				finally {
					running.decrementAndGet();
				}
			}
		};
		NormalizedPlane p = plane(64, 64, 3);
		int[] tiles = { 0 };
		TileSource failing = (x0, y0, w, h) -> {
			if (++tiles[0] == 3) throw new IllegalStateException("the stack's slice 4 cannot be read");
			return new Tile(p, 0, 0);
		};
		try {
			latent(network, PATCH, 1, PATCH).map(64, 64, failing, ProgressListener.NONE);
			fail("scored a plane whose tile could not be read");
		}
		catch (IllegalStateException e) {
			assertEquals("the stack's slice 4 cannot be read", e.getMessage());
		}
		assertTrue("calls were launched before the failure: " + started.get(), started.get() >= 1);
		assertEquals("calls still running when the failure reached the caller", 0, running.get());
	}

	/** The residual of a zero reconstruction is |x| per pixel, smoothed as asked; each window's value is its mean. */
	@Test
	public void residualMapIsThePixelsDistanceToTheReconstruction() {
		MeanNetwork network = new MeanNetwork(0);
		NormalizedPlane p = plane(32, 32, 4);
		NetworkScorer scorer = new NetworkScorer(lazy(network), capacity -> PatchValues.of(network, ScoreKind.RESIDUAL,
			null, capacity), PATCH, 256, Scorers.TILE, 0);
		RawMap raw = scorer.map(32, 32, TileSource.of(p), ProgressListener.NONE);
		for (int i = 0; i < 32 * 32; i++)
			assertEquals(Math.abs(p.data()[i]), raw.map().values()[i], 1e-6f);
		double best = 0;
		for (int y0 : new int[] { 0, 16 })
			for (int x0 : new int[] { 0, 16 }) {
				double s = 0;
				for (int y = y0; y < y0 + PATCH; y++)
					for (int x = x0; x < x0 + PATCH; x++)
						s += Math.abs(p.data()[y * 32 + x]);
				best = Math.max(best, s / (PATCH * PATCH));
			}
		assertEquals(best, raw.bestPatch(), 1e-6);
	}

	/** The density score of a code is its squared distance to the Gaussian of normal codes. */
	@Test
	public void densityMapScoresEachWindowsCode() {
		MeanNetwork network = new MeanNetwork(0);
		NormalizedPlane p = plane(16, 16, 5);
		DensityModel unit = new DensityModel(new double[] { 1 }, new double[] { 4 });
		NetworkScorer scorer = new NetworkScorer(lazy(network), capacity -> PatchValues.of(network, ScoreKind.DENSITY,
			unit, capacity), PATCH, 256, Scorers.TILE, 0);
		RawMap raw = scorer.map(16, 16, TileSource.of(p), ProgressListener.NONE);
		double mean = 0;
		for (float v : p.data())
			mean += v;
		mean /= 256;
		assertEquals(4 * (mean - 1) * (mean - 1), raw.bestPatch(), 1e-5);
		assertEquals(raw.bestPatch(), raw.map().values()[100], 1e-6f);
	}

	/**
	 * Planes scored together: each gets the map, highest window and window count of its own call,
	 * for every kind of network score, planes of one band and of several (tiles of 40 pixels) mixed;
	 * small planes share calls.
	 */
	@Test
	public void planesScoredTogetherGetTheirOwnMapsInFewerCalls() {
		int[][] sizes = { { 16, 16 }, { 33, 20 }, { 97, 71 }, { 16, 16 }, { 40, 17 }, { 16, 16 } };
		List<TiledPlane> planes = new ArrayList<>();
		for (int k = 0; k < sizes.length; k++)
			planes.add(new TiledPlane(sizes[k][0], sizes[k][1], TileSource.of(plane(sizes[k][0], sizes[k][1], 10 + k))));
		DensityModel unit = new DensityModel(new double[] { 1 }, new double[] { 4 });
		for (ScoreKind kind : new ScoreKind[] { ScoreKind.LATENT, ScoreKind.RESIDUAL, ScoreKind.DENSITY }) {
			MeanNetwork together = new MeanNetwork(2), alone = new MeanNetwork(2);
			List<RawMap> maps = scorer(together, kind, unit).maps(planes, ProgressListener.NONE);
			for (int k = 0; k < planes.size(); k++) {
				TiledPlane q = planes.get(k);
				RawMap own = scorer(alone, kind, unit).map(q.width(), q.height(), q.tiles(), ProgressListener.NONE);
				String what = kind + ", plane " + k;
				assertArrayEquals(what, own.map().values(), maps.get(k).map().values(), 0f);
				assertEquals(what, own.bestPatch(), maps.get(k).bestPatch(), 0f);
				assertEquals(what, own.patches(), maps.get(k).patches());
			}
			assertTrue(kind + ": " + together.calls.get() + " calls together, " + alone.calls.get() + " alone",
				together.calls.get() < alone.calls.get() - 3);
		}
	}

	private static NetworkScorer scorer(MeanNetwork network, ScoreKind kind, DensityModel density) {
		return new NetworkScorer(lazy(network), capacity -> PatchValues.of(network, kind, density, capacity), 8, 64, 40,
			kind == ScoreKind.RESIDUAL ? 1.5 : 0);
	}
}
