package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Random;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import sc.fiji.ganomaly.core.api.PlaneScore;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;

/** Leases: shared models, never closed under a running call, bounded, released on close. */
public class ModelPoolTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	static Path a, b;
	static PlaneScore reference;

	@BeforeClass
	public static void trainTinyModels() throws Exception {
		a = tmp.getRoot().toPath().resolve("a.ganomaly.zip");
		b = tmp.getRoot().toPath().resolve("b.ganomaly.zip");
		try (GanomalyModel m = tiny(1)) {
			m.save(a);
			reference = m.score(SyntheticImages.anomalous(32, new Random(5), 16, 16, 4), 4, "probe");
		}
		try (GanomalyModel m = tiny(2)) {
			m.save(b);
		}
	}

	static GanomalyModel tiny(long seed) {
		TrainingData data = new TrainingData();
		Random random = new Random(seed);
		for (int i = 0; i < 3; i++)
			data.add("n" + i, SyntheticImages.normal(32, random));
		return Ganomaly.train(data, new TrainingSettings().patchSize(16).nz(8).ngf(8).ndf(8).epochs(1).patchesPerEpoch(64)
			.batchSize(32).seed(seed).threads(1), null);
	}

	@Test
	public void aLeaseForTheTextureScoreLeavesTheNetworkOutUntilANetworkScore() {
		Path latent = tmp.getRoot().toPath().resolve("latent.ganomaly.zip");
		PlaneScore expected, expectedTexture;
		TrainingData data = new TrainingData();
		Random random = new Random(3);
		for (int i = 0; i < 3; i++)
			data.add("n" + i, SyntheticImages.normal(32, random));
		try (GanomalyModel m = Ganomaly.train(data, new TrainingSettings().patchSize(16).nz(8).ngf(8).ndf(8).epochs(1)
			.patchesPerEpoch(64).batchSize(32).seed(3).threads(1).score(ScoreKind.LATENT), null))
		{
			m.save(latent);
			expected = m.score(SyntheticImages.anomalous(32, new Random(5), 16, 16, 4), 4, "probe");
			expectedTexture = m.withScore(ScoreKind.TEXTURE).score(SyntheticImages.anomalous(32, new Random(5), 16, 16, 4),
				4, "probe");
		}
		try (ModelPool pool = new ModelPool(); ModelPool.Lease texture = pool.lease(latent, ScoreKind.TEXTURE)) {
			PlaneScore t = texture.model().withScore(ScoreKind.TEXTURE).score(SyntheticImages.anomalous(32, new Random(5),
				16, 16, 4), 4, "probe");
			assertEquals(expectedTexture.score(), t.score(), 0f);
			assertArrayEquals(expectedTexture.map().values(), t.map().values(), 0f);
			assertFalse("the texture score loaded the network", texture.model().networkLoaded());
			try (ModelPool.Lease own = pool.lease(latent)) {
				assertSame(texture.model(), own.model());
				PlaneScore s = own.model().score(SyntheticImages.anomalous(32, new Random(5), 16, 16, 4), 4, "probe");
				assertTrue(own.model().networkLoaded());
				assertEquals(expected.score(), s.score(), 0f);
			}
		}
		try (ModelPool pool = new ModelPool(); ModelPool.Lease own = pool.lease(latent)) {
			assertTrue("a lease for the model's own score, the network's, loads it at once", own.model().networkLoaded());
		}
	}

	@Test
	public void oneFileIsLoadedOnceAndShared() {
		try (ModelPool pool = new ModelPool(); ModelPool.Lease first = pool.lease(a); ModelPool.Lease second = pool.lease(a)) {
			assertSame(first.model(), second.model());
			assertEquals(1, pool.size());
			PlaneScore s = first.model().score(SyntheticImages.anomalous(32, new Random(5), 16, 16, 4), 4, "probe");
			assertEquals(reference.score(), s.score(), 0f);
		}
	}

	@Test
	public void aFileIsSharedByLeasesAskingForTheSameThreadsAndPrecision() {
		try (ModelPool pool = new ModelPool(4, Long.MAX_VALUE, 1); ModelPool.Lease one = pool.lease(a, 1, "float32", null);
			ModelPool.Lease again = pool.lease(a, 1, "float32", null); ModelPool.Lease two = pool.lease(a, 2, "float32", null))
		{
			assertSame(one.model(), again.model());
			assertTrue("the first lease loaded the model", one.loadMillis() >= 0);
			assertEquals("the second shared it", -1, again.loadMillis());
			assertNotSame("other threads: another model", one.model(), two.model());
			assertEquals(java.util.List.of(a.toAbsolutePath().normalize(), a.toAbsolutePath().normalize()), pool.files());
			PlaneScore s = two.model().score(SyntheticImages.anomalous(32, new Random(5), 16, 16, 4), 4, "probe");
			assertEquals(reference.score(), s.score(), 0f);
		}
	}

	@Test
	public void anEvictedModelInUseFinishesItsCallFirst() {
		try (ModelPool pool = new ModelPool(1, Long.MAX_VALUE, 1)) {
			ModelPool.Lease held = pool.lease(a);
			Path folder = held.model().folder();
			try (ModelPool.Lease other = pool.lease(b)) {
				assertEquals("a was evicted", java.util.List.of(b.toAbsolutePath().normalize()), pool.files());
				assertTrue("but not closed while leased", Files.isDirectory(folder));
				PlaneScore s = held.model().score(SyntheticImages.anomalous(32, new Random(5), 16, 16, 4), 4, "probe");
				assertEquals(reference.score(), s.score(), 0f);
			}
			held.close();
			assertFalse("closed with its last lease", Files.exists(folder));
		}
	}

	@Test
	public void aChangedFileIsLoadedAgain() throws Exception {
		Path c = tmp.getRoot().toPath().resolve("c.ganomaly.zip");
		Files.copy(a, c, StandardCopyOption.REPLACE_EXISTING);
		try (ModelPool pool = new ModelPool()) {
			GanomalyModel first;
			try (ModelPool.Lease l = pool.lease(c)) {
				first = l.model();
			}
			Files.copy(b, c, StandardCopyOption.REPLACE_EXISTING);
			Files.setLastModifiedTime(c, FileTime.fromMillis(System.currentTimeMillis() + 5000));
			try (ModelPool.Lease l = pool.lease(c)) {
				assertNotSame(first, l.model());
				assertEquals("the old version left the pool", 1, pool.size());
				assertFalse("and was closed", Files.exists(first.folder()));
			}
		}
	}

	@Test
	public void closingThePoolReleasesEverything() {
		ModelPool pool = new ModelPool();
		ModelPool.Lease held = pool.lease(a);
		Path heldFolder = held.model().folder();
		Path idleFolder;
		try (ModelPool.Lease idle = pool.lease(b)) {
			idleFolder = idle.model().folder();
		}
		pool.close();
		assertFalse("an idle model is closed at once", Files.exists(idleFolder));
		assertTrue("a leased one when its lease ends", Files.exists(heldFolder));
		held.close();
		assertFalse(Files.exists(heldFolder));
		try {
			pool.lease(a);
			fail("a closed pool lends nothing");
		}
		catch (IllegalStateException expected) {
			// expected
		}
	}

	@Test
	public void unpackedFoldersAreDeletedWhenTheJvmExits() throws Exception {
		ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
			System.getProperty("java.class.path"), "-Dganomaly.engine.dir=" + System.getProperty("ganomaly.engine.dir"),
			LoadAndExit.class.getName(), a.toString()).redirectErrorStream(true);
		pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
		Process child = pb.start();
		String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		assertTrue(out, child.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("unpacked (\\S+)").matcher(out);
		assertTrue(out, m.find());
		assertFalse("the model's unpacked folder is gone after exit: " + m.group(1), Files.exists(Path.of(m.group(1))));
	}

	@Test
	public void aBadFileIsNotKept() throws Exception {
		Path bad = tmp.newFile("bad.ganomaly.zip").toPath();
		try (ModelPool pool = new ModelPool()) {
			try {
				pool.lease(bad);
				fail("not a model");
			}
			catch (IllegalArgumentException e) {
				assertTrue(e.getMessage(), e.getMessage().contains("not a valid GANomaly model file"));
			}
			assertEquals(0, pool.size());
		}
	}
}
