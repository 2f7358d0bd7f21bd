package dev.descent.autodiff.check;

import dev.descent.core.Backends;
import dev.descent.autodiff.Function;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradCheckTest {
    private static final dev.descent.core.spi.Backend DEFAULT = Backends.get();

    /** sin with a wrong backward: cos(x) + 0.01 at element 2 only. */
    static final class WrongSin extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... inputs) {
            return inputs[0].sin();
        }

        @Override
        protected Variable[] backward(Context ctx, Variable g) {
            Tensor bump = Tensor.on(DEFAULT, DType.FLOAT64).of(new double[] {0, 0, 0.01, 0}, 2, 2);
            return new Variable[] {g.mul(ctx.input(0).cos().add(Variable.constant(bump)))};
        }
    }

    @Test
    void aWrongGradientIsReportedWithTheInputAndElement() {
        Variable x = Variable.parameter(Tensor.on(DEFAULT, DType.FLOAT64).of(new double[] {0.1, 0.2, 0.3, 0.4}, 2, 2));
        Variable other = Variable.parameter(Tensor.on(DEFAULT, DType.FLOAT64).of(new double[] {1, 2}));
        GradCheckFailure failure = assertThrows(GradCheckFailure.class,
                () -> GradCheck.check(in -> in[0].mul(in[1]).add(new WrongSin().apply(in[1].broadcastTo(2, 2))), x, other));
        GradCheckReport r = failure.report();
        assertEquals(1, r.input());
        assertArrayEquals(new int[] {0}, r.inputIndex());
        assertArrayEquals(new int[] {1, 0}, r.outputIndex());
        // d out[1,0] / d other[0] = x[1,0] + cos(other[0]) = 0.3 + cos(1); the wrong rule adds 0.01
        assertEquals(0.3 + Math.cos(1) + 0.01, r.analytic(), 1e-9);
        assertEquals(0.3 + Math.cos(1), r.numeric(), 1e-6);
        assertTrue(failure.getMessage().contains("worst at input 1 element [0], output element [1, 0]"),
                failure.getMessage());
    }

    @Test
    void aWrongSecondDerivativeIsCaughtEvenWhenTheFirstIsRight() {
        // backward uses a constant cos(x0) instead of cos(x): right at x0, but its derivative is 0, not -sin(x)
        final class FrozenSin extends Function {
            @Override
            protected Tensor forward(Context ctx, Tensor... in) {
                ctx.save(in[0].cos());
                return in[0].sin();
            }

            @Override
            protected Variable[] backward(Context ctx, Variable g) {
                return new Variable[] {g.mul(Variable.constant(ctx.saved(0)))};
            }
        }
        Variable x = Variable.parameter(Tensor.on(DEFAULT, DType.FLOAT64).of(new double[] {0.5, 1.0}));
        GradCheckReport first = GradCheck.check(in -> new FrozenSin().apply(in[0]), x);
        assertTrue(first.passed());
        assertTrue(first.worstRatio() < 1);
        GradCheckFailure failure = assertThrows(GradCheckFailure.class,
                () -> GradCheck.checkSecondOrder(in -> new FrozenSin().apply(in[0]), x));
        assertTrue(failure.getMessage().startsWith("GradCheck second-order FAILED"), failure.getMessage());
    }

    @Test
    void float32NeedsAnOptIn() {
        Variable x = Variable.parameter(Tensor.on(DEFAULT, DType.FLOAT32).of(new double[] {0.5, 1.0}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradCheck.check(in -> in[0].exp(), x));
        assertTrue(e.getMessage().contains("float32"));
        GradCheckReport r = GradCheck.defaults().allowFloat32().eps(1e-3).atol(1e-2).rtol(1e-2).verify(in -> in[0].exp(), x);
        assertTrue(r.passed());
        assertEquals(4, r.compared());
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> GradCheck.defaults().eps(0));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.defaults().atol(-1));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.defaults().rtol(Double.NaN));
        Variable c = Variable.constant(Tensor.on(DEFAULT, DType.FLOAT64).of(new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(in -> in[0].exp(), c));
    }
}
