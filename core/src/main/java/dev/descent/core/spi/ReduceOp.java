package dev.descent.core.spi;

/** Reductions along one axis. {@code MAX} and {@code MIN} propagate NaN; the arg-reductions return INT32 indices. */
public enum ReduceOp {
    SUM, MAX, MIN,
    /** Index of the first maximal element (NaN counts as maximal, as in PyTorch). */
    ARGMAX,
    /** Index of the first minimal element (NaN counts as minimal, as in PyTorch). */
    ARGMIN;

    /** Whether the result is an INT32 index rather than a value. */
    public boolean isArg() {
        return this == ARGMAX || this == ARGMIN;
    }
}
