package dev.descent.nn.losses;

import dev.descent.autodiff.Variable;
import dev.descent.core.Shape;
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
    static Variable crossEntropy(Variable logits, Variable target, Tensor weight, Reduction reduction, double smoothing,
                                 int ignoreIndex) {
        String loss = "crossEntropy";
        LossChecks.notNull(loss, logits, target);
        int axis = LossChecks.classAxis(loss, logits);
        LossChecks.floating(loss, "prediction (logits)", logits.value());
        LossChecks.classWeight(loss, weight, logits, axis);
        Variable logP = logits.logSoftmax(axis);
        if (target.dtype().isFloating()) {
            if (ignoreIndex >= 0) {
                throw new IllegalArgumentException(loss + ": ignoreIndex (" + ignoreIndex + ") applies only to INT32 "
                        + "class labels, got a " + target.dtype() + " target " + target.shape() + " of probabilities");
            }
            return softTargets(loss, logP, target, axis, reduction, smoothing, weight);
        }
        return labels(loss, logP, target.value(), weight, axis, reduction, smoothing, ignoreIndex);
    }

    /** The lecture's {@code -sum_c y_c log p_c} on probabilities. */
    static Variable categorical(Variable probabilities, Variable target, Reduction reduction) {
        String loss = "categoricalCrossEntropy";
        LossChecks.notNull(loss, probabilities, target);
        int axis = LossChecks.classAxis(loss, probabilities);
        LossChecks.floating(loss, "prediction (probabilities)", probabilities.value());
        LossChecks.probabilities(loss, probabilities.value());
        Variable logP = probabilities.clamp(MIN_PROBABILITY, Double.POSITIVE_INFINITY).log();
        if (target.dtype().isFloating()) return softTargets(loss, logP, target, axis, reduction, 0, null);
        return labels(loss, logP, target.value(), null, axis, reduction, 0, null);
    }

    /** NLL on log-probabilities with INT32 labels: {@code -logP[label]}. */
    static Variable nll(Variable logP, Variable target, Tensor weight, Reduction reduction, int ignoreIndex) {
        String loss = "nll";
        LossChecks.notNull(loss, logP, target);
        int axis = LossChecks.classAxis(loss, logP);
        LossChecks.floating(loss, "prediction (log-probabilities)", logP.value());
        LossChecks.classWeight(loss, weight, logP, axis);
        if (target.dtype().isFloating()) {
            throw new IllegalArgumentException(loss + ": the target must be INT32 class labels, got "
                    + target.dtype() + " " + target.shape() + " (use crossEntropy for probability targets)");
        }
        return labels(loss, logP, target.value(), weight, axis, reduction, 0, ignoreIndex);
    }

    /**
     * {@code -sum_c w_c t_c logP_c} per sample, with {@code t = (1 - eps) y + eps / C} when smoothing and the class
     * weights {@code w} (1 when null); MEAN divides by the number of samples (not of elements, nor the weights), as
     * PyTorch.
     */
    private static Variable softTargets(String loss, Variable logP, Variable target, int axis, Reduction reduction,
                                        double smoothing, Tensor weight) {
        if (!target.shape().equals(logP.shape())) {
            throw new IllegalArgumentException(loss + ": prediction and target shapes differ: prediction "
                    + logP.shape() + ", target " + target.shape() + " (a probability target has the prediction's "
                    + "shape; class labels are INT32 of shape " + logP.shape().without(axis) + ")");
        }
        LossChecks.sameKind(loss, logP.value(), target.value());
        Variable t = target;
        if (smoothing > 0) t = t.mul(1 - smoothing).add(smoothing / logP.shape().dim(axis));
        if (weight != null) t = t.mul(Variable.constant(alongClasses(weight, logP, axis)));
        return LossChecks.reduce(logP.mul(t).sum(axis).neg(), reduction);
    }

    /**
     * {@code -logP[label]} per sample, mixed with {@code -mean_c logP_c} when smoothing:
     * {@code (1 - eps) nll + eps/C * (-sum_c logP_c)}; with class weights {@code w},
     * {@code (1 - eps) w[label] nll + eps/C * (-sum_c w_c logP_c)}. Samples whose label is {@code ignoreIndex}
     * contribute 0, and MEAN divides by the number of the others, or with weights by the sum of their
     * {@code w[label]} (NaN when nothing is left), as PyTorch.
     */
    private static Variable labels(String loss, Variable logP, Tensor labels, Tensor weight, int axis,
                                   Reduction reduction, double smoothing, Integer ignoreIndex) {
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
        double weightSum = kept;
        if (weight != null) {
            Tensor ints = LossChecks.ints(labels, safe, Shape.of(safe.length));
            perSample = perSample.mul(Variable.constant(weight.indexSelect(0, ints).reshape(labels.shape())));
            double[] w = weight.toDoubleArray();
            weightSum = 0;
            for (int i = 0; i < v.length; i++) if (keep[i] != 0) weightSum += w[v[i]];
        }
        if (smoothing > 0) {
            Variable weighted = weight == null ? logP : logP.mul(Variable.constant(alongClasses(weight, logP, axis)));
            Variable uniform = weighted.sum(axis).neg().mul(smoothing / logP.shape().dim(axis));
            perSample = perSample.mul(1 - smoothing).add(uniform);
        }
        if (kept < v.length) {
            // NOTE: where, not a multiplication by the mask, so that an infinite value at an ignored sample stays out.
            Tensor mask = Tensor.on(labels.backend(), logP.dtype()).of(keep).reshape(labels.shape());
            Variable zero = Variable.constant(mask.zerosLike());
            perSample = Variable.where(mask, perSample, zero);
        }
        if (reduction == Reduction.MEAN && (kept < v.length || weight != null)) return perSample.sum().div(weightSum);
        return LossChecks.reduce(perSample, reduction);
    }

    /** The class weights {@code (C)} reshaped to broadcast along the class axis of {@code like}. */
    private static Tensor alongClasses(Tensor weight, Variable like, int axis) {
        int[] dims = new int[like.rank()];
        java.util.Arrays.fill(dims, 1);
        dims[axis] = weight.size();
        return weight.reshape(dims);
    }
}
