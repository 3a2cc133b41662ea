package sc.fiji.ganomaly.core.model;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import sc.fiji.ganomaly.engine.ScoringNormalization;
import sc.fiji.ganomaly.engine.NetworkSpec;
import sc.fiji.ganomaly.core.api.HiddenNames;
import sc.fiji.ganomaly.core.api.Normalization;
import sc.fiji.ganomaly.core.calibrate.PatchCalibration;

public class ModelFileTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	static Manifest manifest() {
		NetworkSpec spec = new NetworkSpec(32, 2, 100, 64, 64, 1, 1, 50, 1, 2e-4f, 0.5f, 0.999f, 0, 7);
		return new Manifest(Manifest.FORMAT_VERSION, Manifest.PROGRAM, spec, Normalization.fixedRange(0, 4095),
			new PatchCalibration(0.25, 0.75), 1.0, TrainingReport.of(Map.of("epochs_run", 3)));
	}

	private Path savedModel() throws IOException {
		Path dir = tmp.newFolder().toPath();
		Files.write(dir.resolve("saved_model.pb"), new byte[] { 1, 2, 3 });
		Files.createDirectories(dir.resolve("variables"));
		Files.write(dir.resolve("variables/variables.index"), new byte[] { 4, 5 });
		Files.write(dir.resolve("variables/variables.data-00000-of-00001"), new byte[] { 6 });
		return dir;
	}

	@Test
	public void roundTripsManifestAndFiles() throws IOException {
		Path file = tmp.getRoot().toPath().resolve("m.ganomaly.zip");
		ModelFile.write(file, manifest(), savedModel());
		ModelFile.Unpacked u = ModelFile.read(file, 2);
		try {
			Manifest m = u.manifest();
			assertEquals(manifest().spec().nz(), m.spec().nz());
			assertEquals(2, m.spec().channels());
			assertEquals(1, m.spec().extraLayers());
			assertEquals(7, m.spec().seed());
			assertEquals(2, m.spec().threads());
			assertEquals(Normalization.fixedRange(0, 4095), m.normalization());
			assertEquals(new PatchCalibration(0.25, 0.75), m.calibration());
			assertEquals(3.0, ((Number) m.training().figures().get("epochs_run")).doubleValue(), 0);
			assertArrayEquals(new byte[] { 1, 2, 3 }, Files.readAllBytes(u.savedModel().resolve("saved_model.pb")));
			assertArrayEquals(new byte[] { 4, 5 }, Files.readAllBytes(u.savedModel().resolve("variables/variables.index")));
		}
		finally {
			TemporaryFolders.deleteTree(u.folder());
		}
		assertFalse(Files.exists(u.folder()));
	}

	/**
	 * A model written through a symbolic link (a chain of two, relative) replaces the file the links
	 * lead to and leaves the links as they were; its checkpoint folder (and so its training's lock)
	 * is that file's; a dangling link makes the file it names.
	 */
	@Test
	public void aModelWrittenThroughALinkReplacesTheFileItNames() throws IOException {
		Path root = tmp.getRoot().toPath(), versions = Files.createDirectories(root.resolve("versions"));
		Path v1 = versions.resolve("v1.ganomaly.zip"), middle = root.resolve("middle.ganomaly.zip"), latest = root.resolve(
			"latest.ganomaly.zip");
		// an older model, as far as the writer looks (a zip holding a manifest); unreadable unless replaced
		try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(v1))) {
			zip.putNextEntry(new java.util.zip.ZipEntry(ModelFile.MANIFEST));
			zip.write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		Files.createSymbolicLink(middle, Path.of("versions/v1.ganomaly.zip"));
		Files.createSymbolicLink(latest, Path.of("middle.ganomaly.zip"));
		ModelFile.write(latest, manifest(), savedModel());
		assertTrue(Files.isSymbolicLink(latest));
		assertTrue(Files.isSymbolicLink(middle));
		ModelFile.Unpacked u = ModelFile.read(v1, 0);
		TemporaryFolders.deleteTree(u.folder());
		assertEquals(ModelFile.checkpointFolder(v1), ModelFile.checkpointFolder(latest));
		Path dangling = root.resolve("next.ganomaly.zip");
		Files.createSymbolicLink(dangling, Path.of("versions/v2.ganomaly.zip"));
		ModelFile.write(dangling, manifest(), savedModel());
		assertTrue(Files.isSymbolicLink(dangling));
		assertTrue(Files.isRegularFile(versions.resolve("v2.ganomaly.zip"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
		// a link with .. in a folder reached through a link: .. is the real folder's parent, as the system has it
		Path data = Files.createDirectories(root.resolve("data/models")), archive = Files.createDirectories(root.resolve(
			"data/archive")), home = Files.createDirectories(root.resolve("home"));
		Files.createSymbolicLink(home.resolve("models"), Path.of("../data/models"));
		Files.createSymbolicLink(data.resolve("current.ganomaly.zip"), Path.of("../archive/v3.ganomaly.zip"));
		Path through = home.resolve("models/current.ganomaly.zip");
		assertEquals(archive.toRealPath().resolve("v3.ganomaly.zip"), ModelFile.followLinks(through));
		ModelFile.write(through, manifest(), savedModel());
		assertTrue(Files.isRegularFile(archive.resolve("v3.ganomaly.zip")));
		assertFalse(Files.exists(root.resolve("home/archive")));
		// links that go round are refused in one line
		Files.createSymbolicLink(root.resolve("a.ganomaly.zip"), Path.of("b.ganomaly.zip"));
		Files.createSymbolicLink(root.resolve("b.ganomaly.zip"), Path.of("a.ganomaly.zip"));
		IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ModelFile.write(
			root.resolve("a.ganomaly.zip"), manifest(), savedModel()));
		assertTrue(e.getMessage(), e.getMessage().contains("leads round in a loop"));
	}

	@Test
	public void leavesNoTemporaryFilesBehind() throws IOException {
		Path file = tmp.getRoot().toPath().resolve("m.ganomaly.zip");
		ModelFile.write(file, manifest(), savedModel());
		ModelFile.write(file, manifest(), savedModel());
		try (var list = Files.list(tmp.getRoot().toPath())) {
			assertEquals(0, list.filter(p -> p.getFileName().toString().startsWith(".")).count());
		}
	}

	/** A model name the file system takes is saved, though its temporary file's name would not fit as is. */
	@Test
	public void aLongModelNameIsSavedAndItsStaleTemporaryFilesFound() throws IOException {
		Path dir = tmp.newFolder("long").toPath();
		Path file = dir.resolve("m".repeat(240) + ModelFile.EXTENSION); // 253 bytes
		Path stale = HiddenNames.sibling(file, ".0123456789abcdef.tmp");
		assertTrue(stale.getFileName().toString().length() <= HiddenNames.MAX_NAME_BYTES);
		Files.writeString(stale, "half a model");
		Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(ModelFile.STALE_TEMPORARY).minusSeconds(60)));
		ModelFile.write(file, manifest(), savedModel());
		assertTrue(Files.isRegularFile(file));
		assertFalse("the next save finds the stale file by its shortened name", Files.exists(stale));
		try (var list = Files.list(dir)) {
			assertEquals(List.of(file), list.toList());
		}
	}

	/** What a killed save left behind goes at the next save, unless a running save may own it. */
	@Test
	public void theNextSaveDeletesStaleTemporaryFiles() throws IOException {
		Path dir = tmp.newFolder("stale").toPath();
		Path file = dir.resolve("m.ganomaly.zip");
		Path stale = Files.writeString(dir.resolve(".m.ganomaly.zip.123.tmp"), "half a model");
		Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(ModelFile.STALE_TEMPORARY).minusSeconds(60)));
		Path young = Files.writeString(dir.resolve(".m.ganomaly.zip.456.tmp"), "a save in progress");
		Path other = Files.writeString(dir.resolve(".other.ganomaly.zip.789.tmp"), "another model's");
		Files.setLastModifiedTime(other, Files.getLastModifiedTime(stale));
		ModelFile.write(file, manifest(), savedModel());
		assertFalse(Files.exists(stale));
		assertTrue(Files.exists(young));
		assertTrue(Files.exists(other));
		assertTrue(Files.isRegularFile(file));
	}

	@Test
	public void aFolderThatTakesNoFileIsRefusedBeforeWork() throws IOException {
		Path dir = tmp.newFolder("locked").toPath();
		dir.toFile().setWritable(false, false);
		Path target = (Files.isWritable(dir) ? Path.of("/proc") : dir).resolve("m.ganomaly.zip"); // root ignores modes
		try {
			ModelFile.checkTarget(target, "model");
			fail("accepted " + target);
		}
		catch (IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().startsWith("model: folder ") && e.getMessage().contains("is not writable"));
		}
		finally {
			dir.toFile().setWritable(true);
		}
	}

	@Test
	public void aPipeIsNeitherWrittenOverNorRead() throws IOException, InterruptedException {
		Path pipe = tmp.getRoot().toPath().resolve("pipe.ganomaly.zip");
		org.junit.Assume.assumeTrue("mkfifo", new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor() == 0);
		// a save renames its temporary file onto the target: a device such as /dev/null would be replaced so
		try {
			ModelFile.write(pipe, manifest(), savedModel());
			fail("wrote over " + pipe);
		}
		catch (IllegalArgumentException e) {
			assertEquals("model: " + pipe + " is not a file but a pipe, device or socket; give the path of a model file " +
				"(such as model.ganomaly.zip)", e.getMessage());
		}
		assertTrue(Files.exists(pipe) && !Files.isRegularFile(pipe));
		// reading one would block until something writes into it
		assertRefused(pipe, "is not a file but a pipe, device or socket; give a model file");
	}

	@Test
	public void refusesAnEmptyFile() throws IOException {
		assertRefused(Files.createFile(tmp.getRoot().toPath().resolve("empty.zip")), "not a valid GANomaly model file");
	}

	@Test
	public void refusesATextFile() throws IOException {
		Path f = tmp.getRoot().toPath().resolve("notes.zip");
		Files.writeString(f, "hello");
		assertRefused(f, "not a valid GANomaly model file");
	}

	@Test
	public void refusesATruncatedFile() throws IOException {
		Path file = tmp.getRoot().toPath().resolve("m.ganomaly.zip");
		ModelFile.write(file, manifest(), savedModel());
		byte[] bytes = Files.readAllBytes(file);
		Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
		assertRefused(file, "m.ganomaly.zip");
	}

	@Test
	public void refusesAnotherFormatVersion() throws IOException {
		Path file = tmp.getRoot().toPath().resolve("m.ganomaly.zip");
		Manifest m = manifest();
		ModelFile.write(file, new Manifest(99, m.createdBy(), m.spec(), m.normalization(), m.calibration(), 1, TrainingReport.of(Map.of())),
			savedModel());
		assertRefused(file, "format version 99 is not supported");
	}

	@Test
	public void refusesAModelWithoutWeights() throws IOException {
		Path saved = savedModel();
		Files.delete(saved.resolve("variables/variables.data-00000-of-00001"));
		Path file = tmp.getRoot().toPath().resolve("m.ganomaly.zip");
		ModelFile.write(file, manifest(), saved);
		assertRefused(file, "weights (saved_model/variables/) are missing");
	}

	@Test
	public void refusesAMissingFile() {
		assertRefused(tmp.getRoot().toPath().resolve("nope.zip"), "does not exist");
	}

	@Test
	public void refusesAMissingFolderWhenWriting() throws IOException {
		try {
			ModelFile.write(tmp.getRoot().toPath().resolve("no/such/m.zip"), manifest(), savedModel());
			fail();
		}
		catch (IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("does not exist"));
		}
	}

	@Test
	public void manifestIsReadableJson() {
		String json = manifest().toJson();
		assertTrue(json, json.contains("\"format_version\": 1"));
		assertTrue(json, json.contains("\"raw_p99\": 0.75"));
		assertEquals(manifest().calibration(), Manifest.fromJson(json, 0).calibration());
		assertTrue(new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).startsWith("{"));
	}

	@Test
	public void scoringNormalizationIsStoredAndDefaultsToMovingForOldModels() {
		Manifest m = manifest();
		Manifest sample = new Manifest(m.formatVersion(), m.createdBy(), m.spec().withScoringNormalization(ScoringNormalization.SAMPLE),
			m.normalization(), m.calibration(), m.threshold(), m.training());
		assertEquals(ScoringNormalization.SAMPLE, Manifest.fromJson(sample.toJson(), 0).spec().scoringNormalization());
		String old = m.toJson().replaceAll(",\\s*\"scoring_normalization\": \"moving\"", "");
		assertTrue(old, !old.contains("scoring_normalization"));
		assertEquals(ScoringNormalization.MOVING, Manifest.fromJson(old, 0).spec().scoringNormalization());
		try {
			Manifest.fromJson(m.toJson().replace("\"moving\"", "\"batch\""), 0);
			fail("accepted batch-statistics scoring");
		}
		catch (IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("scoring_normalization"));
		}
	}

	private static void assertRefused(Path file, String expected) {
		try {
			ModelFile.read(file, 0);
			fail("accepted " + file);
		}
		catch (IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().contains(expected));
			assertTrue(e.getMessage(), e.getMessage().startsWith("model: "));
		}
	}
}
