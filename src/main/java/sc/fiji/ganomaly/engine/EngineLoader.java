package sc.fiji.ganomaly.engine;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Finds and loads the TensorFlow engine from its own folder of jars, in its own parent-last class
 * loader, so that it never meets another TensorFlow on the host's class path. The folder is, in
 * this order: the system property {@value #ENGINE_DIR_PROPERTY}, the environment variable
 * {@value #ENGINE_DIR_ENV}, or {@code lib/ganomaly-tensorflow} of the installation the plugin jar
 * lies in (Fiji.app/jars/ganomaly-fiji.jar → Fiji.app/lib/ganomaly-tensorflow). Failures are
 * {@link EngineException}s saying what is missing.
 */
public final class EngineLoader {

	public static final String ENGINE_DIR_PROPERTY = "ganomaly.engine.dir";
	public static final String ENGINE_DIR_ENV = "GANOMALY_ENGINE_DIR";
	/** Folder name of the engine below an installation's {@code lib}. */
	public static final String ENGINE_FOLDER = "ganomaly-tensorflow";

	static final String TENSORFLOW = "sc.fiji.ganomaly.engine.tensorflow.TensorFlowEngine";
	private static final Logger LOG = Logger.getLogger(EngineLoader.class.getName());

	private static Engine engine;

	private EngineLoader() {}

	/** The TensorFlow engine, loaded once per JVM. */
	public static synchronized Engine tensorflow() {
		if (engine == null) engine = load(engineFolder());
		return engine;
	}

	/** Loads the engine from the jars of {@code folder} in a class loader of its own. */
	static Engine load(Path folder) {
		URL[] jars = jars(folder);
		ClassLoader loader = new EngineClassLoader(jars, EngineLoader.class.getClassLoader());
		Thread thread = Thread.currentThread();
		ClassLoader previous = thread.getContextClassLoader();
		thread.setContextClassLoader(loader);
		try {
			Engine e = (Engine) Class.forName(TENSORFLOW, true, loader).getConstructor().newInstance();
			LOG.fine(() -> "GANomaly engine loaded from " + folder);
			return ContextClassLoaderProxy.wrap(e, Engine.class, loader);
		}
		catch (ReflectiveOperationException | LinkageError e) {
			throw new EngineException("the TensorFlow engine in " + folder + " could not be loaded (" + e +
				"); reinstall GANomaly for Fiji", e);
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
			", or set -D" + ENGINE_DIR_PROPERTY + "=FOLDER");
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

	private static URL[] jars(Path folder) {
		List<URL> urls = new ArrayList<>();
		try (Stream<Path> list = Files.list(folder)) {
			for (Path p : list.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList())
				urls.add(p.toUri().toURL());
		}
		catch (IOException e) {
			throw new EngineException("cannot list the engine folder " + folder + ": " + e.getMessage(), e);
		}
		if (urls.isEmpty()) throw new EngineException("the engine folder " + folder + " holds no jars");
		return urls.toArray(new URL[0]);
	}
}
