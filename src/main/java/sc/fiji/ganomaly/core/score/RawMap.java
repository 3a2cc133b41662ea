package sc.fiji.ganomaly.core.score;

import sc.fiji.ganomaly.core.api.AnomalyMap;

/**
 * A map on its score's raw scale, before calibration.
 *
 * @param map       one raw value per pixel
 * @param bestPatch the highest raw value of a single window (for a score per pixel, of a window's
 *                  mean); the map's maximum for scores without windows
 * @param patches   the windows scored; 0 for scores without windows
 */
public record RawMap(AnomalyMap map, float bestPatch, long patches) {}
