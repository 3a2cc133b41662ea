package sc.fiji.ganomaly.ij;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import ij.ImagePlus;
import ij.ImageStack;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.Converters;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.ShortType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.view.Views;

/**
 * ImgLib2 views of the 2D planes of an {@link ImagePlus}: one (x, y, c) view per Z slice and time
 * frame, channels on the third axis, RGB as three channels. The views wrap the image's own pixel
 * arrays read-only in spirit: nothing here writes to them, so the image stays untouched.
 */
public final class ImagePlusPlanes {

	/**
	 * One plane of an image.
	 *
	 * @param slice 1-based Z slice
	 * @param frame 1-based time frame
	 * @param index 1-based position among the image's planes (slice-major within each frame)
	 * @param image the view, (x, y, c)
	 */
	public record Plane(int slice, int frame, int index, RandomAccessibleInterval<? extends RealType<?>> image) {}

	private ImagePlusPlanes() {}

	/** The planes of an image, frame by frame, slice by slice. */
	public static List<Plane> of(ImagePlus imp) {
		return of(imp, 1, count(imp));
	}

	/** The channels of each of an image's planes: its channels, three for each of an RGB image. */
	public static int channels(ImagePlus imp) {
		count(imp);
		return imp.getNChannels() * (imp.getType() == ImagePlus.COLOR_RGB ? 3 : 1);
	}

	/** Number of planes (slices times frames) of an image, checking that its stack matches its dimensions. */
	public static int count(ImagePlus imp) {
		checkDimensions(imp, imp.getTitle());
		int channels = imp.getNChannels(), slices = imp.getNSlices(), frames = imp.getNFrames();
		if (imp.getStackSize() != (long) channels * slices * frames) throw new IllegalArgumentException(imp.getTitle() +
			": stack of " + imp.getStackSize() + " planes does not match " + channels + " channels x " + slices +
			" slices x " + frames + " frames");
		return slices * frames;
	}

	/**
	 * {@code imp}, if its channels, slices and frames are each at least 1: ImageJ opens a file whose
	 * description says {@code slices=-2 frames=-2} for four planes, and would hand out planes of
	 * neither.
	 *
	 * @param name what the refusal names the image by (e.g. "--input: /data/x.tif")
	 */
	public static ImagePlus checkDimensions(ImagePlus imp, String name) {
		int channels = imp.getNChannels(), slices = imp.getNSlices(), frames = imp.getNFrames();
		if (channels < 1 || slices < 1 || frames < 1) throw new IllegalArgumentException(name + " declares " + channels +
			" channel(s) x " + slices + " slice(s) x " + frames + " frame(s); each must be at least 1 (its ImageJ " +
			"description is damaged)");
		return imp;
	}

	/**
	 * Planes {@code first} to {@code last} (1-based plane indices, inclusive) of an image. Only
	 * these planes' pixels are fetched, so a band of a virtual stack reads only its own planes.
	 */
	public static List<Plane> of(ImagePlus imp, int first, int last) {
		int n = count(imp);
		if (first < 1 || last > n || first > last) throw new IllegalArgumentException(imp.getTitle() + ": planes " +
			first + " to " + last + " are not within its " + n + " plane(s)");
		int channels = imp.getNChannels(), slices = imp.getNSlices();
		ImageStack stack = imp.getStack();
		boolean signed = imp.getCalibration().isSigned16Bit();
		int[] greys = IndexedColours.greys(imp);
		List<Plane> planes = new ArrayList<>();
		for (int index = first; index <= last; index++) {
			int z = (index - 1) % slices + 1, t = (index - 1) / slices + 1;
			List<RandomAccessibleInterval<? extends RealType<?>>> channelViews = new ArrayList<>();
			for (int c = 1; c <= channels; c++)
				channelViews.add(wrap(stack, imp.getStackIndex(c, z, t), imp.getTitle(), signed, greys));
			planes.add(new Plane(z, t, index, stackChannels(channelViews)));
		}
		return planes;
	}

