package sc.fiji.ganomaly.ij;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import ij.ImagePlus;

/**
 * A reader of the formats ImageJ 1.x does not open itself, e.g. SCIFIO's, present only at run time:
 * a front end sets one ({@link #use}) and {@link ImageFiles} reads files of other names with it.
 */
public interface OtherFormats {

	/** True if this reader opens {@code file} (judged by its name; cheap, for listing folders). */
	boolean canOpen(Path file);

	/** All planes of {@code file}; a RuntimeException (its message one line) if it cannot be read. */
	ImagePlus open(Path file);

	/** Short name for messages, e.g. "SCIFIO". */
	String name();

	/** Reads files that ImageJ 1.x does not (by {@link ImageFiles#EXTENSIONS}) with {@code reader} from now on; null: ImageJ 1.x only. */
	static void use(OtherFormats reader) {
		Current.SOURCE.set(reader == null ? null : new Current.Source(() -> reader, null));
	}

	/**
	 * Reads files that ImageJ 1.x does not with the reader {@code find} gives, asked once, when a file
	 * first needs it (finding a reader may create plugins, which must not happen while a SciJava
	 * context starts: its cache of injected fields is not thread-safe); where {@code find} gives none,
	 * with the reader in use before. Returns the handle for {@link #stopUsing}.
	 */
	static Supplier<OtherFormats> useFirstFound(Supplier<OtherFormats> find) {
		while (true) {
			Current.Source before = Current.SOURCE.get(), source = new Current.Source(find, before);
			if (Current.SOURCE.compareAndSet(before, source)) return source;
		}
	}

	/**
	 * Stops using the reader of {@code source} (without asking for it): if it is still the one in use,
	 * the reader in use before it (still in use itself) takes its place.
	 */
	static void stopUsing(Supplier<OtherFormats> source) {
		if (!(source instanceof Current.Source s)) return;
		s.stopped = true;
		Current.SOURCE.compareAndSet(s, s.before());
	}

	/** The reader of other formats, or null. */
	static OtherFormats current() {
		Current.Source source = Current.SOURCE.get();
		return source == null ? null : source.get();
	}

	/**
	 * Opens a file ImageJ 1.x does not by name with {@code reader}, after the checks {@link ImageFiles} can
	 * make (not empty; {@link ImageHeaders} if it holds a TIFF, PNG, JPEG, GIF or BMP); what the
	 * reader prints is kept off the console, and its failure is one line naming the option and the
	 * file. The reader's format is not checked here: a header declaring more than the heap holds
	 * costs a failed allocation, reported as this file's failure.
	 */
	static ImageFiles.Input open(Path file, String option, OtherFormats reader) {
		ImageHeaders.checkOther(file, option, true);
		QuietImageJ.Outcome<Object> read = QuietImageJ.call(() -> {
			try {
				return reader.open(file);
			}
			catch (RuntimeException e) {
				return e;
			}
			catch (OutOfMemoryError e) {
				return new IllegalArgumentException("it needs more memory than this Java's heap of " +
					Runtime.getRuntime().maxMemory() + " bytes holds (its header may lie); give Java more memory (-Xmx) " +
					"to read it", e);
			}
		});
		if (read.value() instanceof ImagePlus imp && imp.getStackSize() > 0) return new ImageFiles.Input(file, imp);
		String why = read.value() instanceof Throwable t ? String.valueOf(t.getMessage()) : read.firstLine();
		throw new IllegalArgumentException(option + ": cannot read " + file + " as an image with " + reader.name() +
			(why == null || why.isBlank() ? "" : ": " + why.lines().findFirst().orElse("")));
	}

	/** Where the reader in use comes from. */
	final class Current {

		private static final AtomicReference<Source> SOURCE = new AtomicReference<>();

		private Current() {}

		/** The reader {@code find} gives, asked for once, else that of the source in use before. */
		private static final class Source implements Supplier<OtherFormats> {

			private final Supplier<OtherFormats> find;
			private final Source before;
			private OtherFormats reader;
			private boolean asked;
			private volatile boolean stopped;

			Source(Supplier<OtherFormats> find, Source before) {
				this.find = find;
				this.before = before;
			}

			/** The source in use before this one that is still in use, or null. */
			Source before() {
				Source b = before;
				while (b != null && b.stopped)
					b = b.before;
				return b;
			}

			@Override
			public OtherFormats get() {
				OtherFormats own;
				synchronized (this) {
					if (!asked) {
						asked = true; // a find that fails is not asked again for every file name
						reader = find.get();
					}
					own = reader;
				}
				if (own != null) return own;
				Source b = before();
				return b == null ? null : b.get();
			}
		}
	}
}
