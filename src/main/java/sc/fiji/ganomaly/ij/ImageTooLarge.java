package sc.fiji.ganomaly.ij;

/**
 * A refusal of an image file that this Java's memory cannot hold (its plane or its whole is larger
 * than the heap, or ImageJ ran out of memory reading it), not one that is broken: more memory reads
 * it, so a training does not leave it out as it leaves out a file that cannot be read.
 */
final class ImageTooLarge extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	ImageTooLarge(String message) {
		super(message);
	}
}
