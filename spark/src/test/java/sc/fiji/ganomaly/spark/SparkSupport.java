package sc.fiji.ganomaly.spark;

import org.junit.Assume;

/** Which Java versions the Spark of this build runs on; tests on other JDKs are skipped, saying why. */
final class SparkSupport {

	/** The newest Java feature release that Spark {@value #SPARK} supports. */
	static final int NEWEST_JAVA = 25;
	static final String SPARK = "4.2.0";

	private SparkSupport() {}

	static void assumeSupported() {
		int java = Runtime.version().feature();
		Assume.assumeTrue("Spark " + System.getProperty("spark.version.tested", SPARK) + " supports Java 17 to " +
			NEWEST_JAVA + ", not Java " + java + "; a newer Spark release would be needed", java <= NEWEST_JAVA);
	}
}
