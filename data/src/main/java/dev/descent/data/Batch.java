package dev.descent.data;

import dev.descent.core.Tensor;

/**
 * One batch from a {@link DataLoader}: the features and labels of some samples, which samples they are, and where
 * the batch falls in its epoch.
 *
 * @param features {@code (b, ...)} rows of the dataset's features
 * @param labels   {@code (b, ...)} the matching labels
 * @param samples  the dataset indices of the rows, in order (a copy is returned)
 * @param epoch    the epoch, counting from 0 for the loader's first iteration
 * @param number   the batch's position in its epoch, from 0
 */
public record Batch(Tensor features, Tensor labels, int[] samples, int epoch, int number) {
    public Batch {
        samples = samples.clone();
    }

    /** Number of samples in the batch. */
    public int size() {
        return samples.length;
    }

    @Override
    public int[] samples() {
        return samples.clone();
    }
}
