package dev.descent.core;

import dev.descent.core.testing.ReferenceBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReductionsTest {
    /**
     * Values printed by torch 1.13 ({@code /usr/bin/python3}, float64):
     * {@code torch.var(torch.arange(1., 7.), dim=0, correction=c)} is 17.5 for c = 5 and inf for c = 6, 7, 10;
     * with {@code torch.zeros(6)} it is nan for c = 6 and 10; {@code torch.var(torch.tensor([]), dim=0, correction=0)}
     * is nan; {@code torch.var([[1, 2], [3, 5]], dim=1, correction=2)} is [inf, inf] and over both dims with
     * correction 5 it is inf.
     */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void varianceDividesByMaxOfZeroAndNMinusCorrectionAsTorchVar(DType dtype) {
        TensorFactory f = Tensor.on(ReferenceBackend.INSTANCE, dtype);
        Tensor x = f.of(new double[] {1, 2, 3, 4, 5, 6});
        assertEquals(17.5, x.variance(new int[] {0}, false, 5).item());
        for (int c : new int[] {6, 7, 10}) {
            assertEquals(Double.POSITIVE_INFINITY, x.variance(new int[] {0}, false, c).item(), "correction " + c);
        }
        for (int c : new int[] {6, 10}) {
            assertTrue(Double.isNaN(f.zeros(6).variance(new int[] {0}, false, c).item()), "correction " + c);
        }
        assertTrue(Double.isNaN(f.zeros(0).variance(new int[] {0}, false, 0).item()));
        Tensor m = f.of(new double[] {1, 2, 3, 5}, 2, 2);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY},
                m.variance(new int[] {1}, false, 2).toDoubleArray());
        assertEquals(Double.POSITIVE_INFINITY, m.variance(new int[] {0, 1}, false, 5).item());
        // below N nothing changes: [1, 2] and [3, 5] have squared deviations 0.5 and 2
        assertArrayEquals(new double[] {0.5, 2}, m.variance(new int[] {1}, false, 1).toDoubleArray());
    }
}
