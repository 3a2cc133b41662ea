package sc.fiji.ganomaly.core.plane;

/**
 * A rectangle of one normalised plane that patches may be drawn from.
 *
 * @param plane the plane
 * @param x0    left edge
 * @param y0    top edge
 * @param width region width, at least the patch size
 * @param height region height, at least the patch size
 */
public record Region(NormalizedPlane plane, int x0, int y0, int width, int height) {

	/** The whole plane. */
	public static Region of(NormalizedPlane plane) {
		return new Region(plane, 0, 0, plane.width(), plane.height());
	}

	/** Number of distinct patch positions of size {@code patch}. */
	public long positions(int patch) {
		return (long) (width - patch + 1) * (height - patch + 1);
	}

	/** Tiles of size {@code patch} needed to cover the region. */
	long tiles(int patch) {
		return (long) ((width + patch - 1) / patch) * ((height + patch - 1) / patch);
	}
}
