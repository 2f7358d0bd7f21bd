package dev.descent.optim.clip;

import dev.descent.core.Tensor;

import java.util.List;

/**
 * Norm clipping as an attachable rule (see {@link Clipping#norm(double, double)}): scales the gradients by
 * {@code min(1, maxNorm / (norm + 1e-6))}, over all of them together or each on its own. It remembers the norm it
 * saw last, before clipping, for logging.
 *
 * <pre>{@code
 * NormClipping clip = Clipping.norm(1.0, 2).errorIfNonfinite(true);
 * adam.clipping(clip);
 * adam.step();
 * double seen = clip.lastNorm();
 * }</pre>
 */
public final class NormClipping implements Clipping {
    private final double maxNorm;
    private final double normType;
    private final boolean errorIfNonfinite;
    private final boolean perParameter;
    private double lastNorm = Double.NaN;

    NormClipping(double maxNorm, double normType, boolean errorIfNonfinite, boolean perParameter) {
        GradClip.checkNorm("Clipping.norm", maxNorm, normType);
        this.maxNorm = maxNorm;
        this.normType = normType;
        this.errorIfNonfinite = errorIfNonfinite;
        this.perParameter = perParameter;
    }

    /** The same rule, throwing {@code NonFiniteGradientException} when the norm is NaN or infinite. */
    public NormClipping errorIfNonfinite(boolean error) {
        return new NormClipping(maxNorm, normType, error, perParameter);
    }

    @Override
    public void clip(List<Tensor> grads) {
        if (perParameter) {
            double largest = 0;
            for (int i = 0; i < grads.size(); i++) {
                double n = GradClip.clipNorm(grads.get(i), maxNorm, normType, errorIfNonfinite);
                largest = Double.isNaN(n) || Double.isNaN(largest) ? Double.NaN : Math.max(largest, n);
            }
            lastNorm = largest;
        } else {
            lastNorm = GradClip.clipNorm(grads, maxNorm, normType, errorIfNonfinite);
        }
    }

    /**
     * The norm before the last clipping: of all gradients together, or the largest per-parameter norm; NaN before
     * the first.
     */
    public double lastNorm() {
        return lastNorm;
    }

    public double maxNorm() {
        return maxNorm;
    }

    public double normType() {
        return normType;
    }

    @Override
    public String toString() {
        return "NormClipping(maxNorm=" + maxNorm + ", normType=" + normType + (perParameter ? ", perParameter" : "")
                + ")";
    }
}
