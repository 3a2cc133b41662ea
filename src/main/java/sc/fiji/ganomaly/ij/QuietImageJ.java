package sc.fiji.ganomaly.ij;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.function.Supplier;

/**
 * Runs ImageJ 1.x file reading without letting it print: headless ImageJ writes its messages
 * ({@code IJ.log}, read errors) to {@code System.out}, which would corrupt piped output. While a
 * thread runs {@link #call}, what it writes to {@code System.out} or {@code System.err} is kept
 * for the caller instead; other threads print as before.
 */
final class QuietImageJ {

	/** What a call returned and what ImageJ tried to print meanwhile (empty if nothing). */
	record Outcome<T>(T value, String output) {

		/** The first line ImageJ printed, or "" if none. */
		String firstLine() {
			return output.strip().lines().findFirst().orElse("");
		}
	}

	private static final int KEPT = 4096;
	private static final ThreadLocal<ByteArrayOutputStream> CAPTURE = new ThreadLocal<>();

	private QuietImageJ() {}

	/** Runs {@code work} with this thread's console output kept from the console. */
	static <T> Outcome<T> call(Supplier<T> work) {
		install();
		ByteArrayOutputStream outer = CAPTURE.get(), captured = new ByteArrayOutputStream();
		CAPTURE.set(captured);
		try {
			T value = work.get();
			return new Outcome<>(value, captured.toString(Charset.defaultCharset()));
		}
		finally {
			if (outer == null) CAPTURE.remove();
			else CAPTURE.set(outer);
		}
	}

	private static synchronized void install() {
		if (!(System.out instanceof Filter)) System.setOut(new Filter(System.out));
		if (!(System.err instanceof Filter)) System.setErr(new Filter(System.err));
	}

	/** A console stream that keeps the output of capturing threads and passes on the rest. */
	private static final class Filter extends PrintStream {

		Filter(PrintStream console) {
			super(new OutputStream() {

				@Override
				public void write(int b) {
					ByteArrayOutputStream kept = CAPTURE.get();
					if (kept == null) console.write(b);
					else if (kept.size() < KEPT) kept.write(b);
				}

				@Override
				public void write(byte[] b, int off, int len) {
					ByteArrayOutputStream kept = CAPTURE.get();
					if (kept == null) console.write(b, off, len);
					else kept.write(b, off, Math.min(len, Math.max(0, KEPT - kept.size())));
				}

				@Override
				public void flush() throws IOException {
					if (CAPTURE.get() == null) console.flush();
				}
			}, true, Charset.defaultCharset());
		}
	}
}
