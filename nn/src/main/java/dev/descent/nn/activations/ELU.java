package dev.descent.nn.activations;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;

/** {@code x > 0 ? x : alpha (exp(x) - 1)}; PyTorch's default alpha is 1. */
public final class ELU extends Module {
    private final double alpha;

    public ELU() {
        this(1.0);
    }

    public ELU(double alpha) {
        if (!Double.isFinite(alpha)) throw new IllegalArgumentException("ELU: alpha must be finite, got " + alpha);
        this.alpha = alpha;
    }

    /** The scale of the negative branch. */
    public double alpha() {
        return alpha;
    }

    @Override
    public Variable forward(Variable x) {
        return x.elu(alpha);
    }

    @Override
    protected String describe() {
        return "ELU(alpha=" + alpha + ")";
    }
}
