package sc.fiji.ganomaly.core.train;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import sc.fiji.ganomaly.core.model.TrainingReport;
import sc.fiji.ganomaly.core.Ganomaly;
import sc.fiji.ganomaly.core.StatusLog;
import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.SyntheticImages;
import sc.fiji.ganomaly.core.api.EpochSummary;
import sc.fiji.ganomaly.core.api.ProgressListener;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.core.api.TrainingData;
import sc.fiji.ganomaly.core.api.TrainingSettings;
import sc.fiji.ganomaly.engine.Engine;
import sc.fiji.ganomaly.engine.EngineLoader;
import sc.fiji.ganomaly.engine.TrainableNetwork;
import sc.fiji.ganomaly.engine.TrainingLosses;

/** A training stopped after an epoch and resumed ends where an uninterrupted one does. */
public class ResumeTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	static TrainingData data() {
		Random random = new Random(8);
		TrainingData data = SyntheticImages.normalData(3, 48, random);
		return data;
	}

	static TrainingSettings settings(Path checkpoints) {
		return new TrainingSettings().patchSize(16).nz(8).ngf(8).ndf(8).batchSize(16).epochs(4).patchesPerEpoch(96).seed(5).score(ScoreKind.LATENT)
			.threads(1).checkpointFolder(checkpoints);
	}

	/** Collects validation losses; cancels once epoch {@code stopAfter} has ended (0: never). */
	static ProgressListener recorder(List<Double> losses, int stopAfter) {
		return new ProgressListener() {

			boolean stop;

			@Override
			public void epochFinished(EpochSummary s) {
				losses.add(s.validationLoss());
				stop = s.epoch() == stopAfter;
			}

			@Override
			public boolean isCanceled() {
				return stop;
			}
		};
	}

	@Test
	public void resumedTrainingMatchesAnUninterruptedOne() {
		List<Double> straight = new ArrayList<>();
		try (GanomalyModel m = Ganomaly.train(data(), settings(tmp.getRoot().toPath().resolve("a")), recorder(straight, 0))) {
			assertEquals(4, straight.size());
		}
		Path checkpoints = tmp.getRoot().toPath().resolve("b");
		List<Double> interrupted = new ArrayList<>();
		try (GanomalyModel m = Ganomaly.train(data(), settings(checkpoints), recorder(interrupted, 2))) {
			assertEquals(true, m.manifest().training().network().canceled());
		}
		assertEquals(2, interrupted.size());
		try (GanomalyModel m = Ganomaly.train(data(), settings(checkpoints).resume(true), recorder(interrupted, 0))) {
			assertEquals(4.0, ((Number) m.manifest().training().figures().get("epochs_run")).doubleValue(), 0);
			assertEquals(4, ((List<?>) m.manifest().training().figures().get("validation_losses")).size());
		}
		assertEquals(4, interrupted.size());
		for (int i = 0; i < 4; i++) // seeded training is bit-exact, resumed or not
			assertEquals("epoch " + (i + 1), straight.get(i), interrupted.get(i), 0);
	}

	/**
	 * A training of the same settings and images as a stopped one goes on from its checkpoint without
	 * being asked to resume (what training from epoch 1 would give, sooner; the stopped epochs are not
	 * thrown away), and says so; one of other settings starts at epoch 1.
	 */
	@Test
	public void aStoppedTrainingIsGoneOnFromByATrainingOfItsSettings() {
		List<Double> straight = new ArrayList<>();
		Ganomaly.train(data(), settings(tmp.getRoot().toPath().resolve("h1")), recorder(straight, 0)).close();
		Path checkpoints = tmp.getRoot().toPath().resolve("h");
		Ganomaly.train(data(), settings(checkpoints), recorder(new ArrayList<>(), 2)).close();
		StatusLog statuses = new StatusLog();
		List<Double> after = new ArrayList<>();
		ProgressListener listener = ProgressListener.all(recorder(after, 0), statuses);
		try (GanomalyModel m = Ganomaly.train(data(), settings(checkpoints), listener)) {
			List<?> losses = (List<?>) m.manifest().training().figures().get("validation_losses");
			assertEquals(4, losses.size());
			for (int i = 0; i < 4; i++)
				assertEquals("epoch " + (i + 1), straight.get(i), ((Number) losses.get(i)).doubleValue(), 1e-12);
		}
		assertEquals("epochs 3 and 4 only", straight.subList(2, 4), after);
		assertTrue(String.join("\n", statuses.messages), statuses.messages.contains("going on after epoch 2 of a stopped " +
			"training of this model with the same settings and images, as resuming it would (delete " + checkpoints +
			" to begin at epoch 1)"));

		// another seed: epoch 1 on
		Ganomaly.train(data(), settings(checkpoints), recorder(new ArrayList<>(), 2)).close();
		List<Double> other = new ArrayList<>();
		Ganomaly.train(data(), settings(checkpoints).seed(6), recorder(other, 0)).close();
		assertEquals(4, other.size());
	}

	/**
	 * A training stopped within its first epoch writes that partial epoch's model and can be resumed:
	 * the resumed one runs the first epoch again and ends as an uninterrupted one does.
	 */
	@Test
	public void aTrainingStoppedWithinItsFirstEpochResumes() throws IOException {
		List<Double> straight = new ArrayList<>();
		Ganomaly.train(data(), settings(tmp.getRoot().toPath().resolve("f")).epochs(2), recorder(straight, 0)).close();
		Path checkpoints = tmp.getRoot().toPath().resolve("g");
		ProgressListener afterTwoSteps = new ProgressListener() {

			long steps;

			@Override
			public void progress(long done, long total) {
				steps = done;
			}

			@Override
			public boolean isCanceled() {
				return steps >= 2;
			}
		};
		try (GanomalyModel m = Ganomaly.train(data(), settings(checkpoints).epochs(2), afterTwoSteps)) {
			assertEquals(true, m.manifest().training().network().canceled());
		}
		assertTrue(Files.readString(checkpoints.resolve("state.json")).contains("\"epoch\": 0"));
		List<Double> resumed = new ArrayList<>();
		try (GanomalyModel m = Ganomaly.train(data(), settings(checkpoints).epochs(2).resume(true), recorder(resumed,
			0)))
		{
			assertEquals(2.0, ((Number) m.manifest().training().figures().get("epochs_run")).doubleValue(), 0);
		}
		assertEquals(straight, resumed);
	}

	@Test
	public void resumeRefusesOtherSettings() {
		Path checkpoints = tmp.getRoot().toPath().resolve("c");
		Ganomaly.train(data(), settings(checkpoints).epochs(1), null).close();
		try {
			Ganomaly.train(data(), settings(checkpoints).nz(16).batchSize(8).resume(true), null).close();
			fail();
		}
		catch (IllegalArgumentException e) {
			// what changed, by name
			assertTrue(e.getMessage(), e.getMessage().contains("made with other settings or data (nz 8, now 16; batch " +
				"size 16, now 8); resume with the settings and images it was made with"));
		}
		// as many planes of other data: refused too
		TrainingData other = SyntheticImages.normalData(3, 48, new Random(9));
		IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> Ganomaly.train(
			other, settings(checkpoints).resume(true), null).close());
		assertTrue(e.getMessage(), e.getMessage().contains("made with other settings or data (the training images' " +
			"pixels changed)"));
	}

	/**
	 * A second training into the checkpoint folder of a running one is refused in one line instead
	 * of deleting its files; a training that starts afresh over an earlier one's checkpoint says so.
	 */
	@Test
	public void aCheckpointServesOneTrainingAtATime() throws Exception {
		Path checkpoints = tmp.getRoot().toPath().resolve("e");
		Ganomaly.train(data(), settings(checkpoints).epochs(1), null).close();
		StatusLog statuses = new StatusLog();
		CountDownLatch inFirstEpoch = new CountDownLatch(1), secondTried = new CountDownLatch(1);
		ProgressListener waiting = new ProgressListener() {

			@Override
			public void status(String message) {
				statuses.status(message);
			}

			@Override
			public void progress(long done, long total) {
				inFirstEpoch.countDown();
				try {
					secondTried.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			}
		};
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			Future<GanomalyModel> first = pool.submit(() -> Ganomaly.train(data(), settings(checkpoints).epochs(1).seed(7),
				waiting));
			assertTrue(inFirstEpoch.await(60, TimeUnit.SECONDS));
			IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> Ganomaly.train(
				data(), settings(checkpoints).epochs(1), null).close());
			secondTried.countDown();
			assertTrue(e.getMessage(), e.getMessage().startsWith("another training is using " + checkpoints));
			first.get().close();
		}
		finally {
			secondTried.countDown();
			pool.shutdownNow();
		}
		assertTrue(String.join("\n", statuses.messages), statuses.messages.contains("warning: this training replaced the " +
			"checkpoint of an earlier training of this model (after epoch 1), which can no longer be resumed"));
		// the lock went with the training: the next one runs
		Ganomaly.train(data(), settings(checkpoints).epochs(1), null).close();
	}

	/**
	 * Stopped before its first step (Ctrl-C while the data and the engine are prepared), a training
	 * writes no model and leaves an earlier training's checkpoint as it was, still resumable.
	 */
	@Test
	public void stoppedBeforeTheFirstStepWritesNoModelAndLeavesAnEarlierTrainingResumable() throws IOException {
		Path checkpoints = tmp.getRoot().toPath().resolve("d");
		Ganomaly.train(data(), settings(checkpoints).epochs(1), null).close();
		assertTrue(Files.exists(checkpoints.resolve("best-1.index")));
		ProgressListener stopAtOnce = new ProgressListener() {

			@Override
			public boolean isCanceled() {
				return true;
			}
		};
		try {
			Ganomaly.train(data(), settings(checkpoints).seed(6), stopAtOnce).close();
			fail("a model of no epoch, or of the earlier training's best epoch");
		}
		catch (CancellationException e) {
			assertEquals("training was stopped before its first step: no model was written", e.getMessage());
		}
		String state = Files.readString(checkpoints.resolve("state.json"));
		assertTrue(state, state.contains("\"epoch\": 1"));
		try (GanomalyModel m = Ganomaly.train(data(), settings(checkpoints).epochs(2).resume(true), null)) {
			assertEquals(2.0, ((Number) m.manifest().training().figures().get("epochs_run")).doubleValue(), 0);
		}
	}

	@Test
	public void aTrainingThatDivergesKeepsItsBestEpochOrWritesNothing() throws IOException {
		// 6 steps an epoch: the generator's loss is NaN from step 15 (epoch 3) on
		TrainedModel kept = new Trainer(settings(tmp.getRoot().toPath().resolve("nan-3")), nanFrom(15), null).train(
			data());
		try {
			TrainingReport training = kept.manifest().training();
			assertEquals("training diverged at epoch 3 (generator loss NaN)", training.network().diverged());
			assertFalse(training.network().converged());
			int best = training.network().bestEpoch();
			assertTrue("best epoch " + best, best == 1 || best == 2);
			assertEquals("training diverged at epoch 3 (generator loss NaN); the model keeps epoch " + best + ", the " +
				"best before it (another seed may train longer)", TrainingOutcomes.of(training, ScoreKind.LATENT)
					.convergenceWarning());
		}
		finally {
			kept.network().close();
			sc.fiji.ganomaly.core.model.TemporaryFolders.delete(kept.folder());
		}
		try {
			new Trainer(settings(tmp.getRoot().toPath().resolve("nan-1")), nanFrom(1), null).train(data());
			fail("a model of a diverged first epoch");
		}
		catch (IllegalArgumentException e) {
			assertEquals("training diverged at epoch 1 (generator loss NaN) before any epoch ended; no model was " +
				"written: try another seed or a smaller batch size", e.getMessage());
		}
	}

	/** TensorFlow's engine, whose networks report a NaN generator loss from training step {@code step} on. */
	private static Engine nanFrom(int step) {
		Engine real = EngineLoader.tensorflow();
		return (Engine) Proxy.newProxyInstance(Engine.class.getClassLoader(), new Class<?>[] { Engine.class }, (p, m,
			args) -> {
			Object out = invoke(real, m, args);
			if (!m.getName().equals("create")) return out;
			TrainableNetwork network = (TrainableNetwork) out;
			int[] steps = { 0 };
			return Proxy.newProxyInstance(Engine.class.getClassLoader(), new Class<?>[] { TrainableNetwork.class }, (q, n,
				a) -> {
				Object r = invoke(network, n, a);
				if (!n.getName().equals("trainStep") || ++steps[0] < step) return r;
				TrainingLosses l = (TrainingLosses) r;
				return new TrainingLosses(Float.NaN, l.discriminator(), l.adversarial(), l.contextual(), l.encoder(), l
					.discriminatorReset());
			});
		});
	}

	private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
		try {
			return m.invoke(target, args);
		}
		catch (InvocationTargetException e) {
			throw e.getCause();
		}
	}

	/** A checkpoint whose weights were cut short is refused in one line that says so, not as TensorFlow's failure. */
	@Test
	public void aDamagedCheckpointIsRefusedInOneLine() throws IOException {
		Path checkpoints = tmp.getRoot().toPath().resolve("damaged");
		Ganomaly.train(data(), settings(checkpoints).epochs(1), null).close();
		Path weights;
		try (Stream<Path> files = Files.list(checkpoints)) {
			weights = files.filter(f -> f.getFileName().toString().startsWith("epoch-1.data")).findFirst().orElseThrow();
		}
		try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(weights,
			java.nio.file.StandardOpenOption.WRITE))
		{
			ch.truncate(ch.size() / 2);
		}
		IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> Ganomaly.train(
			data(), settings(checkpoints).resume(true), null).close());
		assertTrue(e.getMessage(), e.getMessage().startsWith("resume: the training checkpoint in " + checkpoints +
			" could not be read (TensorFlow could not read the checkpoint " + checkpoints.resolve("epoch-1") + ": "));
		assertTrue(e.getMessage(), e.getMessage().endsWith("); if it is damaged, train again without resuming, which replaces it"));
		assertFalse(e.getMessage(), e.getMessage().contains("\n"));
	}

	@Test
	public void resumeWithoutCheckpointSaysSo() {
		try {
			Ganomaly.train(data(), settings(tmp.getRoot().toPath().resolve("empty")).resume(true), null).close();
			fail();
		}
		catch (IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("no training checkpoint"));
		}
	}
}
