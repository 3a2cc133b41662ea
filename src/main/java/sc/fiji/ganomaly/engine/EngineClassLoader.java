package sc.fiji.ganomaly.engine;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A parent-last class loader for an engine's jars: the engine's own classes and libraries
 * (TensorFlow Java 1.1.0 and its natives) come from its folder even when the host has other
 * versions on its class path (CSBDeep and StarDist put TensorFlow 1.15 on Fiji's). Only the JDK
 * and this engine interface package are shared with the host.
 */
final class EngineClassLoader extends URLClassLoader {

	private static final String SHARED = "sc.fiji.ganomaly.engine.";
	private static final String ISOLATED = "sc.fiji.ganomaly.engine.tensorflow.";

	static {
		ClassLoader.registerAsParallelCapable();
	}

	EngineClassLoader(URL[] jars, ClassLoader parent) {
		super("ganomaly-engine", jars, parent);
	}

	/** True for classes that must be the host's: the JDK and the engine interface. */
	static boolean shared(String name) {
		return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") ||
			name.startsWith("sun.") || (name.startsWith(SHARED) && !name.startsWith(ISOLATED) &&
				name.indexOf('.', SHARED.length()) < 0);
	}

	@Override
	protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
		if (shared(name)) return super.loadClass(name, resolve);
		synchronized (getClassLoadingLock(name)) {
			Class<?> c = findLoadedClass(name);
			if (c == null) {
				try {
					c = findClass(name);
				}
				catch (ClassNotFoundException e) {
					if (name.startsWith(ISOLATED)) throw e;
					c = getParent().loadClass(name);
				}
			}
			if (resolve) resolveClass(c);
			return c;
		}
	}

	@Override
	public URL getResource(String name) {
		URL own = findResource(name);
		return own != null ? own : super.getResource(name);
	}

	@Override
	public Enumeration<URL> getResources(String name) throws IOException {
		List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
		if (getParent() != null) all.addAll(Collections.list(getParent().getResources(name)));
		return Collections.enumeration(all);
	}
}
