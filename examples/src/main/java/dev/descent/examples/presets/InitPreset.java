package dev.descent.examples.presets;

import dev.descent.nn.init.FanMode;
import dev.descent.nn.init.Initializer;
import dev.descent.nn.init.Initializers;
import dev.descent.nn.init.Nonlinearity;

/**
 * The lecture's four initialisation settings (the deeplearning.ai initialisation demo): zero, too small,
 * appropriate and too large. Each gives the initialiser of a layer's weights given the nonlinearity that follows
 * the layer; biases start at zero in every setting ({@link #bias()}), as in the demo.
 *
 * <pre>{@code
 * Initializer w = InitPreset.APPROPRIATE.weights(Nonlinearity.RELU);     // He normal
 * Initializer b = InitPreset.APPROPRIATE.bias();                         // zeros
 * }</pre>
 *
 * <table>
 *   <caption>Weights per setting</caption>
 *   <tr><th>setting</th><th>weights</th><th>effect in a deep network</th></tr>
 *   <tr><td>ZERO</td><td>{@code W = 0}</td><td>every unit of a layer learns the same thing (symmetry is never broken)</td></tr>
 *   <tr><td>TOO_SMALL</td><td>{@code N(0, 0.01^2)} ({@code randn * 0.01})</td><td>activations and gradients vanish</td></tr>
 *   <tr><td>APPROPRIATE</td><td>He normal {@code N(0, gain^2/fan_in)} for ReLU and leaky ReLU, LeCun normal
 *       {@code N(0, 1/fan_in)} for SELU, otherwise (tanh, sigmoid, linear) the lecture's Xavier normal
 *       {@code N(0, 2/(fan_in + fan_out))}</td><td>activations keep their scale</td></tr>
 *   <tr><td>TOO_LARGE</td><td>{@code N(0, 10^2)} ({@code randn * 10})</td><td>activations explode or saturate</td></tr>
 * </table>
 */
public enum InitPreset {
    /** {@code W = 0}. */
    ZERO,
    /** {@code W ~ N(0, 0.01^2)}. */
    TOO_SMALL,
    /** He normal for ReLU layers, Xavier normal for tanh and sigmoid layers (see the table above). */
    APPROPRIATE,
    /** {@code W ~ N(0, 10^2)}. */
    TOO_LARGE;

    /** The standard deviation of {@link #TOO_SMALL}. */
    public static final double SMALL_STD = 0.01;
    /** The standard deviation of {@link #TOO_LARGE}. */
    public static final double LARGE_STD = 10;

    /**
     * The initialiser of the weights of a layer followed by {@code nonlinearity}; only {@link #APPROPRIATE} depends
     * on it.
     */
    public Initializer weights(Nonlinearity nonlinearity) {
        if (nonlinearity == null) {
            throw new IllegalArgumentException("InitPreset." + name() + ".weights: nonlinearity must not be null");
        }
        return switch (this) {
            case ZERO -> Initializers.zeros();
            case TOO_SMALL -> Initializers.normal(0, SMALL_STD);
            case TOO_LARGE -> Initializers.normal(0, LARGE_STD);
            case APPROPRIATE -> switch (nonlinearity) {
                // NOTE: leaky ReLU with PyTorch's default slope 0.01, the slope calculateGain assumes.
                case RELU -> Initializers.kaimingNormal(FanMode.FAN_IN, Nonlinearity.RELU);
                case LEAKY_RELU -> Initializers.kaimingNormal(Nonlinearity.DEFAULT_NEGATIVE_SLOPE, FanMode.FAN_IN,
                        Nonlinearity.LEAKY_RELU);
                case SELU -> Initializers.lecunNormal();
                default -> Initializers.xavierNormal();
            };
        };
    }

    /** The initialiser of the biases: zeros in every setting. */
    public Initializer bias() {
        return Initializers.zeros();
    }
}
