package sc.fiji.ganomaly.core.plane;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.IntegerType;
import net.imglib2.type.numeric.RealType;

/**
 * The kind of a plane's pixels in a user's words ("8-bit", "16-bit", "32-bit float"): what a model
 * records of its training images, so that an image of another kind (an 8-bit copy of a 16-bit
 * image), whose intensities the texture statistics would find unusual as a whole, is named as such.
 */
public final class PixelTypes {

	private PixelTypes() {}

	/** The kind of {@code plane}'s pixels: bits, and "signed" or "float" where they are. */
	public static String of(RandomAccessibleInterval<? extends RealType<?>> plane) {
		RealType<?> type = plane.getType();
		String bits = type.getBitsPerPixel() + "-bit";
		if (!(type instanceof IntegerType)) return bits + " float";
		return type.getMinValue() < 0 ? bits + " signed" : bits;
	}
}
