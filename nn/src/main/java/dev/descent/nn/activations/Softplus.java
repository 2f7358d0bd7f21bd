package dev.descent.nn.activations;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;

/** {@code log(1 + exp(x))} (x itself above 20, as PyTorch). */
public final class Softplus extends Module {

    @Override
    public Variable forward(Variable x) {
        return x.softplus();
    }
}
