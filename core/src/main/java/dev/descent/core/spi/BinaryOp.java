package dev.descent.core.spi;

/**
 * The elementwise binary kernels of the SPI, applied with NumPy broadcasting. Comparisons give 1 where true and
 * 0 where false, in the dtype of their inputs; a comparison with NaN is false except {@code NE}.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW,
    /** The larger of the two; NaN if either is NaN (as {@code torch.maximum}). */
    MAXIMUM,
    /** The smaller of the two; NaN if either is NaN (as {@code torch.minimum}). */
    MINIMUM,
    /**
     * {@code b > 0 ? a : a * 0}: the gradient {@code a} passed back through a ReLU whose input was {@code b}
     * (PyTorch's {@code threshold_backward} at 0, so relu'(0) = 0); NaN in {@code b} gives NaN.
     */
    RELU_GRAD,
    /** {@code a * (1 - b * b)}: the gradient {@code a} passed back through a tanh whose output was {@code b}. */
    TANH_GRAD,
    /** {@code (a * b) * (1 - b)}: the gradient {@code a} passed back through a sigmoid whose output was {@code b}. */
    SIGMOID_GRAD,
    EQ, NE, LT, LE, GT, GE;

    /** Whether the result is a 0/1 mask rather than arithmetic. */
    public boolean isComparison() {
        return ordinal() >= EQ.ordinal();
    }
}
