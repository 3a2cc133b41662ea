package sc.fiji.ganomaly.core.train;

import java.nio.file.Path;

import sc.fiji.ganomaly.core.model.Manifest;
import sc.fiji.ganomaly.core.score.LazyNetwork;

/**
 * What a training leaves: the manifest, the folder holding the SavedModel, and the network over it
 * (already created when the model's score needs it). Whoever takes it owns the folder and the network.
 */
public record TrainedModel(Manifest manifest, Path folder, LazyNetwork network) {}
