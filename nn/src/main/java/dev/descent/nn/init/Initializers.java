package dev.descent.nn.init;

import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;

/**
 * Weight initialisers with {@code torch.nn.init}'s formulas and defaults, plus the lecture's uniform scheme, LeCun's
 * and PyTorch's {@code nn.Linear} default. Each is given the shape, the fans and the {@link Rng} explicitly; values
 * are drawn in float64 and converted to the factory's dtype, so one seed gives bit-identical tensors on every backend.
 *
 * <pre>{@code
 * Rng rng = new Rng(42);
 * TensorFactory f = Tensor.on(backend, DType.FLOAT32);
 * Tensor w = Initializers.kaimingNormal(FanMode.FAN_IN, Nonlinearity.RELU)
 *         .initialize(f, Shape.of(784, 128), 784, 128, rng);           // N(0, 2/784)
 * Tensor v = Initializers.xavierUniform(Initializers.calculateGain("tanh"))
 *         .initialize(f, Shape.of(128, 10), 128, 10, rng);
 * }</pre>
 *
 * <p>Weights are stored {@code (fan_in, fan_out)} (a layer computes {@code x·W + b}), but no initialiser reads the
 * fans off the shape: the caller passes them, so a bias of shape {@code (out)} gets its layer's fans. Arguments are
 * checked when an initialiser is created, fans and tensors when it runs; every failure is an
 * {@link IllegalArgumentException} naming the initialiser, the expected and the actual value.
 */
public final class Initializers {
    private Initializers() {
    }

    /** {@code W = 0}. Every unit of a layer then computes the same function and receives the same update. */
    public static Initializer zeros() {
        return named("zeros", (f, shape, fanIn, fanOut, rng) -> f.zeros(checkTarget("zeros", f, shape)));
    }

    /** {@code W = 1}. */
    public static Initializer ones() {
        return constant("ones", 1);
    }

    /** {@code W = c}. As with zeros, every unit of a layer stays identical to the others during training. */
    public static Initializer constant(double value) {
        finite("constant", "value", value);
        return constant("constant(" + value + ")", value);
    }

    private static Initializer constant(String name, double value) {
        return named(name, (f, shape, fanIn, fanOut, rng) -> f.full(value, checkTarget(name, f, shape).dims()));
    }

    /** {@code W ~ U(0, 1)}, {@code torch.nn.init.uniform_}'s default. */
    public static Initializer uniform() {
        return uniform(0, 1);
    }

    /** {@code W ~ U(a, b)}, values in {@code [a, b)}; requires {@code a <= b}. */
    public static Initializer uniform(double a, double b) {
        String name = "uniform(" + a + ", " + b + ")";
        finite("uniform", "a", a);
        finite("uniform", "b", b);
        if (a > b) throw new IllegalArgumentException("uniform: expected a <= b, got a = " + a + " > b = " + b);
        return named(name, (f, shape, fanIn, fanOut, rng) -> uniformTensor(name, f, shape, rng, a, b));
    }

    /** {@code W ~ N(0, 1)}, {@code torch.nn.init.normal_}'s default. */
    public static Initializer normal() {
        return normal(0, 1);
    }

    /** {@code W ~ N(mean, std^2)}; requires {@code std >= 0}. */
    public static Initializer normal(double mean, double std) {
        String name = "normal(" + mean + ", " + std + ")";
        finite("normal", "mean", mean);
        nonNegative("normal", "std", std);
        return named(name, (f, shape, fanIn, fanOut, rng) -> normalTensor(name, f, shape, rng, mean, std));
    }

    /** {@code W ~ N(0, 1)} truncated to {@code [-2, 2]}, {@code torch.nn.init.trunc_normal_}'s default. */
    public static Initializer truncatedNormal() {
        return truncatedNormal(0, 1, -2, 2);
    }

