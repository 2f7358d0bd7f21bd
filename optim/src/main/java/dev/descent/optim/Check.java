package dev.descent.optim;

/**
 * Hyper-parameter checks shared by the optimisers. Every message names the optimiser, the hyper-parameter, the
 * expected range and the actual value, e.g. {@code "Adam: beta2 must be in [0, 1), got 1.0"}.
 */
final class Check {
    private Check() {
    }

    /** {@code value >= 0} and finite. */
    static void nonNegative(String optimizer, String name, double value) {
        if (!(value >= 0) || value == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(optimizer + ": " + name + " must be finite and >= 0, got " + value);
        }
    }

    /** {@code value > 0} and finite. */
    static void positive(String optimizer, String name, double value) {
        if (!(value > 0) || value == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(optimizer + ": " + name + " must be finite and > 0, got " + value);
        }
    }

    /** {@code 0 <= value < 1}. */
    static void unitOpen(String optimizer, String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(optimizer + ": " + name + " must be in [0, 1), got " + value);
        }
    }

    /** The settings every Adam-family optimiser shares: betas in [0, 1), eps >= 0 (lr and weight decay: Optimizer). */
    static void adamFamily(String optimizer, double beta1, double beta2, double eps) {
        unitOpen(optimizer, "beta1", beta1);
        unitOpen(optimizer, "beta2", beta2);
        nonNegative(optimizer, "eps", eps);
    }

    /** {@code 0 <= value <= 1}. */
    static void unitClosed(String optimizer, String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(optimizer + ": " + name + " must be in [0, 1], got " + value);
        }
    }

    /** A condition between hyper-parameters; {@code message} says what is required and what was given. */
    static void require(boolean condition, String optimizer, String message) {
        if (!condition) throw new IllegalArgumentException(optimizer + ": " + message);
    }
}
