package dev.descent.core.testing;

import dev.descent.core.Tensor;

/**
 * The worst relative error of one golden suite: every comparison goes through {@link GoldenCases#compare} (which
 * fails above the tolerance) and is recorded, and {@link #report} prints the worst once the suite has run.
 *
 * <pre>{@code
 * private static final WorstError WORST = new WorstError("Layer goldens", 1e-10);
 * ...
 * WORST.compare(c.name() + " output", c.output(), y.value());
 * ...
 * @AfterAll static void report() { WORST.report(); }
 * }</pre>
 */
public final class WorstError {
    private final String suite;
    private final double tolerance;
    private double worst;

    public WorstError(String suite, double tolerance) {
        this.suite = suite;
        this.tolerance = tolerance;
    }

    /** Compares {@code actual} with {@code expected} within the tolerance, and records the error. */
    public void compare(String what, Tensor expected, Tensor actual) {
        record(GoldenCases.compare(what, expected, actual, tolerance));
    }

    /** Records one relative error. */
    public synchronized void record(double error) {
        worst = Math.max(worst, error);
    }

    /** The worst relative error recorded so far. */
    public synchronized double worst() {
        return worst;
    }

    /** Prints the suite's worst relative error and its tolerance. */
    public void report() {
        System.out.printf("%s: worst relative error %.3e (tolerance %.0e)%n", suite, worst(), tolerance);
    }
}
