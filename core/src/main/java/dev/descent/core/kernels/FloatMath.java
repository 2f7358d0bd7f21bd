package dev.descent.core.kernels;

/**
 * The float32 elementary functions of the kernels, computed in float32 with no call, table or branch, so a loop over
 * them is straight-line arithmetic the JIT inlines and unrolls (whether C2 also vectorises it depends on its support
 * for each operation, the float/int bit moves included; KernelBenchmark measures it): the generated float32 kernels
 * ({@code FloatKernels}) call these where the float64 ones call {@link DoubleMath}. Each function's maximum error
 * is in ulps of its float32 result, against the float64 function of the JDK rounded to float32, and is tested over
 * every 97th bit pattern of both signs up to where the function saturates, and every float32 of its overflow,
 * underflow and switch-over ranges ({@code FloatMathTest}). Measured maxima: exp 1 ulp, tanh 2 (near 0.552, where
 * it switches form), sigmoid within the asserted 2, log 1 (over every positive float32, subnormals included, checked
 * once exhaustively; the test sweeps every 7th bit pattern). Special values are those of {@link Math}: NaN gives NaN,
 * and each function's limits at ±0 and ±infinity hold exactly.
 *
 * <p><b>Array forms.</b> C2 in Java 17 vectorises neither {@code Float.floatToRawIntBits} nor
 * {@code Float.intBitsToFloat} (nor int/float conversions), and it vectorises a loop only when every array in it is
 * indexed with the same offset. The array forms ({@link #exp(float[], float[], int, int)} and its siblings) therefore
 * run a chunk of {@value #CHUNK} elements at a time through scratch arrays at offset 0, in passes that are pure float
 * or pure int arithmetic, and move bit patterns between the float and the int arrays with a memory copy
 * ({@link Lanes}). Each pass computes exactly the operations of the scalar function in the same order, so the array
 * forms equal the scalar ones bit for bit (tested) and inherit their error bounds.
 */
final class FloatMath {
    private static final float LOG2E = 1.44269504f;
    // NOTE: ln 2 split in two (Cody and Waite): LN2_HI has 9 significant bits, so n * LN2_HI is exact for |n| < 2^15
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float32 of magnitude below 2^22 to an integer, in the low bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = 0x4B400000;

