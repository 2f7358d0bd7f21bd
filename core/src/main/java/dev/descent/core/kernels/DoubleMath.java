package dev.descent.core.kernels;

/**
 * The float64 elementary functions of the kernels: the JDK's. {@link DoubleKernels} calls these by this class's
 * name, so its generated float32 twin calls {@link FloatMath}'s float32 approximations instead.
 */
final class DoubleMath {
    private DoubleMath() {
    }

    /** {@link Math#exp}. */
    static double exp(double x) {
        return Math.exp(x);
    }

    /** {@link Math#tanh}. */
    static double tanh(double x) {
        return Math.tanh(x);
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
