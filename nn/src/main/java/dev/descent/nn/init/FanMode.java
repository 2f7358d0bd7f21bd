package dev.descent.nn.init;

/**
 * Which fan a Kaiming (He) initialiser divides by, as {@code mode} in {@code torch.nn.init.kaiming_*_}:
 * {@link #FAN_IN} keeps the variance of the activations in the forward pass, {@link #FAN_OUT} that of the
 * gradients in the backward pass.
 */
public enum FanMode {
    /** Divide by the number of inputs of a unit (PyTorch's default). */
    FAN_IN,
    /** Divide by the number of outputs of a unit. */
    FAN_OUT;

    /** The fan this mode selects. */
    public int select(int fanIn, int fanOut) {
        return this == FAN_IN ? fanIn : fanOut;
    }
}