    /** Elements per chunk of an array form: its seven scratch arrays (28 KiB) stay in the L1 and L2 caches. */
    static final int CHUNK = 1024;

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
        int k = Float.floatToRawIntBits(t) - ROUND_BITS; // n as an int (NaN gives garbage, and a NaN result anyway)
        int h = k >> 1;
        return expFinish(c, t, Float.intBitsToFloat((h + 127) << 23), Float.intBitsToFloat((k - h + 127) << 23));
    }

    /** {@code e^r 2^n} for the clamped {@code c}, {@code t = n + ROUND} and the two factors of {@code 2^n}. */
    private static float expFinish(float c, float t, float scale1, float scale2) {
        float n = t - ROUND;
        float r = c - n * LN2_HI - n * LN2_LO;
        float q = 1f / 5040;
        q = q * r + 1f / 720;
        q = q * r + 1f / 120;
        q = q * r + 1f / 24;
        q = q * r + 1f / 6;
        q = q * r + 0.5f;
        float p = 1f + r + r * r * q;
        return p * scale1 * scale2;
    }

    /**
     * {@code 1 / (1 + e^-x)}, at most 2 ulps from the float64 sigmoid rounded to float32; 1 at +infinity, +0 at
     * -infinity, 0.5 at ±0.
     *
     * <p>NOTE: with {@code e = e^-|x|}, which never overflows, sigmoid is {@code 1 / (1 + e)} for {@code x >= 0} and
     * {@code e / (1 + e)} below; the numerator is {@code e (1 - w) + w}, exactly 1 for {@code w = 1} and {@code e}
     * for {@code w = 0}, where {@code w} is 1 when the bits of {@code x} are those of a number above +0 (at ±0, e is
     * 1 anyway): a select without a branch or a float min/max, which propagates NaN.
     */
    static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        float w = Float.intBitsToFloat(positiveBits(Float.floatToRawIntBits(x)));
        return (e * (1f - w) + w) / (1f + e);
    }

    /** The bits of 1f when {@code u}, as a signed int, is above 0 (x above +0, or a positive NaN); else of +0. */
    private static int positiveBits(int u) {
        return (-u >> 31) & ~(u >> 31) & 0x3F800000;
    }

    /**
     * {@code tanh(x)}, at most 2 ulps from {@code (float) Math.tanh(x)}; odd (so {@code tanh(-0) = -0}), ±1 at
     * ±infinity.
     *
     * <p>NOTE: with {@code a = |x|}: below 0.55 its Taylor series to {@code a^19} (truncation below 7e-10
     * relative there); above, {@code 1 - 2 / (e^(2a) + 1)}, which no longer cancels since {@code tanh(0.55) > 0.5}.
     * Both are computed, each on an argument clamped to its own range, and {@code w * large + (1 - w) * small}
     * with {@code w} 0 or 1 picks one exactly, without a branch. The sign is restored by a product with
     * {@link #sign(float)} (what {@code Math.copySign} gives, which C2 does not vectorise).
     */
    static float tanh(float x) {
        float a = Math.abs(x);
        float large = 1f - 2f / (exp(2f * Math.max(a, 0.55f)) + 1f);
        return tanhFinish(x, large, tanhSmall(a));
    }

    /** The Taylor series of {@link #tanh} for {@code |x| = a}, on {@code a} clamped to 0.55. */
    private static float tanhSmall(float a) {
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
        return s + s * s2 * p;
    }

    private static float tanhFinish(float x, float large, float small) {
        float w = positive(Math.abs(x) - 0.55f);
        return (w * large + (1f - w) * small) * sign(x);
    }

    /**
     * -1 when the sign bit of {@code x} is set (-0 and -infinity included), 1 otherwise, NaN for NaN: {@code -x}
     * is positive for every negative {@code x} but -0, and {@code -1 / x} is positive for -0 (and every finite
     * negative), so their maximum tells the sign bit with float arithmetic alone.
     */
    private static float sign(float x) {
        return 1f - 2f * Math.max(positive(-x), positive(-1f / x));
    }

    /**
     * {@code ln x}, at most 1 ulp from {@code (float) Math.log(x)} for every positive float32, subnormals included;
     * -infinity at ±0, NaN below 0 (and at -infinity), +infinity at +infinity, exactly 0 at 1.
     *
     * <p>NOTE: {@code x = 2^e m} with {@code m} in {@code [sqrt(1/2), sqrt(2))}, found by adding
     * {@code 1 - sqrt(1/2)}'s bit offset to {@code x}'s bits so that the exponent field carries over exactly when
     * {@code m} would pass {@code sqrt(2)}; a subnormal {@code x} uses the bits of {@code x 2^23} instead (a normal
     * number) and 23 less in its exponent. With {@code f = m - 1} (exact), {@code ln m = f - f^2/2 + f^3 P(f)}, where
     * {@code P} is a polynomial of degree 7 fitted to minimise the relative error of {@code ln(1 + f)} over
     * {@code f} in {@code [sqrt(1/2) - 1, sqrt(2) - 1]} (below 6e-9, a tenth of a float32 ulp; the fit is
     * {@code core/src/test/python/fit_log_polynomial.py}), and {@code ln x = e ln2_hi + (ln m + e ln2_lo)} with
     * {@code e ln2_hi} exact.
     * There is no division and no table. The special values come from the bits of {@code x}: an integer formula
     * gives +0 for a positive finite {@code x}, -infinity at ±0, +infinity at +infinity and NaN for a NaN or a
     * negative {@code x}, and adding it to the finite result of the polynomial gives the answer.
     */
    static float log(float x) {
        int u = Float.floatToRawIntBits(x), tiny = tiny(u);
        int b = logBits(u, Float.floatToRawIntBits(x * TWO_23), tiny);
        return logFinish(Float.intBitsToFloat(logExponentBits(b, tiny)), Float.intBitsToFloat(logMantissaBits(b)),
                Float.intBitsToFloat(logSpecialBits(u)));
    }

    private static final float TWO_23 = 8388608f;
    private static final int SQRT_HALF_BITS = 0x3F3504F3;
    private static final int SQRT_HALF_SHIFT = 0x3F800000 - SQRT_HALF_BITS;
    private static final int MANTISSA = 0x007FFFFF;
    private static final int MAGNITUDE = 0x7FFFFFFF;
    private static final int INFINITY_BITS = 0x7F800000;
    // P(f) = C0 + C1 f + ... + C7 f^7, so that ln(1 + f) = f - f^2/2 + f^3 P(f) (fit_log_polynomial.py)
    private static final float C0 = 0.3333333f, C1 = -0.25000823f, C2 = 0.20001227f, C3 = -0.16623357f;
    private static final float C4 = 0.14201762f, C5 = -0.13160194f, C6 = 0.1276155f, C7 = -0.0763443f;

    /** -1 (all bits set) when the float32 of bits {@code u} is ±0 or subnormal, else 0. */
    private static int tiny(int u) {
        return ((u & MAGNITUDE) - 0x00800000) >> 31;
    }

    /**
     * The bits of {@code x} (bits {@code u}), or of {@code x 2^23} (bits {@code w}) when {@code x} is subnormal
     * ({@code tiny} is -1), plus the offset that puts {@code m} in {@code [sqrt(1/2), sqrt(2))}.
     */
    private static int logBits(int u, int w, int tiny) {
        return (u ^ ((u ^ w) & tiny)) + SQRT_HALF_SHIFT;
    }

    /** The bits of the float32 {@code ROUND + e} (exact, since ROUND's ulp is 1): e as a float without a conversion. */
    private static int logExponentBits(int b, int tiny) {
        return ROUND_BITS - 127 + (b >> 23) - (tiny & 23);
    }

    /** The bits of {@code m}. */
    private static int logMantissaBits(int b) {
        return (b & MANTISSA) + SQRT_HALF_BITS;
    }

    /**
     * The bits of the float32 added to the polynomial's finite result: +0 for a positive finite {@code x} (bits
     * {@code u}), -infinity at ±0, +infinity at +infinity, NaN for a negative {@code x} (-infinity included) or a NaN.
     */
    private static int logSpecialBits(int u) {
        int mag = u & MAGNITUDE, sign = u >>> 31;
        int zero = (mag - 1) >>> 31;                        // ±0
        int nan = (INFINITY_BITS - mag) >>> 31;             // a NaN of either sign
        int infinite = ((mag ^ INFINITY_BITS) - 1) >>> 31;  // ±infinity
        int negative = sign & (1 - zero);                   // below 0
        int posInf = infinite & (1 - sign);
        return (-zero & 0xFF800000) | (-posInf & INFINITY_BITS) | (-(nan | negative) & 0x7FC00000);
    }

    /** {@code e ln 2 + ln m + special} for {@code eRounded = ROUND + e}, {@code m} in {@code [sqrt(1/2), sqrt(2))}. */
    private static float logFinish(float eRounded, float m, float special) {
        float e = eRounded - ROUND;
        float f = m - 1f, z = f * f;
        float p = C7;
        p = p * f + C6;
        p = p * f + C5;
        p = p * f + C4;
        p = p * f + C3;
        p = p * f + C2;
        p = p * f + C1;
        p = p * f + C0;
        return e * LN2_HI + ((f - 0.5f * z + z * f * p) + e * LN2_LO) + special;
    }

    // ---------------------------------------------------------------- array forms

    /** {@code out[i] = exp(x[i])} for {@code from <= i < to}; {@code out} may be {@code x}. */
    static void exp(float[] x, float[] out, int from, int to) {
        Scratch s = Scratch.get();
        for (int c = from; c < to; c += CHUNK) {
            int n = Math.min(CHUNK, to - c);
            System.arraycopy(x, c, s.v, 0, n);
            exp(s, n);
            System.arraycopy(s.v, 0, out, c, n);
        }
    }

    /** {@code s.v[i] = exp(s.v[i])} for {@code i < n}: {@link #exp(float)} split into passes. */
    private static void exp(Scratch s, int n) {
        float[] v = s.v, t = s.t;
        for (int i = 0; i < n; i++) {
            float c = Math.min(Math.max(v[i], -104f), 89f);
            v[i] = c;
            t[i] = c * LOG2E + ROUND;
        }
        expClamped(s, n);
    }

    /** {@link #exp(Scratch, int)} after its first pass: {@code s.v} holds the clamped c, {@code s.t} c/ln 2 + ROUND. */
    private static void expClamped(Scratch s, int n) {
        float[] v = s.v, t = s.t, f1 = s.f1, f2 = s.f2;
        int[] bits = s.i0, k1 = s.i1, k2 = s.i2;
        Lanes.bits(t, bits, n);
        for (int i = 0; i < n; i++) {
            int k = bits[i] - ROUND_BITS, h = k >> 1;
            k1[i] = (h + 127) << 23;
            k2[i] = (k - h + 127) << 23;
        }
        Lanes.floats(k1, f1, n);
        Lanes.floats(k2, f2, n);
        for (int i = 0; i < n; i++) v[i] = expFinish(v[i], t[i], f1[i], f2[i]);
    }

    /** {@code out[i] = sigmoid(x[i])} for {@code from <= i < to}; {@code out} may be {@code x}. */
    static void sigmoid(float[] x, float[] out, int from, int to) {
        Scratch s = Scratch.get();
        float[] x0 = s.x0, v = s.v, t = s.t;
        int[] u = s.i0;
        for (int c = from; c < to; c += CHUNK) {
            int n = Math.min(CHUNK, to - c);
            System.arraycopy(x, c, x0, 0, n);
            for (int i = 0; i < n; i++) {
                float a = Math.max(-Math.abs(x0[i]), -104f); // exp's clamp, whose upper bound cannot bind here
                v[i] = a;
                t[i] = a * LOG2E + ROUND;
            }
            expClamped(s, n);
            Lanes.bits(x0, u, n);
            for (int i = 0; i < n; i++) u[i] = positiveBits(u[i]);
            Lanes.floats(u, t, n);
            for (int i = 0; i < n; i++) v[i] = (v[i] * (1f - t[i]) + t[i]) / (1f + v[i]);
            System.arraycopy(v, 0, out, c, n);
        }
    }

    /** {@code out[i] = tanh(x[i])} for {@code from <= i < to}; {@code out} may be {@code x}. */
    static void tanh(float[] x, float[] out, int from, int to) {
        Scratch s = Scratch.get();
        float[] x0 = s.x0, v = s.v, t = s.t;
        for (int c = from; c < to; c += CHUNK) {
            int n = Math.min(CHUNK, to - c);
            System.arraycopy(x, c, x0, 0, n);
            for (int i = 0; i < n; i++) v[i] = 2f * Math.max(Math.abs(x0[i]), 0.55f);
            exp(s, n);
            for (int i = 0; i < n; i++) v[i] = 1f - 2f / (v[i] + 1f);
            for (int i = 0; i < n; i++) t[i] = tanhSmall(Math.abs(x0[i]));
            for (int i = 0; i < n; i++) v[i] = tanhFinish(x0[i], v[i], t[i]);
            System.arraycopy(v, 0, out, c, n);
        }
    }

    /** {@code out[i] = log(x[i])} for {@code from <= i < to}; {@code out} may be {@code x}. */
    static void log(float[] x, float[] out, int from, int to) {
        Scratch s = Scratch.get();
        float[] x0 = s.x0, t = s.t, f1 = s.f1, f2 = s.f2, v = s.v;
        int[] u = s.i0, w = s.i1, k = s.i2;
        for (int c = from; c < to; c += CHUNK) {
            int n = Math.min(CHUNK, to - c);
            System.arraycopy(x, c, x0, 0, n);
            for (int i = 0; i < n; i++) t[i] = x0[i] * TWO_23;
            Lanes.bits(x0, u, n);
            Lanes.bits(t, w, n);
            for (int i = 0; i < n; i++) {
                int tiny = tiny(u[i]), b = logBits(u[i], w[i], tiny);
                w[i] = logExponentBits(b, tiny);
                k[i] = logMantissaBits(b);
                u[i] = logSpecialBits(u[i]);
            }
            Lanes.floats(w, f1, n);
            Lanes.floats(k, f2, n);
            Lanes.floats(u, t, n);
            for (int i = 0; i < n; i++) v[i] = logFinish(f1[i], f2[i], t[i]);
            System.arraycopy(v, 0, out, c, n);
        }
    }

    /** One thread's scratch arrays for the array forms, {@value #CHUNK} elements each. */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> OF_THREAD = ThreadLocal.withInitial(Scratch::new);
        final float[] x0 = new float[CHUNK], v = new float[CHUNK], t = new float[CHUNK];
        final float[] f1 = new float[CHUNK], f2 = new float[CHUNK];
        final int[] i0 = new int[CHUNK], i1 = new int[CHUNK], i2 = new int[CHUNK];

        static Scratch get() {
            return OF_THREAD.get();
        }
    }

    /** 1 for {@code x > 0}, 0 for {@code x <= 0}, NaN for NaN, without a branch (see DoubleKernels' positive). */
    private static float positive(float x) {
        return Math.min(1f, Math.max(0f, x * Float.MAX_VALUE * Float.MAX_VALUE));
    }
}
