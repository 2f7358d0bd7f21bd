package consumer;

import dev.descent.autodiff.Variable;
import dev.descent.autodiff.check.GradCheck;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A custom Module, gradient-checked end to end through the public API (parameters and inputs). */
class GatedTest {
    @Test
    void gradientsOfTheCustomLayerAreRight() {
        Gated layer = new Gated(Backends.get(), 3, 2, new Rng(5));
        Variable x = Variable.parameter(Tensor.on(Backends.get(), DType.FLOAT64).normal(new Rng(6), 0, 1, 4, 3));
        Variable w = Variable.parameter(layer.w.value()), b = Variable.parameter(layer.b.value().add(0.1));
        Variable v = Variable.parameter(layer.v.value());
        assertTrue(GradCheck.check(in -> Gated.compute(in[0], in[1], in[2], in[3]).square().sum(), x, w, b, v).passed());
        assertTrue(GradCheck.checkSecondOrder(in -> Gated.compute(in[0], in[1], in[2], in[3]), x, w, b, v).passed());
        // and the module's own forward and backward agree with the function
        layer.apply(Variable.constant(x.value())).sum().backward();
        Variable out = Gated.compute(Variable.constant(x.value()), w, Variable.parameter(layer.b.value()), v);
        out.sum().backward();
        assertTrue(layer.w.grad().allClose(w.grad(), 1e-12, 1e-12));
    }
}
