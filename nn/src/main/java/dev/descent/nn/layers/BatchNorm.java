package dev.descent.nn.layers;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;

/**
 * Batch normalisation over the channel axis 1, PyTorch's {@code _BatchNorm}: {@link BatchNorm1d} and
 * {@link BatchNorm2d}. In training mode it normalises each channel with the batch's mean and biased variance
 * and, with {@code track_running_stats}, updates the running estimates
 * {@code running = (1 - momentum) running + momentum batch} (the variance unbiased, {@code n / (n - 1)}; a
 * {@code null} momentum is the cumulative average {@code 1 / num_batches_tracked}); in eval mode (or inside
 * {@code InferenceMode}) it normalises with the running estimates and changes nothing. With {@code affine} a
 * per-channel {@code weight} (ones) and {@code bias} (zeros) follow. The state dict is PyTorch's: {@code weight},
 * {@code bias}, {@code running_mean}, {@code running_var}, {@code num_batches_tracked} (INT32 here, stored as
 * I64, PyTorch's int64, by {@code saveForPyTorch}). Not for concurrent use in training mode.
 */
public abstract class BatchNorm extends Module {
    private final int features;
    private final double eps;
    private final Double momentum;
    private final Variable weight, bias;
    private final Tensor runningMean, runningVar, batches;

    BatchNorm(TensorFactory f, int features, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        String name = getClass().getSimpleName();
        if (features < 1) throw new IllegalArgumentException(name + ": num_features must be >= 1, got " + features);
        if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(name + ": momentum must be in [0, 1] or null, got " + momentum);
        }
        this.features = features;
        this.eps = Normalization.checkEps(name, eps);
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", f.ones(features)) : null;
        this.bias = affine ? registerParameter("bias", f.zeros(features)) : null;
        if (trackRunningStats) {
            runningMean = registerBuffer("running_mean", f.zeros(features));
            runningVar = registerBuffer("running_var", f.ones(features));
            batches = registerBuffer("num_batches_tracked", Tensor.on(f.backend(), DType.INT32).zeros());
        } else {
            runningMean = runningVar = batches = null;
        }
    }

    /** The input ranks this layer accepts, and their description for messages. */
    abstract boolean acceptsRank(int rank);

    abstract String expectedInput();

    public double eps() {
        return eps;
    }

    public Variable weight() {
        return weight;
    }

    public Variable bias() {
        return bias;
    }

    /** The running mean (live; null without {@code track_running_stats}). */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The running variance (live; null without {@code track_running_stats}). */
    public Tensor runningVar() {
        return runningVar;
    }

    /** How many training batches updated the running statistics (null without {@code track_running_stats}). */
    public Tensor numBatchesTracked() {
        return batches;
    }

    @Override
    public Variable forward(Variable x) {
        if (!acceptsRank(x.rank()) || x.shape().dim(1) != features) {
            throw new IllegalArgumentException(describe() + ": expected input " + expectedInput() + " with " + features
                    + " channels, got " + x.shape());
        }
        Tensor like = weight != null ? weight.value() : runningMean;
        if (like != null && x.dtype() != like.dtype()) {
            throw new IllegalArgumentException(describe() + ": expected input of dtype " + like.dtype()
                    + " (the layer's), got " + x.dtype() + " " + x.shape());
        }
        int[] axes = new int[x.rank() - 1];
        for (int i = 0, a = 0; i < x.rank(); i++) if (i != 1) axes[a++] = i;
        int[] channelDims = new int[x.rank()];
        java.util.Arrays.fill(channelDims, 1);
        channelDims[1] = features;
        boolean training = isTraining();
        if (training || runningMean == null) {
            int n = x.value().size() / features;
            // NOTE: PyTorch refuses exactly one value per channel whenever it normalises with the batch's statistics
            // (also in eval mode without running statistics); an empty batch gives an empty output, counts as a
            // tracked batch and leaves the running statistics as they are.
            if (n == 1) {
                throw new IllegalArgumentException(describe() + ": expected more than 1 value per channel when "
                        + (training ? "training" : "normalising with batch statistics (no running statistics)")
                        + ", got input " + x.shape());
            }
            if (n == 0) {
                if (training && runningMean != null) countBatch();
                return x.mul(0.0);
            }
            Normalization.Normalized z = weight == null ? Normalization.over(x, axes, eps)
                    : Normalization.over(x, axes, eps, weight.reshape(channelDims), bias.reshape(channelDims));
            if (training && runningMean != null) update(z.mean().value(), z.variance().value(), n);
            return z.value();
        }
        return Normalization.withStatistics(x, axes, eps, runningMean, runningVar,
                weight == null ? null : weight.reshape(channelDims), bias == null ? null : bias.reshape(channelDims));
    }

    /** The running statistics' update from one training batch of {@code n} values per channel. */
    private void update(Tensor mean, Tensor variance, int n) {
        try (NoGrad scope = NoGrad.enter()) {
            int tracked = countBatch();
            double m = momentum == null ? 1.0 / tracked : momentum;
            Shape c = runningMean.shape();
            InPlace.axpby(m, mean.reshape(c).to(runningMean.dtype()), 1 - m, runningMean);
            InPlace.axpby(m * n / (n - 1.0), variance.reshape(c).to(runningVar.dtype()), 1 - m, runningVar);
        }
    }

    /** Adds one to {@code num_batches_tracked}; returns the new count. */
    private int countBatch() {
        int tracked = (int) batches.item() + 1;
        InPlace.fill(batches, tracked);
        return tracked;
    }

    @Override
    protected String describe() {
        return getClass().getSimpleName() + "(" + features + ", eps=" + eps + ", momentum=" + momentum + ", affine="
                + (weight != null) + ", track_running_stats=" + (runningMean != null) + ")";
    }
}
