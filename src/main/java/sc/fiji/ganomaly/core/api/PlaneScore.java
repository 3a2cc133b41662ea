package sc.fiji.ganomaly.core.api;

/**
 * The anomaly score of one 2D plane and its anomaly map, on the model's calibrated scale.
 *
 * @param score   the highest calibrated score of any patch of the plane
 * @param mapMax  the highest value of the anomaly map
 * @param map     the anomaly map: per pixel, the mean calibrated score of the patches covering it
 * @param patches number of patches scored
 */
public record PlaneScore(float score, float mapMax, AnomalyMap map, long patches) {}
