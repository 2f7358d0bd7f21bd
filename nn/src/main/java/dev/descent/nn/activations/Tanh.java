package dev.descent.nn.activations;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;

/** {@code tanh(x)}. */
public final class Tanh extends Module {

    @Override
    public Variable forward(Variable x) {
        return x.tanh();
    }
}