    /**
     * {@code W ~ N(mean, std^2)} conditioned on {@code a <= W <= b}, as {@code torch.nn.init.trunc_normal_}: the
     * bounds are absolute values, not multiples of {@code std}. Requires {@code std > 0} and {@code a < b}; either
     * bound may be infinite. Sampling is exact however far the interval lies in a tail (where torch's inverse-CDF
     * method warns that its values may be wrong); see {@code TruncatedNormal}.
     */
    public static Initializer truncatedNormal(double mean, double std, double a, double b) {
        String name = "truncatedNormal(" + mean + ", " + std + ", " + a + ", " + b + ")";
        finite("truncatedNormal", "mean", mean);
        if (!(std > 0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("truncatedNormal: std must be finite and > 0, got " + std);
        }
        if (!(a < b) || a == Double.POSITIVE_INFINITY || b == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("truncatedNormal: expected a < b (each finite or the matching "
                    + "infinity), got a = " + a + ", b = " + b);
        }
        return named(name, (f, shape, fanIn, fanOut, rng) -> {
            Shape s = checkTarget(name, f, shape);
            double[] v = new double[s.size()];
            TruncatedNormal.fill(v, checkRng(name, rng), mean, std, a, b);
            return fromValues(f, s, v);
        });
    }

    /**
     * {@code W ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))}, the lecture's uniform initialisation ("works well for
     * sigmoid").
     */
    public static Initializer uniformFanIn() {
        return fanInUniform("uniformFanIn");
    }

    /**
     * {@code W ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))}: PyTorch's default weight of {@code nn.Linear},
     * {@code kaiming_uniform_(a = sqrt(5))}, whose bound {@code sqrt(2/(1+5)) * sqrt(3/fan_in)} reduces to this one.
     * Pass the layer's fan-in ({@code in}).
     */
    public static Initializer linearDefaultWeight() {
        return fanInUniform("linearDefaultWeight");
    }

    /**
     * {@code b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))}: PyTorch's default bias of {@code nn.Linear}, with the fan-in of
     * the layer's weight. Call it with the bias shape {@code (out)} and the layer's fans {@code (in, out)}.
     */
    public static Initializer linearDefaultBias() {
        return fanInUniform("linearDefaultBias");
    }

    private static Initializer fanInUniform(String name) {
        return named(name, (f, shape, fanIn, fanOut, rng) -> {
            double bound = 1 / Math.sqrt(positiveFan(name, "fanIn", fanIn));
            return uniformTensor(name, f, shape, rng, -bound, bound);
        });
    }

    /** {@code W ~ N(0, 2/(fan_in + fan_out))}: Xavier (Glorot) normal with gain 1, as in the lecture. */
    public static Initializer xavierNormal() {
        return xavierNormal(1);
    }

    /**
     * {@code W ~ N(0, std^2)}, {@code std = gain * sqrt(2/(fan_in + fan_out))}: Xavier (Glorot) normal, as
     * {@code torch.nn.init.xavier_normal_}; for tanh torch advises {@code gain = calculateGain(TANH)}.
     */
    public static Initializer xavierNormal(double gain) {
        String name = "xavierNormal(gain=" + gain + ")";
        nonNegative("xavierNormal", "gain", gain);
        return named(name, (f, shape, fanIn, fanOut, rng) -> {
            double std = gain * Math.sqrt(2.0 / fanSum(name, fanIn, fanOut));
            return normalTensor(name, f, shape, rng, 0, std);
        });
    }

    /** {@code W ~ U(-b, b)}, {@code b = sqrt(6/(fan_in + fan_out))}: Xavier (Glorot) uniform with gain 1. */
    public static Initializer xavierUniform() {
        return xavierUniform(1);
    }

    /**
     * {@code W ~ U(-b, b)}, {@code b = gain * sqrt(6/(fan_in + fan_out))}: Xavier (Glorot) uniform, as
     * {@code torch.nn.init.xavier_uniform_}.
     */
    public static Initializer xavierUniform(double gain) {
        String name = "xavierUniform(gain=" + gain + ")";
        nonNegative("xavierUniform", "gain", gain);
        return named(name, (f, shape, fanIn, fanOut, rng) -> {
            // NOTE: torch computes sqrt(3) * gain * sqrt(2/(fan_in+fan_out)); the same bound up to rounding.
            double bound = gain * Math.sqrt(6.0 / fanSum(name, fanIn, fanOut));
            return uniformTensor(name, f, shape, rng, -bound, bound);
        });
    }

    /**
     * {@code W ~ N(0, 2/fan_in)}: He (Kaiming) normal with torch's defaults ({@code a = 0}, fan-in, leaky ReLU of
     * slope 0, which is ReLU's gain {@code sqrt(2)}).
     */
    public static Initializer kaimingNormal() {
        return kaimingNormal(0, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU);
    }

    /** He (Kaiming) normal for a layer followed by {@code nonlinearity}, {@code a = 0}. */
    public static Initializer kaimingNormal(FanMode mode, Nonlinearity nonlinearity) {
        return kaimingNormal(0, mode, nonlinearity);
    }

    /**
     * {@code W ~ N(0, std^2)}, {@code std = gain / sqrt(fan)}: He (Kaiming) normal, as
     * {@code torch.nn.init.kaiming_normal_}. {@code gain = calculateGain(nonlinearity, a)}; {@code a} is leaky ReLU's
     * negative slope (ignored by other nonlinearities); {@code fan} is fan-in or fan-out by {@code mode}.
     */
    public static Initializer kaimingNormal(double a, FanMode mode, Nonlinearity nonlinearity) {
        String name = kaimingName("kaimingNormal", a, mode, nonlinearity);
        double gain = kaimingGain("kaimingNormal", a, mode, nonlinearity);
        return named(name, (f, shape, fanIn, fanOut, rng) -> {
            double std = gain / Math.sqrt(positiveFan(name, mode, fanIn, fanOut));
            return normalTensor(name, f, shape, rng, 0, std);
        });
    }

    /** {@code W ~ U(-b, b)}, {@code b = sqrt(6/fan_in)}: He (Kaiming) uniform with torch's defaults. */
    public static Initializer kaimingUniform() {
        return kaimingUniform(0, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU);
    }

    /** He (Kaiming) uniform for a layer followed by {@code nonlinearity}, {@code a = 0}. */
    public static Initializer kaimingUniform(FanMode mode, Nonlinearity nonlinearity) {
        return kaimingUniform(0, mode, nonlinearity);
    }

    /**
     * {@code W ~ U(-b, b)}, {@code b = gain * sqrt(3/fan)}: He (Kaiming) uniform, as
     * {@code torch.nn.init.kaiming_uniform_}, with {@code gain}, {@code a} and {@code fan} as in
     * {@link #kaimingNormal(double, FanMode, Nonlinearity)}.
     */
    public static Initializer kaimingUniform(double a, FanMode mode, Nonlinearity nonlinearity) {
        String name = kaimingName("kaimingUniform", a, mode, nonlinearity);
        double gain = kaimingGain("kaimingUniform", a, mode, nonlinearity);
        return named(name, (f, shape, fanIn, fanOut, rng) -> {
            double bound = Math.sqrt(3.0) * gain / Math.sqrt(positiveFan(name, mode, fanIn, fanOut));
            return uniformTensor(name, f, shape, rng, -bound, bound);
        });
    }

    /**
     * {@code W ~ N(0, 1/fan_in)}: LeCun normal, the initialisation of self-normalising (SELU) networks; the same as
     * {@code kaiming_normal_} with {@code nonlinearity='linear'}. NOTE: Keras's {@code lecun_normal} draws a normal
     * truncated at two standard deviations and rescaled to the same variance; use
     * {@link #truncatedNormal(double, double, double, double)} for that.
     */
    public static Initializer lecunNormal() {
        String name = "lecunNormal";
        return named(name, (f, shape, fanIn, fanOut, rng) ->
                normalTensor(name, f, shape, rng, 0, 1 / Math.sqrt(positiveFan(name, "fanIn", fanIn))));
    }

    /** {@code W ~ U(-b, b)}, {@code b = sqrt(3/fan_in)}: LeCun uniform (variance {@code 1/fan_in}), as Keras. */
    public static Initializer lecunUniform() {
        String name = "lecunUniform";
        return named(name, (f, shape, fanIn, fanOut, rng) -> {
            double bound = Math.sqrt(3.0 / positiveFan(name, "fanIn", fanIn));
            return uniformTensor(name, f, shape, rng, -bound, bound);
        });
    }

    /** {@link #orthogonal(double)} with gain 1. */
    public static Initializer orthogonal() {
        return orthogonal(1);
    }

    /**
     * {@code W = gain * Q}, {@code Q} (semi-)orthogonal: {@code QᵀQ = I} for a tall matrix, {@code QQᵀ = I} for a
     * wide one, as {@code torch.nn.init.orthogonal_} (Saxe et al., 2013). The tensor, of rank 2 or more, is viewed as
     * {@code (dim 0, product of the other dims)}; a matrix {@code A} of standard normal values is drawn, transposed
     * if wide, and factored {@code A = QR}; {@code Q} is multiplied by {@code sign(diag(R))} so that it is uniformly
     * (Haar) distributed, transposed back and scaled by {@code gain}. The fans are not used.
     */
    public static Initializer orthogonal(double gain) {
        String name = "orthogonal(gain=" + gain + ")";
        finite("orthogonal", "gain", gain);
        return named(name, (f, shape, fanIn, fanOut, rng) -> {
            Shape s = checkTarget(name, f, shape);
            if (s.rank() < 2) {
                throw new IllegalArgumentException(name + ": expected a tensor of rank >= 2, got shape " + s);
            }
            if (s.size() == 0) return f.zeros(s); // NOTE: torch warns and leaves an empty tensor as it is.
            int rows = s.dim(0);
            int cols = s.size() / rows;
            double[] a = new double[s.size()];
            checkRng(name, rng).fillNormal(a, 0, 1);
            double[] w = rows >= cols ? Orthogonal.q(a, rows, cols) : transpose(Orthogonal.q(transpose(a, rows, cols),
                    cols, rows), cols, rows);
            for (int i = 0; i < w.length; i++) w[i] *= gain;
            return fromValues(f, s, w);
        });
    }

    /**
     * The recommended gain of {@code nonlinearity} with its parameter (leaky ReLU's negative slope), exactly as
     * {@code torch.nn.init.calculate_gain}: 1 for linear, convolutions and sigmoid, {@code 5/3} for tanh,
     * {@code sqrt(2)} for ReLU, {@code sqrt(2/(1 + slope^2))} for leaky ReLU, {@code 3/4} for SELU.
     */
    public static double calculateGain(Nonlinearity nonlinearity, double param) {
        return requireNonlinearity("calculateGain", nonlinearity).gain(param);
    }

    /** {@link #calculateGain(Nonlinearity, double)} with no parameter (leaky ReLU's slope defaults to 0.01). */
    public static double calculateGain(Nonlinearity nonlinearity) {
        return requireNonlinearity("calculateGain", nonlinearity).gain();
    }

    /**
     * {@code calculate_gain} by PyTorch's name ({@code "relu"}, {@code "leaky_relu"}, {@code "conv2d"}, ...).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static double calculateGain(String nonlinearity) {
        return Nonlinearity.fromName(nonlinearity).gain();
    }

    /** {@code calculate_gain(nonlinearity, param)} by PyTorch's name. */
    public static double calculateGain(String nonlinearity, double param) {
        return Nonlinearity.fromName(nonlinearity).gain(param);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** An initialiser that reports {@code name} from {@code toString()}. */
    private static Initializer named(String name, Initializer body) {
        return new Initializer() {
            @Override
            public Tensor initialize(TensorFactory factory, Shape shape, int fanIn, int fanOut, Rng rng) {
                return body.initialize(factory, shape, fanIn, fanOut, rng);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    private static Tensor uniformTensor(String name, TensorFactory f, Shape shape, Rng rng, double low, double high) {
        Shape s = checkTarget(name, f, shape);
        return f.uniform(checkRng(name, rng), low, high, s.dims());
    }

    private static Tensor normalTensor(String name, TensorFactory f, Shape shape, Rng rng, double mean, double std) {
        Shape s = checkTarget(name, f, shape);
        return f.normal(checkRng(name, rng), mean, std, s.dims());
    }

    /** Float64 values converted to the factory's dtype, in {@code shape} (including rank 0). */
    private static Tensor fromValues(TensorFactory f, Shape shape, double[] values) {
        Tensor t = f.of(values, shape.dims());
        return shape.rank() == 0 ? t.reshape(shape) : t;
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        }
        return t;
    }

    private static Shape checkTarget(String name, TensorFactory f, Shape shape) {
        if (f == null) throw new IllegalArgumentException(name + ": factory must not be null");
        if (shape == null) throw new IllegalArgumentException(name + ": shape must not be null");
        if (!f.dtype().isFloating()) {
            throw new IllegalArgumentException(name + ": expected a float32 or float64 factory, got " + f.dtype());
        }
        return shape;
    }

    private static Rng checkRng(String name, Rng rng) {
        if (rng == null) throw new IllegalArgumentException(name + ": rng must not be null");
        return rng;
    }

    private static int positiveFan(String name, String which, int fan) {
        if (fan <= 0) throw new IllegalArgumentException(name + ": " + which + " must be > 0, got " + fan);
        return fan;
    }

    private static int positiveFan(String name, FanMode mode, int fanIn, int fanOut) {
        return mode == FanMode.FAN_IN ? positiveFan(name, "fanIn", fanIn) : positiveFan(name, "fanOut", fanOut);
    }

    private static double fanSum(String name, int fanIn, int fanOut) {
        positiveFan(name, "fanIn", fanIn);
        positiveFan(name, "fanOut", fanOut);
        return (double) fanIn + fanOut;
    }

    private static String kaimingName(String kind, double a, FanMode mode, Nonlinearity nonlinearity) {
        return kind + "(a=" + a + ", " + mode + ", " + nonlinearity + ")";
    }

    private static double kaimingGain(String kind, double a, FanMode mode, Nonlinearity nonlinearity) {
        finite(kind, "a", a);
        if (mode == null) throw new IllegalArgumentException(kind + ": mode must be FAN_IN or FAN_OUT, got null");
        return requireNonlinearity(kind, nonlinearity).gain(a);
    }

    private static Nonlinearity requireNonlinearity(String name, Nonlinearity nonlinearity) {
        if (nonlinearity == null) {
            throw new IllegalArgumentException(name + ": nonlinearity must not be null");
        }
        return nonlinearity;
    }

    private static void finite(String name, String what, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + ": " + what + " must be finite, got " + value);
        }
    }

    private static void nonNegative(String name, String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + ": " + what + " must be finite and >= 0, got " + value);
        }
    }
}
