package sc.fiji.ganomaly.core.plane;

/** Hands out normalised tiles of the plane being scored. */
@FunctionalInterface
public interface TileSource {

	/**
	 * The tile at ({@code x0}, {@code y0}) of {@code width} x {@code height} pixels, or a larger one
	 * holding it; never changed afterwards, since windows of a tile may wait in a batch while the
	 * next tile is read.
	 */
	Tile tile(int x0, int y0, int width, int height);

	/** Tiles of a plane normalised at once: the plane itself. */
	static TileSource of(NormalizedPlane plane) {
		return (x0, y0, w, h) -> new Tile(plane, 0, 0);
	}

	/** Tiles of a region (its coordinates are the plane's own, less the region's corner). */
	static TileSource of(Region region) {
		return (x0, y0, w, h) -> new Tile(region.plane(), -region.x0(), -region.y0());
	}

	/** Tiles normalised one at a time, as asked for. */
	static TileSource of(PlaneNormalizer normalizer) {
		return (x0, y0, w, h) -> new Tile(normalizer.tile(x0, y0, w, h), x0, y0);
	}
}
