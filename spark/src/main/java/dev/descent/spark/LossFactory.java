package dev.descent.spark;

import dev.descent.nn.losses.Loss;

import java.io.Serializable;

/**
 * Builds the loss on the driver and on each executor; serialisable, as {@code Losses::crossEntropy} or
 * {@code () -> Losses.huber(0.5)} are. Losses with a {@code MEAN} reduction are weighted by each partition's share
 * of the batch, so the summed gradient is the single-machine one; {@code SUM} losses are summed as they are.
 */
@FunctionalInterface
public interface LossFactory extends Serializable {
    Loss create();
}
