package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;

/** Flattens every axis after the first: {@code (batch, d1, d2, ...)} to {@code (batch, d1*d2*...)}. */
public final class Flatten extends Module {
    @Override
    public Variable forward(Variable x) {
        if (x.rank() < 1) throw new IllegalArgumentException("Flatten.forward: expected a batch axis, got shape " + x.shape());
        return x.reshape(x.shape().dim(0), -1);
    }
}
