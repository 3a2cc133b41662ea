package sc.fiji.ganomaly.core.plane;

/**
 * A plane to score, read tile by tile.
 *
 * @param width  the plane's width in pixels
 * @param height the plane's height in pixels
 * @param tiles  where its normalised tiles come from
 */
public record TiledPlane(int width, int height, TileSource tiles) {}
