package dev.descent.nn.activations;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;

/** {@code max(x, 0)}. */
public final class ReLU extends Module {

    @Override
    public Variable forward(Variable x) {
        return x.relu();
    }
}
