package dev.descent.optim.clip;

import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.spi.UnaryOp;
import dev.descent.optim.NonFiniteGradientException;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping on the variables' accumulated gradients, in place, as {@code torch.nn.utils}: by value, by the
 * norm of all gradients together, or by each gradient's own norm. Call it between {@code backward()} and
 * {@code step()}; or attach the same rule to the optimiser with {@link Clipping}.
 *
 * <pre>{@code
 * loss.backward();
 * double norm = GradClip.clipGradNorm(params, 1.0);   // total 2-norm before clipping
 * optimizer.step();
 * }</pre>
 *
 * <p>Norm clipping scales every gradient by {@code min(1, maxNorm / (totalNorm + 1e-6))}, PyTorch's coefficient
 * with its {@code 1e-6}; with a NaN or infinite total norm the gradients become NaN, as in PyTorch, unless
 * {@code errorIfNonfinite} asks for an exception (which changes nothing). Variables without a gradient are
 * skipped. Gradients that share storage (two parameters added together may receive the same gradient tensor) count
 * once per parameter in the norm, as in PyTorch, and are scaled once.
 */
public final class GradClip {
    /** PyTorch's guard in the clipping coefficient {@code maxNorm / (norm + 1e-6)}. */
    public static final double NORM_EPS = 1e-6;

    private GradClip() {
    }

    /** Clips the 2-norm of all gradients together to {@code maxNorm}; returns the norm before clipping. */
    public static double clipGradNorm(List<Variable> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2, false);
    }

    /** Clips the {@code normType}-norm of all gradients together; returns the norm before clipping. */
    public static double clipGradNorm(List<Variable> params, double maxNorm, double normType) {
        return clipGradNorm(params, maxNorm, normType, false);
    }

    /**
     * Clips the {@code normType}-norm (1, 2, any p > 0, or {@code Double.POSITIVE_INFINITY}) of all gradients
     * together to {@code maxNorm}; returns the norm before clipping. With {@code errorIfNonfinite}, a NaN or
     * infinite norm throws {@link NonFiniteGradientException} and changes nothing.
     */
    public static double clipGradNorm(List<Variable> params, double maxNorm, double normType,
                                      boolean errorIfNonfinite) {
        checkNorm("clipGradNorm", maxNorm, normType);
        List<Tensor> all = Norms.gradients(params);
        double total = Norms.totalNorm(all, normType);
        checkFinite(total, normType, errorIfNonfinite);
        double coef = coefficient(maxNorm, total);
        if (coef != 1.0) {
            for (Tensor g : distinct(all)) scale(g, coef);
        }
        return total;
    }

    /**
     * Clips each gradient's own {@code normType}-norm to {@code maxNorm}; returns each parameter's norm before
     * clipping (NaN for a parameter without a gradient).
     */
    public static double[] clipGradNormPerParameter(List<Variable> params, double maxNorm, double normType) {
        checkNorm("clipGradNormPerParameter", maxNorm, normType);
        double[] norms = new double[params.size()];
        List<Tensor> grads = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor g = params.get(i).grad();
            grads.add(g);
            if (g == null) {
                norms[i] = Double.NaN;
                continue;
            }
            int before = indexOfShared(grads.subList(0, i), g);  // a gradient shared with an earlier parameter
            norms[i] = before >= 0 ? norms[before] : clipNorm(g, maxNorm, normType, false);
        }
        return norms;
    }

    /** Clamps every gradient element to {@code [-clipValue, clipValue]}. */
    public static void clipGradValue(List<Variable> params, double clipValue) {
        checkValue("clipGradValue", clipValue);
        clipValue(distinct(Norms.gradients(params)), clipValue);
    }

    // ---------------------------------------------------------------- on tensors (shared with Clipping)

    static double clipNorm(List<Tensor> grads, double maxNorm, double normType, boolean errorIfNonfinite) {
        double total = Norms.totalNorm(grads, normType);
        checkFinite(total, normType, errorIfNonfinite);
        double coef = coefficient(maxNorm, total);
        if (coef != 1.0) {
            for (int i = 0; i < grads.size(); i++) scale(grads.get(i), coef);
        }
        return total;
    }

    static double clipNorm(Tensor grad, double maxNorm, double normType, boolean errorIfNonfinite) {
        double norm = Norms.norm(grad, normType);
        checkFinite(norm, normType, errorIfNonfinite);
        double coef = coefficient(maxNorm, norm);
        if (coef != 1.0) scale(grad, coef);
        return norm;
    }

    static void clipValue(List<Tensor> grads, double clipValue) {
        for (int i = 0; i < grads.size(); i++) {
            Tensor g = grads.get(i);
            InPlace.map(UnaryOp.CLAMP, g, -clipValue, clipValue, g);
        }
    }

    /** {@code min(1, maxNorm / (norm + 1e-6))}; NaN stays NaN (and an infinite norm gives 0), as in PyTorch. */
    private static double coefficient(double maxNorm, double norm) {
        double coef = maxNorm / (norm + NORM_EPS);
        return Double.isNaN(coef) ? coef : Math.min(coef, 1.0);
    }

    private static void scale(Tensor g, double coef) {
        InPlace.map(UnaryOp.AFFINE, g, coef, 0, g);
    }

    private static void checkFinite(double norm, double normType, boolean errorIfNonfinite) {
        if (errorIfNonfinite && !Double.isFinite(norm)) {
            throw new NonFiniteGradientException("clipGradNorm: the total norm of order " + normType
                    + " of the gradients is " + norm + ", so it cannot be clipped; no gradient was changed", null);
        }
    }

    /** The tensors with distinct storage, in order. */
    private static List<Tensor> distinct(List<Tensor> grads) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor g : grads) {
            if (indexOfShared(out, g) < 0) out.add(g);
        }
        return out;
    }

    /** The index of the first tensor in {@code list} that shares storage with {@code t}, or -1. */
    private static int indexOfShared(List<Tensor> list, Tensor t) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) != null && list.get(i).sharesStorageWith(t)) return i;
        }
        return -1;
    }

    static void checkNorm(String op, double maxNorm, double normType) {
        if (!(maxNorm >= 0) || maxNorm == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(op + ": maxNorm must be finite and >= 0, got " + maxNorm);
        }
        Norms.checkType(op, normType);
    }

    static void checkValue(String op, double clipValue) {
        if (!(clipValue >= 0) || clipValue == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(op + ": clipValue must be finite and >= 0, got " + clipValue);
        }
    }
}
