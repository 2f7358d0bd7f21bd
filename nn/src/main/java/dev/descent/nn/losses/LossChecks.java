package dev.descent.nn.losses;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;

/**
 * Argument checks and the reduction step shared by every loss. Every message names the loss, the expected and the
 * actual shape, dtype or value; nothing is broadcast silently.
 */
final class LossChecks {
    private LossChecks() {
    }

    static void notNull(String loss, Variable prediction, Variable target) {
        if (prediction == null || target == null) {
            throw new IllegalArgumentException(loss + ": prediction and target must not be null, got "
                    + (prediction == null ? "null" : prediction.shape()) + " and "
                    + (target == null ? "null" : target.shape()));
        }
    }

    static Reduction reduction(String loss, Reduction reduction) {
        if (reduction == null) throw new IllegalArgumentException(loss + ": reduction must not be null");
        return reduction;
    }

    /** A floating prediction and a target of the same shape, dtype and backend (regression and binary losses). */
    static void sameShape(String loss, Variable prediction, Variable target) {
        notNull(loss, prediction, target);
        floating(loss, "prediction", prediction.value());
        if (!prediction.shape().equals(target.shape())) {
            throw new IllegalArgumentException(loss + ": prediction and target shapes differ: prediction "
                    + prediction.shape() + ", target " + target.shape() + " (losses never broadcast)");
        }
        sameKind(loss, prediction.value(), target.value());
    }

    static void floating(String loss, String what, Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(loss + ": the " + what + " must be float32 or float64, got "
                    + t.dtype() + " " + t.shape());
        }
    }

    static void sameKind(String loss, Tensor prediction, Tensor target) {
        if (prediction.backend() != target.backend()) {
            throw new IllegalArgumentException(loss + ": prediction and target are on different backends: "
                    + prediction.backend().name() + " " + prediction.shape() + " and " + target.backend().name()
                    + " " + target.shape());
        }
        if (prediction.dtype() != target.dtype()) {
            throw new IllegalArgumentException(loss + ": prediction and target dtypes differ: prediction "
                    + prediction.dtype() + " " + prediction.shape() + ", target " + target.dtype() + " "
                    + target.shape());
        }
    }

    /** Every element in [0, 1] (NaN passes and propagates), as PyTorch requires of probabilities. */
    static void probabilities(String loss, Tensor p) {
        double[] v = p.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] > 1) {
                throw new IllegalArgumentException(loss + ": the prediction must hold probabilities in [0, 1], got "
                        + v[i] + " at flat index " + i + " of shape " + p.shape());
            }
        }
    }

    static void positive(String loss, String name, double value, boolean zeroAllowed) {
        if (!(zeroAllowed ? value >= 0 : value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(loss + ": " + name + " must be finite and " + (zeroAllowed ? ">= 0" : "> 0")
                    + ", got " + value);
        }
    }

    /** The class axis of a prediction with classes: 0 for one unbatched sample {@code (C)}, else 1 ({@code (N, C, ...)}). */
    static int classAxis(String loss, Variable prediction) {
        if (prediction.rank() == 0) {
            throw new IllegalArgumentException(loss + ": the prediction needs a class axis, shape (C) or (N, C, ...), "
                    + "got a scalar " + prediction.shape());
        }
        return prediction.rank() == 1 ? 0 : 1;
    }

    /**
     * Validates INT32 class labels against a prediction {@code (N, C, ...)}: their shape is the prediction's without
     * the class axis, and each label is in {@code [0, C)} or equal to {@code ignoreIndex}.
     *
     * @return the labels as ints, row-major
     */
    static int[] labels(String loss, Variable prediction, Tensor labels, int axis, Integer ignoreIndex) {
        Shape expected = prediction.shape().without(axis);
        if (!labels.shape().equals(expected)) {
            throw new IllegalArgumentException(loss + ": class labels must have the prediction's shape without the "
                    + "class axis: prediction " + prediction.shape() + " expects labels " + expected + ", got labels "
                    + labels.shape());
        }
        if (labels.backend() != prediction.value().backend()) {
            throw new IllegalArgumentException(loss + ": prediction and labels are on different backends: "
                    + prediction.value().backend().name() + " and " + labels.backend().name());
        }
        int classes = prediction.shape().dim(axis);
        int[] v = labels.toIntArray();
        for (int i = 0; i < v.length; i++) {
            boolean ignored = ignoreIndex != null && v[i] == ignoreIndex;
            if (!ignored && (v[i] < 0 || v[i] >= classes)) {
                throw new IllegalArgumentException(loss + ": class label " + v[i] + " at flat index " + i
                        + " is out of range [0, " + classes + ")"
                        + (ignoreIndex == null ? "" : " and is not the ignore index " + ignoreIndex)
                        + "; prediction " + prediction.shape() + ", labels " + labels.shape());
            }
        }
        return v;
    }

    /**
     * PyTorch's class {@code weight} of a loss: null, or a float tensor {@code (C)} with the prediction's dtype and
     * backend, {@code C} its size along the class axis.
     */
    static void classWeight(String loss, Tensor weight, Variable prediction, int axis) {
        if (weight == null) return;
        int classes = prediction.shape().dim(axis);
        if (weight.rank() != 1 || weight.size() != classes) {
            throw new IllegalArgumentException(loss + ": expected a class weight of shape (" + classes + ") for "
                    + "prediction " + prediction.shape() + ", got " + weight.shape());
        }
        if (weight.dtype() != prediction.dtype() || weight.backend() != prediction.value().backend()) {
            throw new IllegalArgumentException(loss + ": expected a class weight of the prediction's dtype "
                    + prediction.dtype() + " on " + prediction.value().backend().name() + ", got " + weight.dtype()
                    + " on " + weight.backend().name());
        }
    }

    /** Combines per-element losses as {@code reduction} says. */
    static Variable reduce(Variable perElement, Reduction reduction) {
        return switch (reduction) {
            case MEAN -> perElement.mean();
            case SUM -> perElement.sum();
            case NONE -> perElement;
        };
    }

    /** An INT32 tensor of {@code shape} on {@code like}'s backend. */
    static Tensor ints(Tensor like, int[] values, Shape shape) {
        return Tensor.on(like.backend(), DType.INT32).of(values).reshape(shape);
    }
}
