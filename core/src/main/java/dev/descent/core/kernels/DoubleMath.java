package dev.descent.core.kernels;

/**
 * The float64 elementary functions of the kernels over array ranges: the JDK's, except {@link #tanh(double)}.
 * {@link DoubleKernels} calls these by this class's name, so its generated float32 twin calls {@link FloatMath}'s
 * float32 approximations instead.
 */
final class DoubleMath {
    private DoubleMath() {
    }

    /** {@code out[i] = exp(x[i])} for {@code from <= i < to} (the float32 twin runs FloatMath's chunked passes). */
    static void exp(double[] x, double[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = Math.exp(x[i]);
    }

    /** {@code out[i] = log(x[i])} for {@code from <= i < to}. */
    static void log(double[] x, double[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = Math.log(x[i]);
    }

    /** {@code out[i] = tanh(x[i])} for {@code from <= i < to}. */
    static void tanh(double[] x, double[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = tanh(x[i]);
    }

    /** Below it {@link #tanh(double)} evaluates its polynomial, from it {@code exp}. */
    private static final double TANH_POLYNOMIAL_BELOW = 0.8;

    /**
     * P's coefficients, highest degree first: the near-minimax polynomial of {@code (tanh(x)/x - 1)/x^2} in
     * {@code s = x^2} on {@code [0, 0.64]}, fitted in 50-digit arithmetic by {@code core/src/test/python/fit_tanh64.py}.
     */
    private static final double[] TANH_P = {
        -1.3800415905251386e-06, 9.14608915547252e-06, -3.3130460796039376e-05, 9.306274143371217e-05,
        -0.00023744185663961113, 0.0005895100692269659, -0.0014557244697594772, 0.0035921122606532682,
        -0.008863234068053824, 0.021869488455181583, -0.053968253965915154, 0.13333333333330671,
        -0.33333333333333326,
    };

    /**
     * {@code tanh(x)} within 1.5 ulps of the exact value (1.21 measured by the fitting script against 50-digit
     * values; {@code DoubleMathTest} holds it within 2 ulps of {@code StrictMath.tanh} over dense sweeps), against
     * the 2.5 ulps {@link Math#tanh} promises. Odd, so {@code tanh(-0) = -0}; {@code x} itself below {@code 2^-28}
     * (subnormals included); {@code ±1} from 22 and at the infinities; NaN for NaN.
     *
     * <p>NOTE: {@link Math#tanh} is fdlibm behind a native call on Java 17, about 17 ns a value: most of a small
     * tanh network's training step. Below 0.8 this is {@code x + x s P(s)} with {@code s = x^2} (13 multiply-adds);
     * from 0.8, {@code 1 - 2/(e^{2|x|} + 1)} on the JIT's {@code exp} intrinsic: there the result is at least 0.66
     * and the quotient at most 0.34, so the quotient's own error weighs about half an ulp of the result.
     */
    static double tanh(double x) {
        double a = Math.abs(x);
        if (!(a < 22)) return x != x ? x : Math.copySign(1.0, x);
        if (a < 0x1p-28) return x;
        if (a < TANH_POLYNOMIAL_BELOW) {
            double s = x * x;
            double p = TANH_P[0];
            for (int k = 1; k < TANH_P.length; k++) p = p * s + TANH_P[k];
            return x + x * (s * p);
        }
        return Math.copySign(1 - 2 / (Math.exp(2 * a) + 1), x);
    }

    /** {@code out[i] = sigmoid(x[i])} for {@code from <= i < to}. */
    static void sigmoid(double[] x, double[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = sigmoid(x[i]);
    }

    /**
     * {@code 1 / (1 + e^-x)}.
     *
     * <p>NOTE: {@code exp(-|x|)} never overflows; for {@code x < 0}, sigmoid is {@code e / (1 + e)} with
     * {@code e = exp(x)}.
     */
    static double sigmoid(double x) {
        double e = Math.exp(-Math.abs(x));
        return x >= 0 ? 1 / (1 + e) : e / (1 + e);
    }
}
