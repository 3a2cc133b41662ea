package sc.fiji.ganomaly.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Wraps an engine object so that every call runs with the engine's class loader as the thread's
 * context class loader (libraries such as JavaCPP and protobuf look classes and natives up there),
 * and wraps the networks it returns the same way.
 */
final class ContextClassLoaderProxy {

	private ContextClassLoaderProxy() {}

	@SuppressWarnings("unchecked")
	static <T> T wrap(T target, Class<T> type, ClassLoader loader) {
		return (T) Proxy.newProxyInstance(ContextClassLoaderProxy.class.getClassLoader(), new Class<?>[] { type },
			(proxy, method, args) -> {
				Thread thread = Thread.currentThread();
				ClassLoader previous = thread.getContextClassLoader();
				thread.setContextClassLoader(loader);
				try {
					Object result = method.invoke(target, args);
					if (result instanceof TrainableNetwork t) return wrap(t, TrainableNetwork.class, loader);
					if (result instanceof ScoringNetwork s) return wrap(s, ScoringNetwork.class, loader);
					return result;
				}
				catch (InvocationTargetException e) {
					throw e.getCause();
				}
				finally {
					thread.setContextClassLoader(previous);
				}
			});
	}
}
