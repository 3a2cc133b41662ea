package sc.fiji.ganomaly.ij;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ij.ImagePlus;
import ij.ImageStack;
import ij.VirtualStack;
import ij.io.FileInfo;
import ij.process.ImageProcessor;

/**
 * The channels, Z slices and time points of an OME-TIFF, which ImageJ 1.x's TIFF reader reads as one
 * Z slice a plane: the OME-XML of the file's first image description says them (its {@code Pixels}
 * element's {@code DimensionOrder}, {@code SizeC}, {@code SizeZ} and {@code SizeT}), and the planes
 * are put in ImageJ's order (channels fastest, then slices, then frames), so that every channel is an
 * input channel as in an ImageJ TIFF. A file whose planes are not one OME image's (several series, or
 * one file of a dataset spread over several) is refused in one line.
 */
final class OmeLayout {

	/** The root element of OME-XML, after an XML declaration and comments; group 1 its namespace prefix, if any. */
	private static final Pattern ROOT = Pattern.compile("\\A\\s*(?:<\\?xml[^>]*\\?>\\s*)?(?:<!--.*?-->\\s*)*<(?:(\\w+):)?OME[\\s>/]",
		Pattern.DOTALL);
	private static final Pattern ORDER = Pattern.compile("XY[CZT]{3}");

	private OmeLayout() {}

	/**
	 * {@code imp}, read by ImageJ's TIFF reader from {@code file}, with the dimensions its OME-XML
	 * states; {@code imp} itself if its description is no OME-XML or ImageJ found dimensions of its own.
	 *
	 * @throws IllegalArgumentException naming {@code option} and the file, if the OME-XML describes
	 *                                  other planes than the file holds
	 */
	static ImagePlus apply(ImagePlus imp, Path file, String option) {
		FileInfo fi = imp.getOriginalFileInfo();
		String xml = fi == null ? null : fi.description;
		Matcher root = xml == null || imp.getNChannels() > 1 || imp.getNFrames() > 1 ? null : ROOT.matcher(xml);
		if (root == null || !root.lookingAt()) return imp;
		String ns = root.group(1) == null ? "" : Pattern.quote(root.group(1) + ":");
		String where = option + ": " + file + " is an OME-TIFF";
		String howToSave = "save it as an ImageJ TIFF (in Fiji: File > Import > Bio-Formats, then File > Save As > Tiff)";
		if (Pattern.compile("<" + ns + "BinaryOnly[\\s>/]").matcher(xml).find()) throw new IllegalArgumentException(where +
			" whose metadata lies in a companion file (BinaryOnly), which is not read: " + howToSave);
		Matcher images = Pattern.compile("<" + ns + "Image[\\s>/]").matcher(xml);
		int count = 0;
		while (images.find())
			count++;
		if (count > 1) throw new IllegalArgumentException(where + " of " + count + " images (series), whose planes ImageJ " +
			"reads as one stack: " + howToSave + ", one file a series");
		Matcher pixelsTag = Pattern.compile("<" + ns + "Pixels[\\s>/][^>]*>").matcher(xml);
		if (!pixelsTag.find()) throw new IllegalArgumentException(where + " without a Pixels element: " + howToSave);
		String pixels = pixelsTag.group();
		String order = attribute(pixels, "DimensionOrder");
		long c = size(pixels, "SizeC"), z = size(pixels, "SizeZ"), t = size(pixels, "SizeT");
		if (order == null || !ORDER.matcher(order).matches() || order.chars().distinct().count() != 5 || c < 1 || z < 1 ||
			t < 1) throw new IllegalArgumentException(where + " whose Pixels element does not say its DimensionOrder, " +
				"SizeC, SizeZ and SizeT as OME does: " + howToSave);
		int samples = imp.getBitDepth() == 24 ? 3 : 1; // an RGB plane holds three of OME's channels
		long planes = c % samples == 0 ? c / samples * z * t : -1;
		if (planes != imp.getStackSize()) throw new IllegalArgumentException(where + " of " + c + " channel(s), " + z +
			" slice(s) and " + t + " time point(s), but ImageJ reads " + imp.getStackSize() + " plane(s) of " + (samples ==
				3 ? "RGB " : "") + "pixels from it (the others may lie in other files of its dataset, which are not read): " +
			howToSave);
		int channels = (int) (c / samples), slices = (int) z, frames = (int) t;
		if (samples == 1 && !tiffDataFollowsTheOrder(xml, ns, order, channels, slices, frames))
			throw new IllegalArgumentException(where + " whose TiffData elements place its planes otherwise than its " +
				"DimensionOrder " + order + " says: " + howToSave);
		int[] fileIndex = fileIndices(order, channels, slices, frames);
		ImageStack stack = reordered(imp.getStack(), fileIndex);
		imp.setStack(stack, channels, slices, frames);
		imp.setOpenAsHyperStack(channels > 1 || frames > 1);
		return imp;
	}

