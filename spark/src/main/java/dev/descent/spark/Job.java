package dev.descent.spark;

import dev.descent.nn.losses.Reduction;

import java.io.Serializable;

/**
 * What every task of a training run needs besides its shard and the parameters: the run's id (which names its
 * replicas on the executors), the factories, and the loss's reduction.
 */
record Job(String id, ModelFactory model, LossFactory loss, Reduction reduction) implements Serializable {
}
