package sc.fiji.ganomaly.spark;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.spark.SparkConf;
import org.junit.Test;

import sc.fiji.ganomaly.core.ModelFiles;

/** Spark's local mode keeps its scratch files in a folder of the run, unless told where. */
public class LocalScratchTest {

	@Test
	public void localMastersGetAFolderOfTheRun() {
		for (String master : new String[] { "local", "local[2]", "local[*]", "local[2,3]" }) {
			SparkConf conf = new SparkConf().setMaster(master);
			Path folder = LocalScratch.claim(conf, Map.of());
			try {
				assertTrue(master, Files.isDirectory(folder));
				assertTrue(master + ": " + folder, folder.getFileName().toString().startsWith("ganomaly-spark.pid" +
					ProcessHandle.current().pid() + "."));
				assertEquals(master, folder.toString(), conf.get("spark.local.dir"));
			}
			finally {
				ModelFiles.deleteTemporaryFolder(folder);
			}
			assertFalse(Files.exists(folder));
		}
	}

	@Test
	public void clustersAndChosenFoldersAreLeftAlone() {
		for (String master : new String[] { "spark://head:7077", "yarn", "local-cluster[2,1,1024]",
			"k8s://https://api:6443" })
		{
			SparkConf conf = new SparkConf().setMaster(master);
			assertNull(master, LocalScratch.claim(conf, Map.of()));
			assertFalse(master, conf.contains("spark.local.dir"));
		}
		SparkConf chosen = new SparkConf().setMaster("local[2]").set("spark.local.dir", "/scratch/mine");
		assertNull(LocalScratch.claim(chosen, Map.of()));
		assertEquals("/scratch/mine", chosen.get("spark.local.dir"));
		SparkConf byEnvironment = new SparkConf().setMaster("local[2]");
		assertNull(LocalScratch.claim(byEnvironment, Map.of("SPARK_LOCAL_DIRS", "/scratch/job")));
		assertFalse(byEnvironment.contains("spark.local.dir"));
	}
}
