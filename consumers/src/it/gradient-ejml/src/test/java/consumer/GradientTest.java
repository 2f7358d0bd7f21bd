package consumer;

import dev.descent.autodiff.Variable;
import dev.descent.autodiff.check.GradCheck;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** core + autodiff + backend-ejml only: a gradient and a GradCheck of the consumer's own function. */
class GradientTest {
    @Test
    void gradientOfAFunctionOfOurOwn() {
        assertEquals("ejml", Backends.get().name());
        Variable x = Variable.parameter(Tensor.of(DType.FLOAT64, new double[] {0.5, -1.0, 2.0}));
        x.mul(x).sin().sum().backward();
        double[] expected = new double[3];
        double[] v = {0.5, -1.0, 2.0};
        for (int i = 0; i < 3; i++) expected[i] = 2 * v[i] * Math.cos(v[i] * v[i]);
        assertArrayEquals(expected, x.grad().toDoubleArray(), 1e-12);
        assertTrue(GradCheck.check(in -> in[0].mul(in[0]).sin().mul(in[0].exp()), x).passed());
        assertTrue(GradCheck.checkSecondOrder(in -> in[0].mul(in[0]).sin(), x).passed());
    }
}
