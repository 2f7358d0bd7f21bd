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
    EQ, NE, LT, LE, GT, GE;

    /** Whether the result is a 0/1 mask rather than arithmetic. */
    public boolean isComparison() {
        return ordinal() >= EQ.ordinal();
    }
}
