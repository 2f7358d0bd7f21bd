package dev.descent.core.kernels;

import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;
import java.util.stream.LongStream;

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

    private static final int CHUNKS = 64;

    /**
     * The largest error in ulps of {@code f} against {@code reference} rounded to float32, over {@code [fromBits, toBits)} by {@code step}:
     * every one of those bit patterns, in {@value #CHUNKS} chunks on the common pool's threads (the functions are pure).
     */
    private static double worstUlps(FloatFunction f, DoubleUnaryOperator reference, int fromBits, int toBits, int step) {
        long count = Math.max(0, ((long) toBits - fromBits + step - 1) / step);
        return LongStream.range(0, CHUNKS).parallel().mapToDouble(c -> worstUlps(f, reference,
                fromBits + count * c / CHUNKS * step, fromBits + count * (c + 1) / CHUNKS * step, step)).max().orElse(0);
    }

    /** {@link #worstUlps(FloatFunction, DoubleUnaryOperator, int, int, int)} over {@code [from, to)} on this thread. */
    private static double worstUlps(FloatFunction f, DoubleUnaryOperator reference, long from, long to, int step) {
        double worst = 0;
        for (long b = from; b < to; b += step) {
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

    @Test
    void logIsWithinOneUlpEverywhere() {
        // every 7th positive bit pattern, subnormals, +infinity and NaNs included (all of them: at most 1 ulp)
        assertTrue(worstUlps(FloatMath::log, Math::log, 0, 0x7FFFFFFF, 7) <= 1, "every 7th positive bit pattern");
        // every float32 around 1, where the result is small, and through the subnormals' top and the first normals
        assertTrue(worstUlps(FloatMath::log, Math::log, bits(0.7f), bits(1.42f), 1) <= 1, "[0.7, 1.42)");
        assertTrue(worstUlps(FloatMath::log, Math::log, bits(Float.MIN_NORMAL) - 100_000, bits(Float.MIN_NORMAL) + 100_000, 1) <= 1,
                "around MIN_NORMAL");
        // every subnormal (their exponent comes from x * 2^23), and every float32 of a binade far from 1 either side
        assertTrue(worstUlps(FloatMath::log, Math::log, 1, bits(Float.MIN_NORMAL), 1) <= 1, "every subnormal");
        assertTrue(worstUlps(FloatMath::log, Math::log, bits(1e-20f), bits(2e-20f), 1) <= 1, "[1e-20, 2e-20)");
        assertTrue(worstUlps(FloatMath::log, Math::log, bits(3e30f), bits(6e30f), 1) <= 1, "[3e30, 6e30)");
        // negative inputs: NaN, every 9,973rd bit pattern and every negative subnormal
        assertEquals(0, worstUlps(FloatMath::log, Math::log, 0x80000001, 0xFFFFFFFF, 9_973));
        assertEquals(0, worstUlps(FloatMath::log, Math::log, 0x80000001, 0x80800000, 1));
    }

    @Test
    void logSpecialValues() {
        assertEquals(Float.NEGATIVE_INFINITY, FloatMath.log(0f));
        assertEquals(Float.NEGATIVE_INFINITY, FloatMath.log(-0f));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(FloatMath.log(1f)));
        assertEquals(Float.POSITIVE_INFINITY, FloatMath.log(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(FloatMath.log(Float.NEGATIVE_INFINITY)));
        assertTrue(Float.isNaN(FloatMath.log(-1f)));
        assertTrue(Float.isNaN(FloatMath.log(-Float.MIN_VALUE)));
        assertTrue(Float.isNaN(FloatMath.log(Float.NaN)));
        assertTrue(Float.isNaN(FloatMath.log(Float.intBitsToFloat(0xFFC00000)))); // a NaN with its sign bit set
        assertTrue(Float.isNaN(FloatMath.log(-Float.MAX_VALUE)));
        assertEquals((float) Math.log(Float.MIN_VALUE), FloatMath.log(Float.MIN_VALUE));
        assertEquals((float) Math.log(Float.MAX_VALUE), FloatMath.log(Float.MAX_VALUE));
        assertEquals((float) Math.log(Float.MIN_NORMAL), FloatMath.log(Float.MIN_NORMAL));
        assertEquals(1f, FloatMath.log((float) Math.E), Math.ulp(1f));
    }

    private interface ArrayForm {
        void apply(float[] x, float[] out, int from, int to);
    }

    /** Inputs for the array forms: special values, then bit patterns spread over every sign and exponent. */
    private static float[] arrayInputs(int n) {
        float[] specials = {0f, -0f, 1f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 0.55f, -0.55f,
            88.72f, 89f, -103.9f, -104f, 20f};
        float[] x = new float[n];
        System.arraycopy(specials, 0, x, 0, specials.length);
        for (int i = specials.length; i < n; i++) x[i] = Float.intBitsToFloat((int) (i * 2_654_435_761L));
        return x;
    }

    private static void assertArrayFormEqualsScalar(String name, ArrayForm array, FloatFunction scalar) {
        // several chunks and a partial one, at an offset, into another array and in place
        int n = 3 * FloatMath.CHUNK + 77, from = 5, to = n - 3;
        float[] x = arrayInputs(n), out = new float[n], inPlace = x.clone();
        array.apply(x, out, from, to);
        array.apply(inPlace, inPlace, from, to);
        for (int i = 0; i < n; i++) {
            float expected = i >= from && i < to ? scalar.apply(x[i]) : (inPlace == x ? 0 : x[i]);
            if (i >= from && i < to) {
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(out[i]), name + " of " + x[i] + " at " + i);
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(inPlace[i]), name + " in place at " + i);
            } else {
                assertEquals(0f, out[i], name + " wrote outside its range at " + i);
                assertEquals(Float.floatToIntBits(x[i]), Float.floatToIntBits(inPlace[i]), name + " changed " + i);
            }
        }
    }

    @Test
    void arrayFormsEqualTheScalarFunctionsBitForBit() {
        assertTrue(Lanes.fast(), "the bit moves use the memory copy");
        assertArrayFormEqualsScalar("exp", FloatMath::exp, FloatMath::exp);
        assertArrayFormEqualsScalar("log", FloatMath::log, FloatMath::log);
        assertArrayFormEqualsScalar("tanh", FloatMath::tanh, FloatMath::tanh);
        assertArrayFormEqualsScalar("sigmoid", FloatMath::sigmoid, FloatMath::sigmoid);
    }

    @Test
    void laneMovesKeepBitPatterns() {
        float[] x = arrayInputs(300), back = new float[300];
        int[] bits = new int[300];
        Lanes.bits(x, bits, 300);
        for (int i = 0; i < 300; i++) assertEquals(Float.floatToRawIntBits(x[i]), bits[i]);
        Lanes.floats(bits, back, 300);
        for (int i = 0; i < 300; i++) assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(back[i]));
        org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class, () -> Lanes.bits(x, new int[2], 3));
    }
}
