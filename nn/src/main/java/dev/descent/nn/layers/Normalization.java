package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;

/** The normalisation the norm layers share: mean and biased variance over axes, then {@code (x - mean) / sqrt(var + eps)}. */
final class Normalization {
    /** The normalised input with the batch mean and biased variance it used (keepDims). */
    record Normalized(Variable value, Variable mean, Variable variance) {
    }

    private Normalization() {
    }

    static Normalized over(Variable x, int[] axes, double eps) {
        Variable mean = x.mean(axes, true);
        Variable centered = x.sub(mean);
        Variable variance = centered.square().mean(axes, true);
        return new Normalized(centered.div(variance.add(eps).sqrt()), mean, variance);
    }

    /** {@code eps} must be positive and finite; {@code name} is the layer's. */
    static double checkEps(String name, double eps) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(name + ": eps must be finite and > 0, got " + eps);
        }
        return eps;
    }
}
