package dev.descent.optim.train;

import dev.descent.core.Tensor;

/**
 * A quantity accumulated over the batches of an epoch and read at its end, such as accuracy or mean absolute
 * error. Create the built-in ones with {@link Metrics}; implement this for more.
 *
 * <pre>{@code
 * Metric acc = Metrics.accuracy();
 * acc.reset();
 * acc.update(logits, labels);    // per batch
 * double value = acc.result();   // after the epoch
 * }</pre>
 */
public interface Metric {
    /** The name used in the history, such as {@code accuracy}; validation values are prefixed {@code val_}. */
    String name();

    /** Forgets everything accumulated. */
    void reset();

    /** Adds one batch: the model's output and the target. */
    void update(Tensor prediction, Tensor target);

    /** The value over every batch since {@link #reset()}. */
    double result();
}
