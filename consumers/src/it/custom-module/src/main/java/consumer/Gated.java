package consumer;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import dev.descent.nn.Module;
import dev.descent.nn.init.Initializers;

/** A user's own layer: a gated linear unit, {@code (x·W + b) * sigmoid(x·V)}. */
public final class Gated extends Module {
    final Variable w, b, v;

    public Gated(Backend backend, int in, int out, Rng rng) {
        var f = Tensor.on(backend, DType.FLOAT64);
        w = registerParameter("w", Initializers.xavierUniform().initialize(f, Shape.of(in, out), in, out, rng));
        b = registerParameter("b", f.zeros(out));
        v = registerParameter("v", Initializers.xavierUniform().initialize(f, Shape.of(in, out), in, out, rng));
    }

    /** The layer's computation on explicit variables, so it can be checked with GradCheck over all of them. */
    public static Variable compute(Variable x, Variable w, Variable b, Variable v) {
        return x.matmul(w).add(b).mul(x.matmul(v).sigmoid());
    }

    @Override
    public Variable forward(Variable x) {
        return compute(x, w, b, v);
    }
}
