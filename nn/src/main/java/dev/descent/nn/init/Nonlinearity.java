package dev.descent.nn.init;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The nonlinearities {@code torch.nn.init.calculate_gain} knows, each with its recommended gain: the factor by which
 * an initialiser scales its standard deviation so that activations keep their variance through the layer.
 *
 * <pre>{@code
 * Nonlinearity.RELU.gain();                       // sqrt(2)
 * Nonlinearity.LEAKY_RELU.gain(0.2);              // sqrt(2 / (1 + 0.2^2))
 * Nonlinearity.fromName("tanh");                  // TANH
 * }</pre>
 *
 * @see Initializers#calculateGain(Nonlinearity, double)
 */
public enum Nonlinearity {
    /** The identity: gain 1. */
    LINEAR("linear"),
    /** A convolution without activation: gain 1. */
    CONV1D("conv1d"),
    /** A convolution without activation: gain 1. */
    CONV2D("conv2d"),
    /** A convolution without activation: gain 1. */
    CONV3D("conv3d"),
    /** A transposed convolution without activation: gain 1. */
    CONV_TRANSPOSE1D("conv_transpose1d"),
    /** A transposed convolution without activation: gain 1. */
    CONV_TRANSPOSE2D("conv_transpose2d"),
    /** A transposed convolution without activation: gain 1. */
    CONV_TRANSPOSE3D("conv_transpose3d"),
    /** The logistic sigmoid: gain 1. */
    SIGMOID("sigmoid"),
    /** tanh: gain 5/3. */
    TANH("tanh"),
    /** ReLU: gain sqrt(2). */
    RELU("relu"),
    /** Leaky ReLU with negative slope s (default 0.01): gain sqrt(2 / (1 + s^2)). */
    LEAKY_RELU("leaky_relu"),
    /** SELU: gain 3/4. */
    SELU("selu");

    /** PyTorch's default negative slope of leaky ReLU when {@code calculate_gain} is given no parameter. */
    public static final double DEFAULT_NEGATIVE_SLOPE = 0.01;

    private final String torchName;

    Nonlinearity(String torchName) {
        this.torchName = torchName;
    }

    /** The name {@code torch.nn.init.calculate_gain} uses ({@code "leaky_relu"}, {@code "conv_transpose2d"}, ...). */
    public String torchName() {
        return torchName;
    }

    /** The gain with the default parameter (leaky ReLU's slope 0.01; the others take none). */
    public double gain() {
        return gain(DEFAULT_NEGATIVE_SLOPE);
    }

    /**
     * The gain given the nonlinearity's parameter: leaky ReLU's negative slope; the other nonlinearities ignore it,
     * as PyTorch does.
     *
     * @throws IllegalArgumentException when {@code param} is not finite and this is {@link #LEAKY_RELU}
     */
    public double gain(double param) {
        return switch (this) {
            case LINEAR, CONV1D, CONV2D, CONV3D, CONV_TRANSPOSE1D, CONV_TRANSPOSE2D, CONV_TRANSPOSE3D, SIGMOID -> 1;
            case TANH -> 5.0 / 3;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> {
                if (!Double.isFinite(param)) {
                    throw new IllegalArgumentException("calculateGain: leaky_relu's negative slope must be a finite "
                            + "number, got " + param);
                }
                yield Math.sqrt(2.0 / (1 + param * param));
            }
            // NOTE: PyTorch's 3/4 trades SELU's self-normalisation for steadier gradients in rectangular layers;
            // for self-normalising networks torch advises gain 1 ('linear'), i.e. LeCun's variance 1/fan_in.
            case SELU -> 3.0 / 4;
        };
    }

    /**
     * The nonlinearity of a {@code calculate_gain} name, spelled exactly as PyTorch does.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Nonlinearity fromName(String name) {
        for (Nonlinearity n : values()) {
            if (n.torchName.equals(name)) return n;
        }
        throw new IllegalArgumentException("calculateGain: unsupported nonlinearity "
                + (name == null ? "null" : "'" + name + "'") + "; expected one of "
                + Arrays.stream(values()).map(Nonlinearity::torchName).collect(Collectors.joining(", ")));
    }
}
