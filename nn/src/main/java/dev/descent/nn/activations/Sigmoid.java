package dev.descent.nn.activations;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;

/** {@code 1 / (1 + exp(-x))}. */
public final class Sigmoid extends Module {

    @Override
    public Variable forward(Variable x) {
        return x.sigmoid();
    }
}
