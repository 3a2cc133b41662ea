package sc.fiji.ganomaly.spark;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.apache.spark.SparkConf;
import org.junit.Test;

import sc.fiji.ganomaly.cli.UsageException;
import sc.fiji.ganomaly.core.api.ScoreKind;
import sc.fiji.ganomaly.engine.Precision;

/** The one precision of a run, decided on the driver for every executor. */
public class RunPrecisionTest {

	private static SparkConf conf(String master, String executorsPrecision) {
		SparkConf conf = new SparkConf(false).setMaster(master);
		if (executorsPrecision != null) conf.set("spark.executorEnv.GANOMALY_PRECISION", executorsPrecision);
		return conf;
	}

	@Test
	public void theOptionFirstThenTheExecutorsSettingThenFloat32() {
		assertEquals("bfloat16", SparkScore.runPrecision("bfloat16", conf("spark://h:7077", "float32"), ScoreKind.LATENT));
		// written as users write it, as the JVM-wide setting is read
		assertEquals("bfloat16", SparkScore.runPrecision(null, conf("spark://h:7077", " BF16 "), ScoreKind.LATENT));
		assertEquals("float32", SparkScore.runPrecision(null, conf("spark://h:7077", " "), ScoreKind.DENSITY));
		assertEquals("float32", SparkScore.runPrecision(null, conf("spark://h:7077", null), ScoreKind.COMBINED));
		// executors in JVMs of their own: the driver's setting is not theirs
		assertEquals("float32", SparkScore.runPrecision(null, conf("local-cluster[2,1,1024]", null), ScoreKind.LATENT));
		// local mode: the executor is this JVM, its setting as ganomaly score reads it
		String before = System.getProperty(Precision.PROPERTY);
		try {
			System.setProperty(Precision.PROPERTY, "BF16");
			assertEquals("bfloat16", SparkScore.runPrecision(null, conf("local[2]", null), ScoreKind.LATENT));
			System.setProperty(Precision.PROPERTY, "float32");
			assertEquals("float32", SparkScore.runPrecision(null, conf("local[2]", null), ScoreKind.LATENT));
		}
		finally {
			if (before == null) System.clearProperty(Precision.PROPERTY);
			else System.setProperty(Precision.PROPERTY, before);
		}
	}

	@Test
	public void aScoreWithoutTheNetworkHasNoPrecisionToMix() {
		assertEquals("float32", SparkScore.runPrecision(null, conf("spark://h:7077", "bfloat16"), ScoreKind.TEXTURE));
	}

	@Test
	public void aBadExecutorsSettingNamesItsKey() {
		try {
			SparkScore.runPrecision(null, conf("spark://h:7077", "half"), ScoreKind.LATENT);
			fail("half accepted");
		}
		catch (UsageException e) {
			assertTrue(e.getMessage(), e.getMessage().startsWith("spark.executorEnv.GANOMALY_PRECISION: precision must " +
				"be float32 or bfloat16, not half"));
		}
	}
}
