package sc.fiji.ganomaly.ij;

import java.nio.file.Path;
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
		Current.source = reader == null ? null : () -> reader;
	}

	/**
	 * Reads files that ImageJ 1.x does not with the reader {@code find} gives (null: ImageJ 1.x only),
	 * asked once, when a file first needs it: finding a reader may create plugins, which a SciJava
	 * service must not do while its context starts (SciJava's field cache is not thread-safe, and
	 * SCIFIO creates its formats on a thread of its own meanwhile). Returns the handle for {@link #stopUsing}.
	 */
	static Supplier<OtherFormats> useFirstFound(Supplier<OtherFormats> find) {
		Supplier<OtherFormats> once = new Current.Once(find);
		Current.source = once;
		return once;
	}

	/** ImageJ 1.x only from now on, if {@code source} is still the one in use (without asking it for a reader). */
	static void stopUsing(Supplier<OtherFormats> source) {
		synchronized (Current.class) {
			if (Current.source == source) Current.source = null;
		}
	}

	/** The reader of other formats, or null. */
	static OtherFormats current() {
		Supplier<OtherFormats> source = Current.source;
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

		private static volatile Supplier<OtherFormats> source;

		private Current() {}

		/** The reader {@code find} gives, asked for once. */
		private static final class Once implements Supplier<OtherFormats> {

			private final Supplier<OtherFormats> find;
			private OtherFormats reader;
			private boolean asked;

			Once(Supplier<OtherFormats> find) {
				this.find = find;
			}

			@Override
			public synchronized OtherFormats get() {
				if (!asked) {
					reader = find.get();
					asked = true;
				}
				return reader;
			}
		}
	}
}