	/**
	 * For each plane in ImageJ's order (channel fastest, then slice, then frame), the 0-based index of
	 * that plane in a file whose planes follow {@code order} ({@code XY} then C, Z and T, fastest first).
	 */
	static int[] fileIndices(String order, int channels, int slices, int frames) {
		int n = channels * slices * frames;
		int[] index = new int[n];
		for (int f = 0; f < frames; f++)
			for (int s = 0; s < slices; s++)
				for (int ch = 0; ch < channels; ch++)
					index[ch + s * channels + f * channels * slices] = (int) indexInOrder(order, ch, s, f, channels, slices,
						frames);
		return index;
	}

	/**
	 * The 0-based index of the plane of channel {@code ch}, slice {@code s} and frame {@code f} in a file
	 * whose planes follow {@code order} ({@code XY} then C, Z and T, fastest first).
	 */
	private static long indexInOrder(String order, long ch, long s, long f, int channels, int slices, int frames) {
		long at = 0, stride = 1;
		for (int k = 2; k < 5; k++) {
			char d = order.charAt(k);
			at += stride * (d == 'C' ? ch : d == 'Z' ? s : f);
			stride *= d == 'C' ? channels : d == 'Z' ? slices : frames;
		}
		return at;
	}

	/** {@code stack}'s planes in the order {@code fileIndex} gives: the same stack when that is its own order. */
	private static ImageStack reordered(ImageStack stack, int[] fileIndex) {
		boolean same = true;
		for (int i = 0; i < fileIndex.length; i++)
			same &= fileIndex[i] == i;
		if (same) return stack;
		if (stack.isVirtual()) return new Reordered(stack, fileIndex);
		ImageStack out = new ImageStack(stack.getWidth(), stack.getHeight());
		for (int i : fileIndex)
			out.addSlice(stack.getSliceLabel(i + 1), stack.getProcessor(i + 1));
		return out;
	}

	/**
	 * True if every TiffData element that says where a plane lies ({@code IFD}, {@code FirstC},
	 * {@code FirstZ}, {@code FirstT}; 0 where left out) puts it where {@code order} does: its IFD is the
	 * plane's index in that order.
	 */
	private static boolean tiffDataFollowsTheOrder(String xml, String ns, String order, int channels, int slices,
		int frames)
	{
		Matcher data = Pattern.compile("<" + ns + "TiffData[\\s>/][^>]*>").matcher(xml);
		while (data.find()) {
			String e = data.group();
			long ifd = size(e, "IFD", 0), ch = size(e, "FirstC", 0), s = size(e, "FirstZ", 0), f = size(e, "FirstT", 0);
			if (ifd < 0 || ch < 0 || s < 0 || f < 0 || ch >= channels || s >= slices || f >= frames || indexInOrder(order,
				ch, s, f, channels, slices, frames) != ifd) return false;
		}
		return true;
	}

	/** An attribute's value (in either kind of quotes), or null. */
	private static String attribute(String element, String name) {
		Matcher m = Pattern.compile("\\s" + name + "\\s*=\\s*([\"'])(.*?)\\1").matcher(element);
		return m.find() ? m.group(2) : null;
	}

	/** A size attribute as a count, or -1 if absent or not a whole number up to a million. */
	private static long size(String element, String name) {
		return size(element, name, -1);
	}

	/** A size attribute as a count: {@code absent} when left out, -1 if not a whole number up to a million. */
	private static long size(String element, String name, long absent) {
		String v = attribute(element, name);
		if (v == null) return absent;
		if (!v.matches("\\d{1,7}")) return -1;
		long n = Long.parseLong(v);
		return n <= 1_000_000 ? n : -1;
	}

	/** A virtual stack's planes in another order, each read when asked for. */
	private static final class Reordered extends VirtualStack {

		private final ImageStack planes;
		private final int[] fileIndex;

		Reordered(ImageStack planes, int[] fileIndex) {
			super(planes.getWidth(), planes.getHeight(), fileIndex.length);
			this.planes = planes;
			this.fileIndex = fileIndex;
			setBitDepth(planes.getBitDepth());
		}

		@Override
		public ImageProcessor getProcessor(int n) {
			return planes.getProcessor(fileIndex[n - 1] + 1);
		}

		@Override
		public int getSize() {
			return fileIndex.length;
		}

		@Override
		public int size() {
			return fileIndex.length;
		}

		@Override
		public String getSliceLabel(int n) {
			return planes.getSliceLabel(fileIndex[n - 1] + 1);
		}
	}
}
