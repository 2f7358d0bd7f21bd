package dev.descent.core;

import dev.descent.core.testing.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorFormatTest {
    private final TensorFactory f32 = Tensor.on(ReferenceBackend.INSTANCE);
    private final TensorFactory f64 = Tensor.on(ReferenceBackend.INSTANCE, DType.FLOAT64);

    @Test
    void formatsLikeNumpy() {
        assertEquals("tensor([[1., 2.],\n        [3., 4.]])", f32.of(new double[] {1, 2, 3, 4}, 2, 2).toString());
        assertEquals("tensor([ 0.5000, -1.2500], dtype=float64)", f64.of(new double[] {0.5, -1.25}).toString());
        assertEquals("tensor(3.)", f32.scalar(3).toString());
        assertEquals("tensor([1, 2], dtype=int32)", Tensor.on(ReferenceBackend.INSTANCE, DType.INT32).of(new int[] {1, 2}).toString());
        assertEquals("tensor([1.0000e-06, 1.0000e+00])", f32.of(new double[] {1e-6, 1}).toString());
        assertEquals("tensor([[ -1.,  10.],\n        [100.,   2.]])", f32.of(new double[] {-1, 10, 100, 2}, 2, 2).toString());
        assertEquals("tensor([nan, inf,  1.])", f32.of(new double[] {Double.NaN, Double.POSITIVE_INFINITY, 1}).toString());
    }

    @Test
    void summarisesLargeTensors() {
        String s = f32.zeros(2000).toString();
        assertTrue(s.startsWith("tensor([0., 0., 0., ..., 0., 0., 0.]"), s);
    }
}
