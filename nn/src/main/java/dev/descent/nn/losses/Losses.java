package dev.descent.nn.losses;

import dev.descent.autodiff.Variable;
import dev.descent.core.Tensor;

/**
 * The losses, with PyTorch's formulas and defaults ({@code torch.nn.functional}); each takes a {@link Reduction}
 * (MEAN when omitted). Below {@code d = prediction - target}, {@code y} is the target, {@code z} a logit,
 * {@code p} a probability and {@code C} the number of classes.
 *
 * <pre>{@code
 * Loss mse = Losses.mse();
 * Variable value = mse.apply(model.forward(x), Variable.constant(y));
 *
 * Loss ce = Losses.crossEntropy(Reduction.MEAN, 0.1);        // label smoothing 0.1
 * Variable l = ce.apply(logits, Variable.constant(labels));  // labels: INT32 (N); or float (N, C) probabilities
 * l.backward();
 * }</pre>
 *
 * <p>A target must have the prediction's shape (class labels: the prediction's shape without the class axis);
 * anything else is an {@link IllegalArgumentException} naming the loss and both shapes, never a broadcast. The
 * class axis is 0 for one sample {@code (C)} and 1 for a batch {@code (N, C, ...)}. Losses are compositions of
 * {@link Variable} operations, so they have second derivatives, except binary cross-entropy on probabilities
 * (see {@link #binaryCrossEntropy()}).
 */
public final class Losses {
    /** PyTorch's default {@code ignore_index}: no valid label equals it. */
    public static final int IGNORE_INDEX = -100;

    private Losses() {
    }

