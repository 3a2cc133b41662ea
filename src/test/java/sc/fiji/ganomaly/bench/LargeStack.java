package sc.fiji.ganomaly.bench;

import java.util.Random;

import ij.ImagePlus;
import ij.VirtualStack;
import ij.io.FileSaver;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

/**
 * Writes a 16-bit stack of any size with ImageJ's own writer, one plane in memory at a time:
 * stripes with noise (the kind of normal texture a test model learns), every tenth plane with a
 * bright disc. Over 4 GB ImageJ writes its single-directory form ({@code images=N}).
 * usage: LargeStack FILE PLANES WIDTH HEIGHT
 */
public final class LargeStack {

	private LargeStack() {}

	public static void main(String[] args) {
		String file = args[0];
		int planes = Integer.parseInt(args[1]), width = Integer.parseInt(args[2]), height = Integer.parseInt(args[3]);
		ImagePlus imp = new ImagePlus("large", new Generated(width, height, planes));
		if (!new FileSaver(imp).saveAsTiffStack(file)) throw new IllegalStateException("could not write " + file);
		System.out.printf("wrote %s: %d planes of %dx%d, %.2f GB%n", file, planes, width, height,
			2.0 * width * height * planes / 1e9);
	}

	/** Plane {@code n} of the stack, the same for the same n. */
	static short[] plane(int width, int height, int n) {
		Random random = new Random(n);
		double phase = random.nextDouble() * 2 * Math.PI;
		short[] s = new short[width * height];
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++) {
				int dx = x - width / 3, dy = y - height / 2;
				boolean disc = n % 10 == 1 && dx * dx + dy * dy < 400;
				s[y * width + x] = (short) (disc ? 400 : Math.round(150 + 50 * Math.sin((x + y) * 0.6 + phase) +
					5 * random.nextGaussian()));
			}
		return s;
	}

	private static final class Generated extends VirtualStack {

		private final int planes;

		Generated(int width, int height, int planes) {
			super(width, height, planes);
			this.planes = planes;
			setBitDepth(16);
		}

		@Override
		public ImageProcessor getProcessor(int n) {
			return new ShortProcessor(getWidth(), getHeight(), plane(getWidth(), getHeight(), n), null);
		}

		@Override
		public int getSize() {
			return planes;
		}

		@Override
		public String getSliceLabel(int n) {
			return null;
		}
	}
}
