package dev.descent.core.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DoubleMath's float64 tanh against {@code StrictMath.tanh} (fdlibm, within 1 ulp of the exact value): at most 2 ulps
 * over dense sweeps of every range it treats differently, odd everywhere, and the special values exactly.
 */
class DoubleMathTest {
    /** The error of DoubleMath.tanh at {@code x} in ulps of StrictMath's value, after checking oddness. */
    private static double ulps(double x) {
        double actual = DoubleMath.tanh(x), expected = StrictMath.tanh(x);
        assertEquals(Double.doubleToRawLongBits(-actual), Double.doubleToRawLongBits(DoubleMath.tanh(-x)),
                "tanh is odd at x = " + x);
        return Math.abs(actual - expected) / Math.ulp(expected);
    }

    @Test
    void withinTwoUlpsOfFdlibmOverDenseSweeps() {
        double worst = 0;
        // Uniform steps through the polynomial range, the switch at 0.8, the exp range and saturation at 22.
        for (double x = 0; x < 25; x += 1.0 / 65_536) worst = Math.max(worst, ulps(x));
        for (int i = -200_000; i <= 200_000; i++) worst = Math.max(worst, ulps(0.8 + i * 0x1p-40));
        // Every binade from 2^-40 to 2^5, 20,000 random values each; and values around 2^-28, where it returns x.
        SplittableRandom r = new SplittableRandom(7);
        for (int e = -40; e <= 5; e++) {
            for (int i = 0; i < 20_000; i++) worst = Math.max(worst, ulps(Math.scalb(1 + r.nextDouble(), e)));
        }
        for (int i = -1000; i <= 1000; i++) worst = Math.max(worst, ulps(0x1p-28 + i * 0x1p-80));
        assertTrue(worst <= 2, "worst error " + worst + " ulps");
    }

    @Test
    void specialValuesAreExact() {
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(DoubleMath.tanh(0.0)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(DoubleMath.tanh(-0.0)));
        assertEquals(Double.MIN_VALUE, DoubleMath.tanh(Double.MIN_VALUE));
        assertEquals(-Double.MIN_NORMAL / 3, DoubleMath.tanh(-Double.MIN_NORMAL / 3), "a subnormal is its own tanh");
        assertEquals(1.0, DoubleMath.tanh(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, DoubleMath.tanh(Double.NEGATIVE_INFINITY));
        assertEquals(1.0, DoubleMath.tanh(22));
        assertEquals(-1.0, DoubleMath.tanh(-Double.MAX_VALUE));
        assertTrue(Double.isNaN(DoubleMath.tanh(Double.NaN)));
        // Where fdlibm is exact, so is this: 1 from about 19.06 on, and x itself for tiny x.
        for (double x : new double[] {19.1, 21.9, 1e-9, -3e-12}) assertEquals(StrictMath.tanh(x), DoubleMath.tanh(x), "x = " + x);
    }

    @Test
    void theRangeKernelAppliesTheScalarFunction() {
        double[] x = {-30, -1.5, -0.8, -0.3, -0.0, 0.0, 1e-300, 0.79, 2, Double.NaN};
        double[] out = new double[x.length];
        DoubleMath.tanh(x, out, 1, x.length - 1);
        assertEquals(0.0, out[0], "outside the range is untouched");
        assertTrue(out[x.length - 1] == 0.0);
        for (int i = 1; i < x.length - 1; i++) {
            assertEquals(Double.doubleToRawLongBits(DoubleMath.tanh(x[i])), Double.doubleToRawLongBits(out[i]), "x = " + x[i]);
        }
    }
}
