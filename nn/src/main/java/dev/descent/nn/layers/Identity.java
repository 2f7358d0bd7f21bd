package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;

/** Returns its input unchanged (a placeholder, as {@code torch.nn.Identity}). */
public final class Identity extends Module {
    @Override
    public Variable forward(Variable x) {
        return x;
    }
}
