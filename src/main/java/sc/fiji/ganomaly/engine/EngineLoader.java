package sc.fiji.ganomaly.engine;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds and loads the TensorFlow engine from its own folder of jars, in its own parent-last class
 * loader, so that it never meets another TensorFlow on the host's class path. The folder is, in
 * this order: the system property {@value #ENGINE_DIR_PROPERTY}, the environment variable
 * {@value #ENGINE_DIR_ENV}, or {@code lib/ganomaly-tensorflow} of the installation the plugin jar
 * lies in (Fiji.app/jars/ganomaly-fiji.jar → Fiji.app/lib/ganomaly-tensorflow). Failures are
 * {@link EngineException}s saying what is missing.
 * <p>
 * Natives: TensorFlow's natives jar for this computer's {@link NativePlatform} comes from the engine
 * folder itself (what scripts/install-into-fiji writes) or else from {@code lib/<platform>/ganomaly-tensorflow/}
 * beside it (e.g. {@code lib/win64/ganomaly-tensorflow/}), the layout of the update site, whose
 * {@code lib/<platform>/} folders the ImageJ updater gives only to computers of that platform. Natives
 * jars of other platforms in the engine folder are left off the class path.
 * <p>
 * GPU: with {@code -D}{@value #DEVICE_PROPERTY}{@code =gpu} (or {@value #DEVICE_ENV}{@code =gpu}) the
 * natives jar of subfolder {@code gpu/} of the engine folder or of its platform folder (TensorFlow Java's
 * {@code linux-x86_64-gpu} build, Linux x86-64 only, which needs CUDA 12 and cuDNN 9 on the system)
 * replaces the CPU natives. Without it, or without a
 * usable GPU, the engine runs on the CPU after one warning.
 */
public final class EngineLoader {

	public static final String ENGINE_DIR_PROPERTY = "ganomaly.engine.dir";
	public static final String ENGINE_DIR_ENV = "GANOMALY_ENGINE_DIR";
	/** Folder name of the engine below an installation's {@code lib}. */
	public static final String ENGINE_FOLDER = "ganomaly-tensorflow";
	public static final String DEVICE_PROPERTY = "ganomaly.device";
	public static final String DEVICE_ENV = "GANOMALY_DEVICE";
	/** Subfolder of the engine folder for TensorFlow's GPU natives. */
	public static final String GPU_FOLDER = "gpu";

	static final String TENSORFLOW = "sc.fiji.ganomaly.engine.tensorflow.TensorFlowEngine";

	private static Engine engine;
	/** The natives jars the loaded engine uses; empty before it is loaded. */
	private static List<Path> loadedNatives = List.of();
	private static boolean loadedForGpu;
	/** Why loading failed in this JVM, once its class loader was made; null if it did not. */
	private static EngineException failed;

	private EngineLoader() {}

	/** The TensorFlow engine, loaded once per JVM. */
	public static synchronized Engine tensorflow() {
		if (engine == null) {
			// TensorFlow's natives bind to the first class loader that loads them: another one would fail for that
			if (failed != null) throw new EngineException(failed.getMessage() + "; restart Fiji (or the JVM) to load it " +
				"again", failed);
			NativePlatform platform = NativePlatform.current();
			boolean gpu = gpuRequested();
			Path folder = engineFolder();
			List<Path> jars = jarsFor(folder, platform, gpu);
			try {
				engine = load(folder, jars);
			}
			catch (EngineException e) {
				failed = e;
				throw e;
			}
			loadedNatives = natives(jars);
			String description = engine.description();
			boolean gpuNatives = loadedNatives.stream().anyMatch(j -> j.getFileName().toString().endsWith("-gpu.jar"));
			// a GPU requested without GPU natives installed runs on the CPU's, as if the CPU had been chosen
			loadedForGpu = gpuNatives;
			if (gpuNatives && !description.contains("(GPU")) EngineMessages.warn("GANomaly: GPU requested, but TensorFlow found no " +
				"usable GPU (it needs CUDA 12.x and cuDNN 9); running on the CPU");
		}
		return engine;
	}

	/** The engine if it was loaded in this JVM, else null (nothing is loaded). */
	public static synchronized Engine loaded() {
		return engine;
	}

	/** The natives jars the loaded engine runs on (empty before {@link #tensorflow()}). */
	public static synchronized List<Path> loadedNatives() {
		return loadedNatives;
	}

	/**
	 * True if the loaded engine runs on GPU natives (the GPU was requested and its natives found; a
	 * request without them loads the CPU's).
	 */
	public static synchronized boolean loadedForGpu() {
		return loadedForGpu;
	}

	/** The engine folder as {@link #tensorflow()} finds it, or an {@link EngineException} saying why there is none. */
	public static Path folder() {
		return engineFolder();
	}

	/**
	 * True if the engine is loaded and a new session would load other natives: the GPU's where the
	 * CPU's are loaded, or the reverse, as the device chosen now and the natives installed say.
	 */
	public static synchronized boolean restartLoadsOtherNatives() {
		if (engine == null) return false;
		boolean gpuNext = gpuRequested() && !gpuNatives(engineFolder(), NativePlatform.current()).isEmpty();
		return gpuNext != loadedForGpu;
	}

	/** TensorFlow's GPU natives jars for {@code platform} in {@code folder}'s gpu/ subfolders (empty: none). */
	public static List<Path> gpuNatives(Path folder, NativePlatform platform) {
		List<Path> gpuJars = gpuFolderJars(folder, platform);
		gpuJars.removeIf(j -> !isCpuNatives(j));
		return gpuJars;
	}

	/** The Maven Central file of TensorFlow's GPU natives, the only GPU build TensorFlow Java 1.1.0 has. */
	public static final String GPU_NATIVES_JAR = "tensorflow-core-native-" + NativePlatform.TENSORFLOW_JAVA +
		"-linux-x86_64-gpu.jar";

	/** True if {@value #DEVICE_PROPERTY} or {@value #DEVICE_ENV} asks for the GPU. */
	public static boolean gpuRequested() {
		String device = System.getProperty(DEVICE_PROPERTY, System.getenv(DEVICE_ENV));
		if (device == null || device.isBlank() || device.equalsIgnoreCase("cpu")) return false;
		if (device.equalsIgnoreCase("gpu")) return true;
		EngineMessages.warn("GANomaly: " + DEVICE_PROPERTY + " must be 'cpu' or 'gpu', not '" + device + "'; using the CPU");
		return false;
	}

	/** Loads the engine for this computer's platform from the jars of {@code folder}. */
	static Engine load(Path folder, boolean gpu) {
		return load(folder, NativePlatform.current(), gpu);
	}

	/** Loads the engine from the jars of {@code folder} in a class loader of its own. */
	static Engine load(Path folder, NativePlatform platform, boolean gpu) {
		return load(folder, jarsFor(folder, platform, gpu));
	}

	/** Loads the engine from {@code jars} (the class path of {@code folder}) in a class loader of its own. */
	private static Engine load(Path folder, List<Path> jars) {
		EngineClassLoader loader = new EngineClassLoader(urls(jars), EngineLoader.class.getClassLoader());
		Thread thread = Thread.currentThread();
		ClassLoader previous = thread.getContextClassLoader();
		thread.setContextClassLoader(loader);
		try {
			Engine e = (Engine) Class.forName(TENSORFLOW, true, loader).getConstructor().newInstance();
			return ContextClassLoaderProxy.wrap(e, Engine.class, loader);
		}
		catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
			Throwable cause = e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
			try {
				loader.close(); // its jars stay open otherwise
			}
			catch (IOException closing) {
				cause.addSuppressed(closing);
			}
			if (cause instanceof EngineException said) throw said;
			String tooOld = NativePlatform.systemTooOld(cause);
			if (tooOld != null) throw new EngineException("TensorFlow cannot run on this computer: " + tooOld +
				"; the texture score needs no TensorFlow: train and score with it", cause);
			throw new EngineException("the TensorFlow engine in " + folder + " could not be loaded (" + cause +
				"); reinstall GANomaly for Fiji", cause);
		}
		finally {
			thread.setContextClassLoader(previous);
		}
	}

	/** The engine folder by property, environment or installation layout. */
	static Path engineFolder() {
		String configured = System.getProperty(ENGINE_DIR_PROPERTY, System.getenv(ENGINE_DIR_ENV));
		if (configured != null && !configured.isBlank()) {
			Path p = Paths.get(configured);
			if (!Files.isDirectory(p)) throw new EngineException("the GANomaly engine folder " + p + " (set by " +
				ENGINE_DIR_PROPERTY + " or " + ENGINE_DIR_ENV + ") does not exist");
			return p;
		}
		Path installation = installation();
		if (installation != null) {
			Path p = installation.resolve("lib").resolve(ENGINE_FOLDER);
			if (Files.isDirectory(p)) return p;
		}
		throw new EngineException("the GANomaly TensorFlow engine was not found: expected the folder lib/" +
			ENGINE_FOLDER + " of the installation" + (installation == null ? "" : " (" + installation + ")") +
			", or give the folder by -D" + ENGINE_DIR_PROPERTY + "=FOLDER or the environment variable " + ENGINE_DIR_ENV);
	}

	/** The folder above the one holding this class's jar (Fiji.app for Fiji.app/jars/x.jar). */
	private static Path installation() {
		try {
			URL location = EngineLoader.class.getProtectionDomain().getCodeSource().getLocation();
			Path jar = Paths.get(location.toURI());
			return Files.isRegularFile(jar) && jar.getParent() != null ? jar.getParent().getParent() : null;
		}
		catch (URISyntaxException | RuntimeException e) {
			return null;
		}
	}

	/** The engine's jars for this computer's platform; see {@link #classPath(Path, NativePlatform, boolean)}. */
	static URL[] classPath(Path folder, boolean gpu) {
		return classPath(folder, NativePlatform.current(), gpu);
	}

	/**
	 * The engine's jars: those of {@code folder} without other platforms' natives, plus the natives of
	 * {@code platform} from {@code folder} or its platform folder; for the GPU, the natives of a
	 * {@code gpu/} subfolder in place of the CPU natives (falling back to the CPU with a warning).
	 */
	static URL[] classPath(Path folder, NativePlatform platform, boolean gpu) {
		return urls(jarsFor(folder, platform, gpu));
	}

	/** As {@link #classPath(Path, NativePlatform, boolean)} as paths, a GPU fallback reported once. */
	private static List<Path> jarsFor(Path folder, NativePlatform platform, boolean gpu) {
		List<Path> jars = jars(folder);
		if (jars.isEmpty()) throw new EngineException("the engine folder " + folder + " holds no jars");
		jars.removeIf(j -> isCpuNatives(j) && !j.getFileName().toString().equals(platform.nativesJar()));
		Path platformFolder = platformFolder(folder, platform);
		if (jars.stream().noneMatch(EngineLoader::isCpuNatives)) {
			Path natives = platformFolder.resolve(platform.nativesJar());
			if (!Files.isRegularFile(natives)) throw new EngineException("the GANomaly engine has no TensorFlow natives " +
				"for " + platform.label() + ": expected " + platform.nativesJar() + " in " + folder + " or " +
				platformFolder + "; reinstall GANomaly for Fiji (or its update site) on this computer");
			jars.add(natives);
		}
		if (gpu) {
			List<Path> gpuJars = gpuFolderJars(folder, platform);
			if (!platform.classifier().equals("linux-x86_64")) {
				EngineMessages.warn("GANomaly: GPU requested, but TensorFlow Java " +
					"has GPU natives for Linux x86-64 only, not " + platform.label() + "; running on the CPU");
			}
			else if (gpuJars.isEmpty()) {
				EngineMessages.warn("GANomaly: GPU requested, but " + folder.resolve(GPU_FOLDER) + " holds no GPU " +
					"natives (" + GPU_NATIVES_JAR + " from Maven Central, org.tensorflow:tensorflow-core-native:" +
					NativePlatform.TENSORFLOW_JAVA + ":linux-x86_64-gpu); running on the CPU");
			}
			else {
				jars.removeIf(EngineLoader::isCpuNatives);
				jars.addAll(gpuJars);
			}
		}
		return jars;
	}

	/** The jars of {@code folder}'s gpu/ subfolders, the common one and the platform's. */
	private static List<Path> gpuFolderJars(Path folder, NativePlatform platform) {
		List<Path> gpuJars = new ArrayList<>();
		for (Path gpuFolder : List.of(folder.resolve(GPU_FOLDER), platformFolder(folder, platform).resolve(GPU_FOLDER)))
			if (Files.isDirectory(gpuFolder)) gpuJars.addAll(jars(gpuFolder));
		return gpuJars;
	}

	private static List<Path> natives(List<Path> jars) {
		return jars.stream().filter(EngineLoader::isCpuNatives).toList();
	}

	private static URL[] urls(List<Path> jars) {
		List<URL> urls = new ArrayList<>();
		for (Path p : jars) {
			try {
				urls.add(p.toUri().toURL());
			}
			catch (java.net.MalformedURLException e) {
				throw new EngineException("bad engine jar path " + p, e);
			}
		}
		return urls.toArray(new URL[0]);
	}

	/** {@code lib/<platform>/ganomaly-tensorflow} for the engine folder {@code lib/ganomaly-tensorflow}. */
	static Path platformFolder(Path folder, NativePlatform platform) {
		Path abs = folder.toAbsolutePath();
		Path lib = abs.getParent() == null ? abs : abs.getParent();
		return lib.resolve(platform.updater()).resolve(abs.getFileName() == null ? ENGINE_FOLDER : abs.getFileName().toString());
	}

	/** TensorFlow's platform natives jar, e.g. tensorflow-core-native-1.1.0-linux-x86_64.jar. */
	static boolean isCpuNatives(Path jar) {
		String name = jar.getFileName().toString();
		return name.startsWith("tensorflow-core-native-") && name.matches(".*-\\d+\\.\\d+\\.\\d+-[a-z0-9_-]+\\.jar");
	}

	private static List<Path> jars(Path folder) {
		try (Stream<Path> list = Files.list(folder)) {
			return new ArrayList<>(list.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList());
		}
		catch (IOException e) {
			throw new EngineException("cannot list the engine folder " + folder + ": " + e.getMessage(), e);
		}
	}
}
