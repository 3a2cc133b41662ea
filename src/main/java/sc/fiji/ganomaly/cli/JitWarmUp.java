package sc.fiji.ganomaly.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import sc.fiji.ganomaly.core.GanomalyModel;
import sc.fiji.ganomaly.core.api.ScoreKind;

/**
 * The texture score mapped once on a small plane of noise, on a background daemon thread, while
 * the command reads its inputs. In the command line's fresh JVM the JIT then compiles the texture
 * features' and the mixture's loops before the first real tile needs them, on the core the
 * reading leaves idle: a 2048² map through {@code ganomaly score} takes about 0.2 s less
 * (docs/benchmarks.md). No score or map changes: the plane is nobody's, and its map is dropped.
 */
final class JitWarmUp {

	/** The plane's side: larger planes delay the real map more than they gain (measured: 64, 128, 160, 256, 400). */
	static final int SIDE = 64;

	private JitWarmUp() {}

	/**
	 * Input bytes below which there is no warm-up: for a small image its own work costs more than it
	 * saves (a 64² image: 0.29 → 0.37 s with it).
	 */
	static final long WORTH_BYTES = 1 << 20;

	/**
	 * Starts the warm-up when {@code score} maps texture statistics (texture, combined) and the
	 * {@code inputs} hold at least {@link #WORTH_BYTES}; the future ends with it (null: no warm-up).
	 * Its failures are the future's only: the command does not depend on it.
	 */
	static CompletableFuture<Void> start(GanomalyModel model, ScoreKind score, List<Path> inputs) {
		if (!score.usesTexture()) return null;
		long bytes = 0;
		for (Path input : inputs) {
			try {
				bytes += Files.size(input);
			}
			catch (IOException e) {
				// read and reported by the command itself
			}
			if (bytes >= WORTH_BYTES) break;
		}
		if (bytes < WORTH_BYTES) return null;
		CompletableFuture<Void> done = new CompletableFuture<>();
		Thread t = new Thread(() -> {
			try {
				model.warmUpTexture(Math.max(SIDE, model.patchSize()));
				done.complete(null);
			}
			catch (Throwable e) {
				done.completeExceptionally(e);
			}
		}, "ganomaly-warm-up");
		t.setDaemon(true);
		t.start();
		return done;
	}
}
