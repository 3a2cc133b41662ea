package sc.fiji.ganomaly.fiji;

import java.awt.Dimension;
import java.awt.GraphicsEnvironment;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.Window;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.WindowManager;

/** Where a GANomaly window opens: beside the image, else below the ImageJ bar; never over the bar. */
final class WindowPlace {

	private static final int GAP = 8;

	private WindowPlace() {}

	/**
	 * Moves {@code w} (already packed) beside {@code image}'s window (null: the current image's) or
	 * below the ImageJ bar.
	 */
	static void place(Window w, ImagePlus image) {
		ImageJ bar = IJ.getInstance();
		ImagePlus shown = image != null ? image : WindowManager.getCurrentImage();
		Window imageWindow = shown == null ? null : shown.getWindow();
		Rectangle screen = GraphicsEnvironment.getLocalGraphicsEnvironment().getMaximumWindowBounds();
		if (bar == null || !bar.isShowing()) {
			w.setLocationByPlatform(true);
			return;
		}
		Rectangle beside = imageWindow != null && imageWindow.isShowing() ? imageWindow.getBounds() : null;
		w.setLocation(of(bar.getBounds(), beside, w.getSize(), screen));
	}

	/**
	 * The top-left corner for a window of {@code size}: right of {@code image} (or left of it) where
	 * that fits the screen and clears the bar, else below the bar; the bar is never covered.
	 */
	static Point of(Rectangle bar, Rectangle image, Dimension size, Rectangle screen) {
		if (image != null) {
			int top = Math.max(image.y, bar.y + bar.height + GAP);
			for (int x : new int[] { image.x + image.width + GAP, image.x - size.width - GAP }) {
				Rectangle r = new Rectangle(x, top, size.width, size.height);
				if (screen.contains(r) && !r.intersects(bar)) return r.getLocation();
			}
		}
		int x = Math.max(screen.x, Math.min(bar.x, screen.x + screen.width - size.width));
		int y = bar.y + bar.height + GAP;
		if (image != null && new Rectangle(x, y, size.width, size.height).intersects(image)) {
			// below the image when it sits right under the bar and fills its width
			int below = image.y + image.height + GAP;
			if (below + size.height <= screen.y + screen.height) y = below;
		}
		return new Point(x, y);
	}
}
