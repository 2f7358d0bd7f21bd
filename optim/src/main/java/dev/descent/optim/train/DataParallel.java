package dev.descent.optim.train;

import dev.descent.data.Batch;
import dev.descent.data.DataLoader;

import java.util.List;
import java.util.Map;

/**
 * Where a {@link Trainer} computes its losses, gradients and evaluations when they are not computed by its own model
 * on this machine: data-parallel training. An implementation (the {@code spark} module's) receives each batch by its
 * sample indices, computes the gradient elsewhere and leaves it in the trainer's model parameters' gradients; the
 * loop around it
 * (schedule, clipping, optimiser step, divergence stop, metrics, early stopping, history, checkpoints) stays the
 * trainer's own code. Without one, the trainer computes everything locally.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(model, loss, optimizer)
 *         .trainData(indexLoader)      // a loader whose batches name the samples (Batch.samples())
 *         .dataParallel(workers)
 *         .build();
 * }</pre>
 */
public interface DataParallel {
    /**
     * Checks, before any training, that the model and loss fit the data behind {@code train}; throws
     * {@link IllegalArgumentException} with the reason when they do not.
     */
    void probe(DataLoader train);

    /**
     * Adds to every model parameter's gradient the gradient of {@code weight} times the mean loss over the samples
     * {@code batch.samples()}, and returns that mean loss (unweighted). A non-finite loss may be returned without
     * touching the gradients.
     */
    double lossAndGradient(Batch batch, double weight);

    /**
     * The mean loss (key {@code prefix + "loss"}) and every metric ({@code prefix + metric.name()}) over all
     * samples of {@code data}, with the model in eval mode under no-grad.
     */
    Map<String, Double> evaluate(DataLoader data, List<Metric> metrics, String prefix);
}
