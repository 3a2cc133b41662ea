package sc.fiji.ganomaly.core.api;

/**
 * How a model's training ended, as the front ends summarise it.
 *
 * @param bestEpoch          the epoch whose weights the model holds; 0 if the model file does not say
 * @param canceled           true if the training was stopped before its last epoch (the model is the best so far)
 * @param convergenceWarning what a network still improving at the end means for the model's maps; null if
 *                           nothing (it converged, or the model's score does not use the network)
 * @param calibrationWarning what to do when the threshold rests on too few normal blocks; null if enough
 */
public record TrainingOutcome(int bestEpoch, boolean canceled, String convergenceWarning, String calibrationWarning) {}
