package dev.descent.optim;

/**
 * A gradient holds NaN or an infinity, so an optimiser step or a gradient clipping refused to run; nothing was
 * changed. The message names the parameter, the first offending element and its value.
 */
public final class NonFiniteGradientException extends ArithmeticException {
    private static final long serialVersionUID = 1L;
    private final String parameter;

    public NonFiniteGradientException(String message, String parameter) {
        super(message);
        this.parameter = parameter;
    }

    /** The name of the parameter whose gradient is not finite ({@code null} when it concerns a total norm). */
    public String parameter() {
        return parameter;
    }
}
