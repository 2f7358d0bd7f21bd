package dev.descent.core.kernels;

import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FloatMath's float32 functions against the JDK's float64 ones rounded to float32: the error in ulps of the
 * float32 result over every 97th bit pattern of both signs up to where the function saturates (sparser beyond),
 * over every float32 of the ranges where results overflow or turn subnormal, and the special values exactly.
 */
class FloatMathTest {
    private interface FloatFunction {
        float apply(float x);
    }

    /** The largest error in ulps of {@code f} against {@code reference} rounded to float32, over {@code [fromBits, toBits)} by {@code step}. */
    private static double worstUlps(FloatFunction f, DoubleUnaryOperator reference, int fromBits, int toBits, int step) {
        double worst = 0;
        for (long b = fromBits; b < toBits; b += step) {
            float x = Float.intBitsToFloat((int) b);
            float expected = (float) reference.applyAsDouble(x), actual = f.apply(x);
            if (Float.isNaN(expected) || Float.isNaN(actual)) {
                assertEquals(Float.isNaN(expected), Float.isNaN(actual), "NaN for x = " + x + ": expected " + expected + ", got " + actual);
                continue;
            }
            if (expected == actual) continue;
            assertTrue(!Float.isInfinite(expected) && !Float.isInfinite(actual),
                    "x = " + x + ": expected " + expected + ", got " + actual);
            worst = Math.max(worst, Math.abs((double) actual - expected) / Math.ulp(expected));
        }
        return worst;
    }

    /**
     * Every 97th bit pattern of both signs up to magnitude {@code limit}, beyond which the function saturates (its
     * float32 result is constant or rounds to 0 or infinity), and every 9,973rd beyond, NaNs and infinities
     * included.
     */
    private static double sweep(FloatFunction f, DoubleUnaryOperator reference, float limit) {
        int top = Float.floatToRawIntBits(limit);
        double worst = 0;
        for (int sign : new int[] {0, 0x80000000}) {
            worst = Math.max(worst, worstUlps(f, reference, sign, sign + top, 97));
            worst = Math.max(worst, worstUlps(f, reference, sign + top, sign + 0x7FFFFFFF, 9_973));
        }
        return worst;
    }

    private static int bits(float x) {
        return Float.floatToRawIntBits(x);
    }

    @Test
    void expIsWithinOneUlpEverywhere() {
        assertTrue(sweep(FloatMath::exp, Math::exp, 105f) <= 1, "every 97th bit pattern");
        // every float32 where e^x overflows or is near it, and where it is subnormal or rounds to 0
        assertTrue(worstUlps(FloatMath::exp, Math::exp, bits(80f), bits(90f), 1) <= 1, "[80, 90)");
        assertTrue(worstUlps(FloatMath::exp, Math::exp, bits(-86f), bits(-106f), 1) <= 1, "(-106, -86]");
    }

    @Test
    void expSpecialValues() {
        assertEquals(1f, FloatMath.exp(0f));
        assertEquals(1f, FloatMath.exp(-0f));
        assertEquals(Float.POSITIVE_INFINITY, FloatMath.exp(Float.POSITIVE_INFINITY));
        assertEquals(0f, FloatMath.exp(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, FloatMath.exp(88.73f));
        assertEquals((float) Math.exp(88.72f), FloatMath.exp(88.72f), Math.ulp(Float.MAX_VALUE));
        assertEquals(Float.MIN_VALUE, FloatMath.exp(-103.9f));
        assertEquals(0f, FloatMath.exp(-104f));
        assertTrue(Float.isNaN(FloatMath.exp(Float.NaN)));
        assertEquals((float) Math.E, FloatMath.exp(1f), Math.ulp((float) Math.E));
    }

    @Test
    void tanhIsWithinTwoUlpsEverywhere() {
        assertTrue(sweep(FloatMath::tanh, Math::tanh, 10f) <= 2, "every 97th bit pattern");
        // every float32 around the switch between the two forms, at 0.55
        assertTrue(worstUlps(FloatMath::tanh, Math::tanh, bits(0.5f), bits(0.6f), 1) <= 2, "[0.5, 0.6)");
    }

    @Test
    void tanhSpecialValues() {
        assertEquals(0f, FloatMath.tanh(0f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(FloatMath.tanh(-0f)));
        assertEquals(1f, FloatMath.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, FloatMath.tanh(Float.NEGATIVE_INFINITY));
        assertEquals(1f, FloatMath.tanh(50f));
        assertEquals(Float.MIN_VALUE, FloatMath.tanh(Float.MIN_VALUE));
        assertTrue(Float.isNaN(FloatMath.tanh(Float.NaN)));
    }

    private static double sigmoid64(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void sigmoidIsWithinTwoUlpsEverywhere() {
        assertTrue(sweep(FloatMath::sigmoid, FloatMathTest::sigmoid64, 105f) <= 2, "every 97th bit pattern");
        assertTrue(worstUlps(FloatMath::sigmoid, FloatMathTest::sigmoid64, bits(-86f), bits(-106f), 1) <= 2, "(-106, -86]");
    }

    @Test
    void sigmoidSpecialValues() {
        assertEquals(0.5f, FloatMath.sigmoid(0f));
        assertEquals(0.5f, FloatMath.sigmoid(-0f));
        assertEquals(1f, FloatMath.sigmoid(Float.POSITIVE_INFINITY));
        assertEquals(0f, FloatMath.sigmoid(Float.NEGATIVE_INFINITY));
        assertEquals(1f, FloatMath.sigmoid(20f));
        assertEquals(Float.MIN_VALUE, FloatMath.sigmoid(-103.9f));
        assertTrue(Float.isNaN(FloatMath.sigmoid(Float.NaN)));
    }
}
