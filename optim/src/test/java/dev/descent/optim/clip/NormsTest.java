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

    /** Sizes that sum in columns (512, 16 and 2 of them) and one that sums at once; finite values whose sum overflows. */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void firstNonFiniteFindsTheBadElementOfLargeGradients(DType dt) {
        double big = dt == DType.FLOAT32 ? 3e38 : 1.7e308;
        for (int n : new int[] {4096, 5120, 4112, 4098, 4097}) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) x[i] = i % 5 == 0 ? big : (i % 3 - 1) * 0.5;
            assertEquals(-1, Norms.firstNonFinite(tensor(dt, x)), "all finite, n=" + n);
            for (int at : new int[] {0, 1, 511, 512, n / 2, n - 1}) {
                double[] y = x.clone();
                y[at] = at % 2 == 0 ? Double.NaN : Double.NEGATIVE_INFINITY;
                if (at + 1 < n) y[at + 1] = Double.POSITIVE_INFINITY;
                assertEquals(at, Norms.firstNonFinite(tensor(dt, y)), "n=" + n + " at=" + at);
            }
        }
    }

    private static Tensor tensor(DType dt, double[] x) {
        return Tensor.on(Backends.get(), dt).of(x, x.length);
    }
}
