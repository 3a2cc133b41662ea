package sc.fiji.ganomaly.core;

import java.nio.file.Paths;

/** For {@link ModelPoolTest}: leases a model, prints its unpacked folder and exits without closing anything. */
public final class LoadAndExit {

	public static void main(String[] args) {
		ModelPool pool = new ModelPool();
		ModelPool.Lease lease = pool.lease(Paths.get(args[0]));
		System.out.println("unpacked " + lease.model().folder());
		System.exit(0);
	}
}
