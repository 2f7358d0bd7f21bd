package dev.descent.nn.activations;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;

/** GELU: exact {@code x/2 (1 + erf(x/sqrt 2))}, or its tanh approximation. */
public final class GELU extends Module {
    private final boolean tanhApproximation;

    /** The exact form. */
    public GELU() {
        this(false);
    }

    public GELU(boolean tanhApproximation) {
        this.tanhApproximation = tanhApproximation;
    }

    /** Whether this is the tanh approximation rather than the exact form. */
    public boolean tanhApproximation() {
        return tanhApproximation;
    }

    @Override
    public Variable forward(Variable x) {
        return tanhApproximation ? x.geluTanh() : x.gelu();
    }

    @Override
    protected String describe() {
        return "GELU(approximate=" + (tanhApproximation ? "tanh" : "none") + ")";
    }
}
