package sc.fiji.ganomaly.spark;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.spark.SparkException;
import org.junit.Test;

/** What ganomaly-spark says when its Spark job fails: one line each, without Spark's stack traces. */
public class JobFailureTest {

	@org.junit.Rule
	public org.junit.rules.TemporaryFolder tmp = new org.junit.rules.TemporaryFolder();

	/** A task's error as Spark's DAGScheduler words a job aborted by it, stack trace appended. */
	private static SparkException aborted(String taskError) {
		return new SparkException("Job aborted due to stage failure: Task 0 in stage 1.0 failed 4 times, most recent " +
			"failure: Lost task 0.3 in stage 1.0 (TID 7) (node-12 executor 3): " + taskError + "\n\tat " +
			"sc.fiji.ganomaly.engine.EngineLoader.engineFolder(EngineLoader.java:185)\n\tat " +
			"org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:897)\n\nDriver stacktrace:");
	}

	@Test
	public void anExecutorWithoutTheEngineIsItsSetupAndSaysWhereTheEngineIsGiven() {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = SparkScore.jobFailed(aborted("sc.fiji.ganomaly.engine.EngineException: the GANomaly engine folder " +
			"/opt/engine (set by ganomaly.engine.dir or GANOMALY_ENGINE_DIR) does not exist"), new PrintStream(err, true,
				StandardCharsets.UTF_8));
		assertEquals(2, code);
		assertEquals("ganomaly-spark score: an executor could not run TensorFlow: the GANomaly engine folder /opt/engine " +
			"(set by ganomaly.engine.dir or GANOMALY_ENGINE_DIR) does not exist; executors find the engine by " +
			"spark.executorEnv.GANOMALY_ENGINE_DIR (docs/scale-out.md, \"TensorFlow on executors\")\n", err.toString(
				StandardCharsets.UTF_8));
	}

	@Test
	public void aRefusalNamesTheOptionAsTyped() throws java.io.IOException {
		java.nio.file.Path dir = tmp.getRoot().toPath();
		ij.IJ.saveAsTiff(ij.gui.NewImage.createByteImage("a", 64, 64, 1, ij.gui.NewImage.FILL_RAMP), dir.resolve("a.tif")
			.toString());
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = SparkScore.run(new String[] { "score", "--input", dir.toString(), "--model", dir.resolve("none.zip")
			.toString(), "--output", dir.resolve("out").toString() }, new PrintStream(out, true, StandardCharsets.UTF_8),
			new PrintStream(err, true, StandardCharsets.UTF_8));
		assertEquals(2, code);
		assertEquals("ganomaly-spark score: --model: file " + dir.resolve("none.zip") + " does not exist\n", err.toString(
			StandardCharsets.UTF_8));
	}

	@Test
	public void anotherFailureIsOneLineWithoutTheStackTraceAndKeepsWhatWasFinished() {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = SparkScore.jobFailed(aborted("java.lang.OutOfMemoryError: Java heap space"), new PrintStream(err, true,
			StandardCharsets.UTF_8));
		assertEquals(1, code);
		assertEquals("ganomaly-spark score: the Spark job failed: Job aborted due to stage failure: Task 0 in stage 1.0 " +
			"failed 4 times, most recent failure: Lost task 0.3 in stage 1.0 (TID 7) (node-12 executor 3): " +
			"java.lang.OutOfMemoryError: Java heap space\nfinished parts are kept; run the same command with --resume to " +
			"continue\n", err.toString(StandardCharsets.UTF_8));
	}
}
