package sc.fiji.ganomaly.spark;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.spark.SparkConf;

import sc.fiji.ganomaly.core.ModelFiles;

/**
 * Where Spark's local mode keeps its scratch files ({@code blockmgr-*}, {@code spark-*}). Spark puts
 * them straight into the temporary folder and deletes them at a normal exit only, so a run that is
 * killed leaves them there for good. In local mode, unless {@code spark.local.dir} or
 * {@code SPARK_LOCAL_DIRS} says otherwise, they go into a folder of this JVM
 * ({@code ganomaly-spark.pidPID.…}): deleted when the run ends, and, if the JVM was killed, by the
 * next GANomaly command that makes a temporary folder (as the plugin's own model copies are).
 * On a cluster the cluster manager owns the executors' local folders; nothing changes there.
 */
final class LocalScratch {

	private static final Pattern LOCAL = Pattern.compile("local(\\[.*\\])?");

	private LocalScratch() {}

	/** Whether {@code conf}'s master is local mode, whose executor is this JVM ({@code local-cluster} is not). */
	static boolean isLocal(SparkConf conf) {
		return LOCAL.matcher(conf.get("spark.master", "")).matches();
	}

	/**
	 * Sets {@code spark.local.dir} of {@code conf} (a master already set) to a new temporary folder of
	 * this JVM and returns it, or returns null and changes nothing: not in local mode, or the local
	 * folders are already chosen (in {@code conf} or by {@code SPARK_LOCAL_DIRS} in {@code env}).
	 */
	static Path claim(SparkConf conf, Map<String, String> env) {
		if (!isLocal(conf) || conf.contains("spark.local.dir") ||
			env.get("SPARK_LOCAL_DIRS") != null) return null;
		Path folder = ModelFiles.temporaryFolder("ganomaly-spark");
		conf.set("spark.local.dir", folder.toString());
		return folder;
	}
}
