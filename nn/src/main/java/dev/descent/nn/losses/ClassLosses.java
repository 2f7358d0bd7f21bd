package dev.descent.nn.losses;

import dev.descent.autodiff.Variable;
import dev.descent.core.Tensor;

/**
 * The multi-class losses behind {@link Losses}: cross-entropy on logits, categorical cross-entropy on
 * probabilities and NLL on log-probabilities, each with INT32 class labels or with float (one-hot or soft) targets.
 * The class axis is 0 for one sample {@code (C)} and 1 for a batch {@code (N, C, ...)}, as in PyTorch.
 */
final class ClassLosses {
    /** NOTE: {@code log(p)} is taken of {@code max(p, e^-100)}, so it never falls below -100 (PyTorch's BCE clamp). */
    static final double MIN_PROBABILITY = Math.exp(BinaryCrossEntropyFunction.LOG_FLOOR);

    private ClassLosses() {
    }

    /** Cross-entropy on logits: log-softmax, then the NLL of labels or of (smoothed) soft targets. */
    static Variable crossEntropy(Variable logits, Variable target, Reduction reduction, double smoothing, int ignoreIndex) {
        String loss = "crossEntropy";
        LossChecks.notNull(loss, logits, target);
        int axis = LossChecks.classAxis(loss, logits);
        LossChecks.floating(loss, "prediction (logits)", logits.value());
        Variable logP = logits.logSoftmax(axis);
        if (target.dtype().isFloating()) {
            if (ignoreIndex >= 0) {
                throw new IllegalArgumentException(loss + ": ignoreIndex (" + ignoreIndex + ") applies only to INT32 "
                        + "class labels, got a " + target.dtype() + " target " + target.shape() + " of probabilities");
            }
            return softTargets(loss, logP, target, axis, reduction, smoothing);
        }
        return labels(loss, logP, target.value(), axis, reduction, smoothing, ignoreIndex);
    }

    /** The lecture's {@code -sum_c y_c log p_c} on probabilities. */
    static Variable categorical(Variable probabilities, Variable target, Reduction reduction) {
        String loss = "categoricalCrossEntropy";
        LossChecks.notNull(loss, probabilities, target);
        int axis = LossChecks.classAxis(loss, probabilities);
        LossChecks.floating(loss, "prediction (probabilities)", probabilities.value());
        LossChecks.probabilities(loss, probabilities.value());
        Variable logP = probabilities.clamp(MIN_PROBABILITY, Double.POSITIVE_INFINITY).log();
        if (target.dtype().isFloating()) return softTargets(loss, logP, target, axis, reduction, 0);
        return labels(loss, logP, target.value(), axis, reduction, 0, null);
    }

    /** NLL on log-probabilities with INT32 labels: {@code -logP[label]}. */
    static Variable nll(Variable logP, Variable target, Reduction reduction, int ignoreIndex) {
        String loss = "nll";
        LossChecks.notNull(loss, logP, target);
        int axis = LossChecks.classAxis(loss, logP);
        LossChecks.floating(loss, "prediction (log-probabilities)", logP.value());
        if (target.dtype().isFloating()) {
            throw new IllegalArgumentException(loss + ": the target must be INT32 class labels, got "
                    + target.dtype() + " " + target.shape() + " (use crossEntropy for probability targets)");
        }
        return labels(loss, logP, target.value(), axis, reduction, 0, ignoreIndex);
    }

    /**
     * {@code -sum_c t_c logP_c} per sample, with {@code t = (1 - eps) y + eps / C} when smoothing; MEAN divides by
     * the number of samples (not of elements), as PyTorch.
     */
    private static Variable softTargets(String loss, Variable logP, Variable target, int axis, Reduction reduction,
                                        double smoothing) {
        if (!target.shape().equals(logP.shape())) {
            throw new IllegalArgumentException(loss + ": prediction and target shapes differ: prediction "
                    + logP.shape() + ", target " + target.shape() + " (a probability target has the prediction's "
                    + "shape; class labels are INT32 of shape " + logP.shape().without(axis) + ")");
        }
        LossChecks.sameKind(loss, logP.value(), target.value());
        Variable t = target;
        if (smoothing > 0) t = t.mul(1 - smoothing).add(smoothing / logP.shape().dim(axis));
        return LossChecks.reduce(logP.mul(t).sum(axis).neg(), reduction);
    }

    /**
     * {@code -logP[label]} per sample, mixed with {@code -mean_c logP_c} when smoothing:
     * {@code (1 - eps) nll + eps/C * (-sum_c logP_c)}. Samples whose label is {@code ignoreIndex} contribute 0, and
     * MEAN divides by the number of the others (NaN when every sample is ignored), as PyTorch.
     */
    private static Variable labels(String loss, Variable logP, Tensor labels, int axis, Reduction reduction,
                                   double smoothing, Integer ignoreIndex) {
        int[] v = LossChecks.labels(loss, logP, labels, axis, ignoreIndex);
        int[] safe = v.clone();
        double[] keep = new double[v.length];
        int kept = 0;
        for (int i = 0; i < v.length; i++) {
            boolean ignored = ignoreIndex != null && v[i] == ignoreIndex;
            if (ignored) safe[i] = 0;
            keep[i] = ignored ? 0 : 1;
            if (!ignored) kept++;
        }
        Tensor index = LossChecks.ints(labels, safe, labels.shape()).unsqueeze(axis);
        Variable perSample = logP.gather(axis, index).squeeze(axis).neg();
        if (smoothing > 0) {
            Variable uniform = logP.sum(axis).neg().mul(smoothing / logP.shape().dim(axis));
            perSample = perSample.mul(1 - smoothing).add(uniform);
        }
        if (kept < v.length) {
            // NOTE: where, not a multiplication by the mask, so that an infinite value at an ignored sample stays out.
            Tensor mask = Tensor.on(labels.backend(), logP.dtype()).of(keep).reshape(labels.shape());
            Variable zero = Variable.constant(mask.zerosLike());
            perSample = Variable.where(mask, perSample, zero);
            if (reduction == Reduction.MEAN) return perSample.sum().div(kept);
        }
        return LossChecks.reduce(perSample, reduction);
    }
}
