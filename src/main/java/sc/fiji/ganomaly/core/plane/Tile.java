package sc.fiji.ganomaly.core.plane;

/**
 * A normalised tile of a plane and where its first pixel lies in the plane.
 *
 * @param plane the tile's pixels
 * @param x0    the plane's x of the tile's first column
 * @param y0    the plane's y of the tile's first row
 */
public record Tile(NormalizedPlane plane, int x0, int y0) {}