    /** A loss with a readable {@code toString}, such as {@code huber(delta=1.0, MEAN)}. */
    private record Named(String description, Loss body) implements Loss {
        @Override
        public Variable apply(Variable prediction, Variable target) {
            return body.apply(prediction, target);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    // ---------------------------------------------------------------- regression

    /** Mean squared error (L2): {@code l = d^2}; {@code MSE = mean(l)} as the lecture writes it. */
    public static Loss mse() {
        return mse(Reduction.MEAN);
    }

    /** {@link #mse()} with the given reduction. */
    public static Loss mse(Reduction reduction) {
        LossChecks.reduction("mse", reduction);
        return new Named("mse(" + reduction + ")", (p, t) -> {
            LossChecks.sameShape("mse", p, t);
            return LossChecks.reduce(p.sub(t).square(), reduction);
        });
    }

    /** Mean absolute error (L1): {@code l = |d|}. NOTE: its gradient at {@code d = 0} is 0, as in PyTorch. */
    public static Loss mae() {
        return mae(Reduction.MEAN);
    }

    /** {@link #mae()} with the given reduction. */
    public static Loss mae(Reduction reduction) {
        LossChecks.reduction("mae", reduction);
        return new Named("mae(" + reduction + ")", (p, t) -> {
            LossChecks.sameShape("mae", p, t);
            return LossChecks.reduce(p.sub(t).abs(), reduction);
        });
    }

    /** {@link #huber(double, Reduction)} with {@code delta = 1} and MEAN. */
    public static Loss huber() {
        return huber(1.0, Reduction.MEAN);
    }

    /** {@link #huber(double, Reduction)} with MEAN. */
    public static Loss huber(double delta) {
        return huber(delta, Reduction.MEAN);
    }

    /**
     * Huber: {@code l = d^2 / 2} where {@code |d| < delta}, else {@code delta (|d| - delta / 2)}; {@code delta > 0}.
     * NOTE: both pieces and their slopes meet at {@code |d| = delta} (value {@code delta^2 / 2}, slope {@code d}),
     * so the choice of piece there changes nothing; PyTorch takes the linear one, as here.
     */
    public static Loss huber(double delta, Reduction reduction) {
        LossChecks.positive("huber", "delta", delta, false);
        LossChecks.reduction("huber", reduction);
        return new Named("huber(delta=" + delta + ", " + reduction + ")", (p, t) -> {
            LossChecks.sameShape("huber", p, t);
            Variable d = p.sub(t);
            Variable abs = d.abs();
            Variable quadratic = d.square().mul(0.5);
            Variable linear = abs.sub(0.5 * delta).mul(delta);
            return LossChecks.reduce(Variable.where(abs.value().lt(delta), quadratic, linear), reduction);
        });
    }

    /** {@link #smoothL1(double, Reduction)} with {@code beta = 1} and MEAN. */
    public static Loss smoothL1() {
        return smoothL1(1.0, Reduction.MEAN);
    }

    /** {@link #smoothL1(double, Reduction)} with MEAN. */
    public static Loss smoothL1(double beta) {
        return smoothL1(beta, Reduction.MEAN);
    }

    /**
     * Smooth L1: {@code l = d^2 / (2 beta)} where {@code |d| < beta}, else {@code |d| - beta / 2}; {@code beta >= 0}.
     * It equals {@code huber(beta) / beta}. NOTE: the pieces meet with equal slopes at {@code |d| = beta}; with
     * {@code beta = 0} it is {@link #mae()}, with gradient 0 at {@code d = 0} (PyTorch's own kernel gives -1 there).
     */
    public static Loss smoothL1(double beta, Reduction reduction) {
        LossChecks.positive("smoothL1", "beta", beta, true);
        LossChecks.reduction("smoothL1", reduction);
        return new Named("smoothL1(beta=" + beta + ", " + reduction + ")", (p, t) -> {
            LossChecks.sameShape("smoothL1", p, t);
            Variable d = p.sub(t);
            Variable abs = d.abs();
            if (beta == 0) return LossChecks.reduce(abs, reduction);
            Variable quadratic = d.square().mul(0.5).div(beta);
            Variable linear = abs.sub(0.5 * beta);
            return LossChecks.reduce(Variable.where(abs.value().lt(beta), quadratic, linear), reduction);
        });
    }

    // ---------------------------------------------------------------- binary classification

    /** {@link #binaryCrossEntropy(Reduction)} with MEAN. */
    public static Loss binaryCrossEntropy() {
        return binaryCrossEntropy(Reduction.MEAN);
    }

    /**
     * Binary cross-entropy on probabilities (the lecture's log loss):
     * {@code l = -(y log p + (1 - y) log(1 - p))}, each log clamped below at -100 as PyTorch does, so {@code p = 0}
     * or {@code 1} gives a finite loss (at most 100). The prediction must lie in [0, 1]; the target may be soft.
     * NOTE: its gradient is PyTorch's fused rule {@code (p - y) / max(p (1 - p), 1e-12)} (1e-12 as a float), finite at 0 and 1
     * (a composition would give NaN where the clamp bites); prefer {@link #binaryCrossEntropyWithLogits()}, which
     * is stable without clamps.
     */
    public static Loss binaryCrossEntropy(Reduction reduction) {
        LossChecks.reduction("binaryCrossEntropy", reduction);
        return new Named("binaryCrossEntropy(" + reduction + ")", (p, t) -> {
            LossChecks.sameShape("binaryCrossEntropy", p, t);
            LossChecks.probabilities("binaryCrossEntropy", p.value());
            return LossChecks.reduce(new BinaryCrossEntropyFunction().apply(p, t), reduction);
        });
    }

    /** {@link #binaryCrossEntropyWithLogits(Tensor, Reduction)} without a positive weight, MEAN. */
    public static Loss binaryCrossEntropyWithLogits() {
        return binaryCrossEntropyWithLogits(null, Reduction.MEAN);
    }

    /** {@link #binaryCrossEntropyWithLogits(Tensor, Reduction)} without a positive weight. */
    public static Loss binaryCrossEntropyWithLogits(Reduction reduction) {
        return binaryCrossEntropyWithLogits(null, reduction);
    }

    /**
     * Binary cross-entropy on logits, {@code l = -(w y log sigmoid(z) + (1 - y) log(1 - sigmoid(z)))} with the
     * positive weight {@code w} (1 when {@code posWeight} is null; it broadcasts to the prediction, typically one
     * weight per class of shape {@code (C)}), computed as
     * {@code l = (1 - y) z + (1 + (w - 1) y) (max(-z, 0) + log(1 + exp(-|z|)))}, which for {@code w = 1} is
     * {@code max(z, 0) - z y + log(1 + exp(-|z|))}. NOTE: the stable form (PyTorch's): no exp overflows and no log
     * of 0 for logits of any magnitude; {@code max} splits its gradient at {@code z = 0}, which makes the gradient
     * there exactly {@code sigmoid(0) (1 + (w - 1) y) - w y}.
     */
    public static Loss binaryCrossEntropyWithLogits(Tensor posWeight, Reduction reduction) {
        String loss = "binaryCrossEntropyWithLogits";
        LossChecks.reduction(loss, reduction);
        return new Named(loss + "(" + (posWeight == null ? "" : "posWeight=" + posWeight.shape() + ", ")
                + reduction + ")", (z, y) -> {
            LossChecks.sameShape(loss, z, y);
            Variable zero = Variable.constant(z.value().zerosLike());
            Variable softplusOfMinusZ = z.neg().maximum(zero).add(z.abs().neg().exp().log1p());
            Variable logWeight = null;
            if (posWeight != null) {
                if (!posWeight.shape().broadcastsTo(z.shape())) {
                    throw new IllegalArgumentException(loss + ": posWeight " + posWeight.shape()
                            + " does not broadcast to the prediction " + z.shape());
                }
                if (posWeight.backend() != z.value().backend() || posWeight.dtype() != z.dtype()) {
                    throw new IllegalArgumentException(loss + ": posWeight " + posWeight.dtype() + " on "
                            + posWeight.backend().name() + " does not match the prediction " + z.dtype() + " on "
                            + z.value().backend().name());
                }
                logWeight = y.mul(Variable.constant(posWeight).sub(1.0)).add(1.0);
            }
            Variable weighted = logWeight == null ? softplusOfMinusZ : logWeight.mul(softplusOfMinusZ);
            return LossChecks.reduce(y.neg().add(1.0).mul(z).add(weighted), reduction);
        });
    }

    // ---------------------------------------------------------------- multi-class classification

    /** {@link #crossEntropy(Reduction, double, int)} with MEAN, no smoothing, {@link #IGNORE_INDEX}. */
    public static Loss crossEntropy() {
        return crossEntropy(Reduction.MEAN, 0, IGNORE_INDEX);
    }

    /** {@link #crossEntropy(Reduction, double, int)} without smoothing, with {@link #IGNORE_INDEX}. */
    public static Loss crossEntropy(Reduction reduction) {
        return crossEntropy(reduction, 0, IGNORE_INDEX);
    }

    /** {@link #crossEntropy(Reduction, double, int)} with {@link #IGNORE_INDEX}. */
    public static Loss crossEntropy(Reduction reduction, double labelSmoothing) {
        return crossEntropy(reduction, labelSmoothing, IGNORE_INDEX);
    }

    /**
     * Cross-entropy on logits ({@code torch.nn.functional.cross_entropy}), with {@code logP = logSoftmax(z)} over
     * the class axis. With INT32 labels {@code k} (shape: the prediction's without the class axis):
     * {@code l = -(1 - eps) logP[k] - eps/C sum_c logP[c]}; samples labelled {@code ignoreIndex} give 0 and MEAN
     * averages over the others (NaN if none is left). With float targets {@code y} of the prediction's shape
     * (one-hot or probabilities): {@code l = -sum_c ((1 - eps) y_c + eps/C) logP[c]}, MEAN over samples; the
     * ignore index does not apply to them, and a non-negative one is an error, as in PyTorch.
     * NOTE: log-softmax is {@code (z - max) - log(sum(exp(z - max)))}, as PyTorch computes it: finite and accurate to
     * a few units of roundoff for logits of any magnitude.
     *
     * @param labelSmoothing {@code eps} in [0, 1]
     */
    public static Loss crossEntropy(Reduction reduction, double labelSmoothing, int ignoreIndex) {
        return crossEntropy(null, reduction, labelSmoothing, ignoreIndex);
    }

    /**
     * {@link #crossEntropy(Reduction, double, int)} with PyTorch's class {@code weight}, a float tensor {@code (C)}
     * of the logits' dtype and backend (null: every class 1). With INT32 labels each sample's term is scaled:
     * {@code l = -(1 - eps) w[k] logP[k] - eps/C sum_c w[c] logP[c]}, and MEAN divides the sum by
     * {@code sum w[k]} over the samples that are not ignored (not by their count), as {@code nll_loss} does; with
     * float targets {@code l = -sum_c w[c] t_c logP[c]} and MEAN divides by the number of samples.
     */
    public static Loss crossEntropy(Tensor weight, Reduction reduction, double labelSmoothing, int ignoreIndex) {
        smoothing(labelSmoothing);
        LossChecks.reduction("crossEntropy", reduction);
        return new Named("crossEntropy(" + (weight == null ? "" : "weight=" + weight.shape() + ", ") + reduction
                + ", labelSmoothing=" + labelSmoothing + ", ignoreIndex=" + ignoreIndex + ")",
                (z, y) -> ClassLosses.crossEntropy(z, y, weight, reduction, labelSmoothing, ignoreIndex));
    }

    /** {@link #categoricalCrossEntropy(Reduction)} with MEAN. */
    public static Loss categoricalCrossEntropy() {
        return categoricalCrossEntropy(Reduction.MEAN);
    }

    /**
     * The lecture's categorical cross-entropy on probabilities: {@code l = -sum_c y_c log p_c} per sample, with
     * float targets {@code y} of the prediction's shape (one-hot or soft), or INT32 labels {@code k}
     * ({@code l = -log p_k}). Equal to {@link #crossEntropy()} of the logits when {@code p = softmax(z)}.
     * NOTE: the log is taken of {@code max(p, e^-100)}, so it is at least -100 as in binary cross-entropy: a
     * probability of exactly 0 gives a finite loss and a gradient of 0 (the clamp saturates). Probabilities from a
     * softmax underflow to 0 for far-apart logits; use {@link #crossEntropy()} on the logits instead.
     */
    public static Loss categoricalCrossEntropy(Reduction reduction) {
        LossChecks.reduction("categoricalCrossEntropy", reduction);
        return new Named("categoricalCrossEntropy(" + reduction + ")",
                (p, y) -> ClassLosses.categorical(p, y, reduction));
    }

    /** {@link #nll(Reduction, int)} with MEAN and {@link #IGNORE_INDEX}. */
    public static Loss nll() {
        return nll(Reduction.MEAN, IGNORE_INDEX);
    }

    /** {@link #nll(Reduction, int)} with {@link #IGNORE_INDEX}. */
    public static Loss nll(Reduction reduction) {
        return nll(reduction, IGNORE_INDEX);
    }

    /**
     * Negative log-likelihood on log-probabilities ({@code torch.nn.functional.nll_loss}) with INT32 labels:
     * {@code l = -logP[k]}; samples labelled {@code ignoreIndex} give 0 and MEAN averages over the others.
     */
    public static Loss nll(Reduction reduction, int ignoreIndex) {
        return nll(null, reduction, ignoreIndex);
    }

    /**
     * {@link #nll(Reduction, int)} with PyTorch's class {@code weight} {@code (C)} (null: every class 1):
     * {@code l = -w[k] logP[k]}, and MEAN divides the sum by {@code sum w[k]} over the samples not ignored.
     */
    public static Loss nll(Tensor weight, Reduction reduction, int ignoreIndex) {
        LossChecks.reduction("nll", reduction);
        return new Named("nll(" + (weight == null ? "" : "weight=" + weight.shape() + ", ") + reduction
                + ", ignoreIndex=" + ignoreIndex + ")",
                (logP, y) -> ClassLosses.nll(logP, y, weight, reduction, ignoreIndex));
    }

    private static void smoothing(double eps) {
        if (!(eps >= 0 && eps <= 1)) {
            throw new IllegalArgumentException("crossEntropy: labelSmoothing must be in [0, 1], got " + eps);
        }
    }
}
