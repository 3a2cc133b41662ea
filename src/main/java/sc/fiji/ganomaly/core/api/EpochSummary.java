package sc.fiji.ganomaly.core.api;

/**
 * What one training epoch did.
 *
 * @param epoch              1-based
 * @param epochs             epochs planned
 * @param generatorLoss      mean generator loss over the epoch's batches
 * @param discriminatorLoss  mean discriminator loss
 * @param validationLoss     w_con·L1 + w_enc·latent L2 on held-out normal patches, scoring mode
 * @param improved           true if this epoch is the best so far and was kept
 * @param imagesPerSecond    training patches per second
 * @param secondsLeft        estimated seconds to the end of training
 * @param discriminatorResets how often the discriminator collapsed and was re-initialised
 */
public record EpochSummary(int epoch, int epochs, double generatorLoss, double discriminatorLoss,
		double validationLoss, boolean improved, double imagesPerSecond, double secondsLeft,
		int discriminatorResets)
{}
