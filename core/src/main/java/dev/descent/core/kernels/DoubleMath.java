package dev.descent.core.kernels;

/**
 * The float64 elementary functions of the kernels over array ranges: the JDK's. {@link DoubleKernels} calls these by
 * this class's name, so its generated float32 twin calls {@link FloatMath}'s float32 approximations instead.
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
        for (int i = from; i < to; i++) out[i] = Math.tanh(x[i]);
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
