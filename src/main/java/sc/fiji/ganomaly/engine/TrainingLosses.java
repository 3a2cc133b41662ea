package sc.fiji.ganomaly.engine;

/**
 * Losses of one training step.
 *
 * @param generator        weighted generator loss
 * @param discriminator    discriminator BCE loss
 * @param adversarial      feature-matching loss (unweighted)
 * @param contextual       L1 reconstruction loss (unweighted)
 * @param encoder          latent L2 loss (unweighted)
 * @param discriminatorReset true if the discriminator's loss collapsed and it was re-initialised
 */
public record TrainingLosses(float generator, float discriminator, float adversarial,
		float contextual, float encoder, boolean discriminatorReset)
{}
