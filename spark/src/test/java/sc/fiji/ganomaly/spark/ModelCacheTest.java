package sc.fiji.ganomaly.spark;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;

import java.util.ArrayList;
import java.util.List;

import org.junit.Test;

/** The executors' model cache: at most two models, the least recently used closed once no task holds it. */
public class ModelCacheTest {

	/** A model that records its loading and closing. */
	private static final class Model implements AutoCloseable {

		final String name;
		int closed;

		Model(String name, List<Model> loaded) {
			this.name = name;
			loaded.add(this);
		}

		@Override
		public void close() {
			closed++;
		}
	}

	@Test
	public void loadingAThirdModelClosesTheLeastRecentlyUsed() {
		List<Model> loaded = new ArrayList<>();
		ModelCache<String, Model> cache = new ModelCache<>(ExecutorModels.CAPACITY);
		for (String name : List.of("a", "b", "a", "b"))
			try (ModelCache<String, Model>.Lease lease = cache.lease(name, () -> new Model(name, loaded))) {
				assertEquals(name, lease.model().name);
			}
		assertEquals("a and b are loaded once each", 2, loaded.size());
		cache.lease("a", () -> new Model("a", loaded)).close(); // b is now the least recently used
		cache.lease("c", () -> new Model("c", loaded)).close();
		assertEquals(List.of(0, 1, 0), loaded.stream().map(m -> m.closed).toList());
		assertEquals(2, cache.size());

		Model a = loaded.get(0);
		cache.lease("d", () -> new Model("d", loaded)).close();
		assertEquals("a, the least recently used, is closed by d", 1, a.closed);
		try (ModelCache<String, Model>.Lease again = cache.lease("a", () -> new Model("a", loaded))) {
			assertNotSame("an evicted model is loaded anew", a, again.model());
		}
		assertEquals(List.of(1, 1, 1, 0, 0), loaded.stream().map(m -> m.closed).toList());
	}

	@Test
	public void anEvictedModelInUseIsClosedWhenItsLastLeaseIsReleased() {
		List<Model> loaded = new ArrayList<>();
		ModelCache<String, Model> cache = new ModelCache<>(2);
		ModelCache<String, Model>.Lease first = cache.lease("a", () -> new Model("a", loaded));
		ModelCache<String, Model>.Lease second = cache.lease("a", () -> new Model("a", loaded));
		assertSame(first.model(), second.model());
		cache.lease("b", () -> new Model("b", loaded)).close();
		cache.lease("c", () -> new Model("c", loaded)).close();
		Model a = first.model();
		assertEquals("evicted but leased twice: open", 0, a.closed);
		first.close();
		first.close(); // a second release of the same lease changes nothing
		assertEquals("one lease left: open", 0, a.closed);
		second.close();
		assertEquals("closed once, by its last release", 1, a.closed);
		assertEquals(List.of("a", "b", "c"), loaded.stream().map(m -> m.name).toList());
		cache.closeAll();
		assertEquals(List.of(1, 1, 1), loaded.stream().map(m -> m.closed).toList());
	}
}