	/** Planes to score in one call of a model: a view and a name per plane, in the order added. */
	public static final class Batch {

		private final List<RandomAccessibleInterval<? extends RealType<?>>> views = new ArrayList<>();
		private final List<String> names = new ArrayList<>();

		/** Adds {@code planes} of {@code imp}, each viewed through {@code channels}, named as {@link #name} says. */
		public Batch add(ImagePlus imp, List<Plane> planes,
			Function<Plane, RandomAccessibleInterval<? extends RealType<?>>> channels)
		{
			int n = count(imp);
			for (Plane plane : planes) {
				views.add(channels.apply(plane));
				names.add(name(imp.getTitle(), n, plane));
			}
			return this;
		}

		/** The views added, in order. */
		public List<RandomAccessibleInterval<? extends RealType<?>>> views() {
			return views;
		}

		/** Their names, in the same order. */
		public List<String> names() {
			return names;
		}
	}

	/** How messages and tables name a plane: "name" alone, "name plane n" among several. */
	public static String name(String name, int planeCount, Plane plane) {
		return planeCount > 1 ? name + " plane " + plane.index() : name;
	}

	/** Channels of one plane as one (x, y, c) view. */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static RandomAccessibleInterval<? extends RealType<?>> stackChannels(
		List<RandomAccessibleInterval<? extends RealType<?>>> channels)
	{
		if (channels.size() == 1) {
			RandomAccessibleInterval single = channels.get(0);
			return single.numDimensions() == 3 ? single : Views.addDimension(single, 0, 0);
		}
		if (channels.get(0).numDimensions() == 3) { // RGB hyperstack: concatenate the colour channels
			return (RandomAccessibleInterval) Views.concatenate(2, (List) channels);
		}
		return (RandomAccessibleInterval) Views.stack((List) channels);
	}

	/**
	 * A 2D view (x, y) of one stack plane, or (x, y, 3) for RGB; {@code signed}: 16-bit pixels that
	 * ImageJ holds shifted by 32768 (a signed 16-bit file), viewed as the file's values; {@code greys}:
	 * 8-bit pixels that index a palette of greys ({@link IndexedColours}), viewed as those greys.
	 */
	private static RandomAccessibleInterval<? extends RealType<?>> wrap(ImageStack stack, int n, String title,
		boolean signed, int[] greys)
	{
		Object pixels = stack.getPixels(n);
		long w = stack.getWidth(), h = stack.getHeight();
		int length = pixels == null ? 0 : java.lang.reflect.Array.getLength(pixels);
		if (length != w * h) throw new IllegalArgumentException(title + ": plane " + n + " holds " + length + " pixels, " +
			"not the stack's " + w + "x" + h);
		if (pixels instanceof byte[] b && greys != null) return Converters.convert((RandomAccessibleInterval<
			UnsignedByteType>) ArrayImgs.unsignedBytes(b, w, h), (in, out) -> out.set(greys[in.get()]), new UnsignedByteType());
		if (pixels instanceof byte[] b) return ArrayImgs.unsignedBytes(b, w, h);
		if (pixels instanceof short[] s && signed) return Converters.convert((RandomAccessibleInterval<
			UnsignedShortType>) ArrayImgs.unsignedShorts(s, w, h), (in, out) -> out.set((short) (in.get() - 32768)), new ShortType());
		if (pixels instanceof short[] s) return ArrayImgs.unsignedShorts(s, w, h);
		if (pixels instanceof float[] f) return ArrayImgs.floats(f, w, h);
		if (pixels instanceof int[] rgb) return Converters.argbChannels(ArrayImgs.argbs(rgb, w, h), 1, 2, 3);
		throw new IllegalArgumentException(title + ": unsupported pixel type " +
			(pixels == null ? "(no pixels)" : pixels.getClass().getSimpleName()));
	}
}
