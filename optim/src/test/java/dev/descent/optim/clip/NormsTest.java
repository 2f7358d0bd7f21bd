package dev.descent.optim.clip;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NormsTest {

    /** Every length up to 11 (the unrolled body and its tail), every position, NaN and both infinities. */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void firstNonFiniteFindsTheFirstBadElementAtEveryPosition(DType dt) {
        double[] bads = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int n = 0; n <= 11; n++) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) x[i] = (i % 3 - 1) * 1e30;   // large finite values, zeros included
            assertEquals(-1, Norms.firstNonFinite(tensor(dt, x)), "all finite, n=" + n);
            for (int at = 0; at < n; at++) {
                for (double bad : bads) {
                    double[] y = x.clone();
                    y[at] = bad;
                    if (at + 2 < n) y[at + 2] = Double.NaN;              // a later bad element does not win
                    assertEquals(at, Norms.firstNonFinite(tensor(dt, y)), "n=" + n + " at=" + at + " " + bad);
                }
            }
        }
    }

    private static Tensor tensor(DType dt, double[] x) {
        return Tensor.on(Backends.get(), dt).of(x, x.length);
    }
}
