package dev.descent.nn.regularization;

import dev.descent.core.Backends;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RegularizersTest {
    private static Variable p(double... v) {
        return Variable.parameter(Tensor.on(Backends.get(), DType.FLOAT64).of(v));
    }

    @Test
    void l2IsHalfLambdaSumOfSquaresWithGradientLambdaW() {
        Variable w = p(1, -2), v = p(3);
        Variable penalty = Regularizers.l2(0.1).penalty(List.of(w, v));
        assertEquals(0.05 * (1 + 4 + 9), penalty.value().item(), 1e-15);
        penalty.backward();
        assertArrayEquals(new double[] {0.1, -0.2}, w.grad().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0.3}, v.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void l1AndElasticNet() {
        Variable w = p(1, -2, 0.5);
        Variable l1 = Regularizers.l1(0.5).penalty(List.of(w));
        assertEquals(0.5 * 3.5, l1.value().item(), 1e-15);
        l1.backward();
        assertArrayEquals(new double[] {0.5, -0.5, 0.5}, w.grad().toDoubleArray(), 1e-15);
        assertEquals(0.5 * 3.5 + 0.1 * 5.25, Regularizers.elasticNet(0.5, 0.2).penalty(List.of(w)).value().item(), 1e-15);
    }

    @Test
    void onlyChosenParameters() {
        Map<String, Variable> named = new LinkedHashMap<>();
        named.put("0.weight", p(2));
        named.put("0.bias", p(100));
        assertEquals(2.0, Regularizers.l2(1).penalty(Regularizers.named(named, "weight")).value().item(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Regularizers.l2(-1));
        assertThrows(IllegalArgumentException.class, () -> Regularizers.l1(1).penalty(List.of()));
    }
}
