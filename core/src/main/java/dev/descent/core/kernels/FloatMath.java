package dev.descent.core.kernels;

/**
 * The float32 elementary functions of the kernels, computed in float32 with no call, table or branch, so a loop over
 * them is straight-line arithmetic the JIT inlines and unrolls (whether C2 also vectorises it depends on its support
 * for each operation, the float/int bit moves included; KernelBenchmark measures it): the generated float32 kernels
 * ({@code FloatKernels}) call these where the float64 ones call {@link DoubleMath}. Each function's maximum error
 * is in ulps of its float32 result, against the float64 function of the JDK rounded to float32, and is tested over
 * every 97th bit pattern of both signs up to where the function saturates, and every float32 of its overflow,
 * underflow and switch-over ranges ({@code FloatMathTest}). Measured maxima: exp 1 ulp, tanh 2 (near 0.552, where
 * it switches form), sigmoid within the asserted 2. Special values are those of {@link Math}: NaN gives NaN, and each function's limits at
 * ±0 and ±infinity hold exactly.
 */
final class FloatMath {
    private static final float LOG2E = 1.44269504f;
    // NOTE: ln 2 split in two (Cody and Waite): LN2_HI has 9 significant bits, so n * LN2_HI is exact for |n| < 2^15
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float32 of magnitude below 2^22 to an integer, in the low bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = 0x4B400000;

    private FloatMath() {
    }

    /**
     * {@code e^x}, at most 1 ulp from {@code (float) Math.exp(x)}; overflows to +infinity above
     * {@code ln(Float.MAX_VALUE)} and underflows through the subnormals to +0 below -103.98.
     *
     * <p>NOTE: {@code e^x = 2^n e^r} with {@code n = round(x / ln 2)} and {@code |r| <= ln(2)/2}; {@code e^r} is its
     * Taylor polynomial of degree 7 (truncation error below 6e-9 relative), and {@code 2^n} is built from its
     * exponent bits as two factors {@code 2^(n/2) 2^(n - n/2)}, each a normal float32 for every clamped {@code x},
     * so results near the overflow threshold and in the subnormal range are rounded once, by the last product.
     * Clamping {@code x} to {@code [-104, 89]} first keeps {@code n} in range and sends ±infinity to +0 and +infinity.
     */
    static float exp(float x) {
        float c = Math.min(Math.max(x, -104f), 89f);
        float t = c * LOG2E + ROUND;
        float n = t - ROUND;
        int k = Float.floatToRawIntBits(t) - ROUND_BITS; // n as an int (NaN gives garbage, and a NaN result anyway)
        float r = c - n * LN2_HI - n * LN2_LO;
        float q = 1f / 5040;
        q = q * r + 1f / 720;
        q = q * r + 1f / 120;
        q = q * r + 1f / 24;
        q = q * r + 1f / 6;
        q = q * r + 0.5f;
        float p = 1f + r + r * r * q;
        int h = k >> 1;
        return p * Float.intBitsToFloat((h + 127) << 23) * Float.intBitsToFloat((k - h + 127) << 23);
    }

    /**
     * {@code 1 / (1 + e^-x)}, at most 2 ulps from the float64 sigmoid rounded to float32; 1 at +infinity, +0 at
     * -infinity, 0.5 at ±0.
     *
     * <p>NOTE: with {@code e = e^-|x|}, which never overflows, sigmoid is {@code 1 / (1 + e)} for {@code x >= 0} and
     * {@code e / (1 + e)} below; the numerator is {@code max(e, positive(x))}, 1 for {@code x > 0} and {@code e}
     * otherwise (at 0, e is 1), which selects without a branch and propagates NaN.
     */
    static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        return Math.max(e, positive(x)) / (1f + e);
    }

    /**
     * {@code tanh(x)}, at most 2 ulps from {@code (float) Math.tanh(x)}; odd (so {@code tanh(-0) = -0}), ±1 at
     * ±infinity.
     *
     * <p>NOTE: with {@code a = |x|}: below 0.55 its Taylor series to {@code a^19} (truncation below 7e-10
     * relative there); above, {@code 1 - 2 / (e^(2a) + 1)}, which no longer cancels since {@code tanh(0.55) > 0.5}.
     * Both are computed, each on an argument clamped to its own range, and {@code w * large + (1 - w) * small}
     * with {@code w} 0 or 1 picks one exactly, without a branch.
     */
    static float tanh(float x) {
        float a = Math.abs(x);
        float s = Math.min(a, 0.55f), s2 = s * s;
        float p = -2.3912911e-4f;
        p = p * s2 + 5.9002744e-4f;
        p = p * s2 - 1.4558344e-3f;
        p = p * s2 + 3.5921280e-3f;
        p = p * s2 - 8.8632355e-3f;
        p = p * s2 + 2.1869489e-2f;
        p = p * s2 - 5.3968254e-2f;
        p = p * s2 + 1.3333334e-1f;
        p = p * s2 - 3.3333334e-1f;
        float small = s + s * s2 * p;
        float large = 1f - 2f / (exp(2f * Math.max(a, 0.55f)) + 1f);
        float w = positive(a - 0.55f);
        return Math.copySign(w * large + (1f - w) * small, x);
    }

    /** 1 for {@code x > 0}, 0 for {@code x <= 0}, NaN for NaN, without a branch (see DoubleKernels' positive). */
    private static float positive(float x) {
        return Math.min(1f, Math.max(0f, x * Float.MAX_VALUE * Float.MAX_VALUE));
    }
}
