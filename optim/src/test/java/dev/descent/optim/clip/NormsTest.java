package dev.descent.optim.clip;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * A float32 tensor's norms are taken in float64 without a float64 copy: they equal, to float64 rounding, the
     * norms of the same values widened (sum in exact rational arithmetic below), for lengths around the accumulator
     * count and large ones; NaN and infinities propagate as before.
     */
    @org.junit.jupiter.api.Test
    void float32NormsAreReducedInFloat64() {
        java.util.Random rng = new java.util.Random(7);
        for (int n : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 1000, 65537}) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) f[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(9) - 4));
            Tensor t = Tensor.on(Backends.get(), DType.FLOAT32).of(f, n);
            java.math.BigDecimal squares = java.math.BigDecimal.ZERO, abs = java.math.BigDecimal.ZERO;
            double max = 0;
            for (float v : f) {
                java.math.BigDecimal b = new java.math.BigDecimal((double) v);
                squares = squares.add(b.multiply(b));
                abs = abs.add(b.abs());
                max = Math.max(max, Math.abs((double) v));
            }
            double two = Math.sqrt(squares.doubleValue()), one = abs.doubleValue();
            assertEquals(two, Norms.norm(t, 2), 1e-13 * two, "2-norm, n=" + n);
            assertEquals(one, Norms.norm(t, 1), 1e-13 * one, "1-norm, n=" + n);
            assertEquals(max, Norms.norm(t, Double.POSITIVE_INFINITY), "inf-norm, n=" + n);
            Tensor wide = t.to(DType.FLOAT64);
            assertEquals(Norms.norm(wide, 3), Norms.norm(t, 3), 1e-13 * Norms.norm(wide, 3), "3-norm, n=" + n);
            // beyond float32's range: the squares of large float32 values do not overflow in float64
            float[] big = {3e38f, -3e38f};
            assertEquals(Math.sqrt(2) * (double) 3e38f, Norms.norm(Tensor.on(Backends.get(), DType.FLOAT32).of(big, 2), 2),
                    1e-15 * 3e38 * Math.sqrt(2));
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                float[] g = f.clone();
                g[n / 2] = bad;
                Tensor b = Tensor.on(Backends.get(), DType.FLOAT32).of(g, n);
                for (double p : new double[] {1, 2, 3, Double.POSITIVE_INFINITY}) {
                    double got = Norms.norm(b, p);
                    if (Float.isNaN(bad)) assertTrue(Double.isNaN(got), "NaN, p=" + p + ", n=" + n);
                    else assertEquals(Double.POSITIVE_INFINITY, got, "infinity, p=" + p + ", n=" + n);
                }
            }
        }
    }

    private static Tensor tensor(DType dt, double[] x) {
        return Tensor.on(Backends.get(), dt).of(x, x.length);
    }
}
