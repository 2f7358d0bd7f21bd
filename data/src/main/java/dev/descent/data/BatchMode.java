package dev.descent.data;

/**
 * How many samples one gradient step sees: the whole set (batch gradient descent), a fixed number (mini-batch) or
 * one (stochastic gradient descent). A {@link DataLoader} takes a mode, so a training loop and its report can say
 * which of the three it runs.
 *
 * <pre>{@code
 * BatchMode.batch();          // "batch gradient descent": one step per epoch on every sample
 * BatchMode.miniBatch(32);    // "mini-batch gradient descent (batch size 32)"
 * BatchMode.stochastic();     // "stochastic gradient descent": one sample per step
 * }</pre>
 */
public final class BatchMode {
    /** The three forms of gradient descent. */
    public enum Kind { BATCH, MINI_BATCH, STOCHASTIC }

    private static final BatchMode BATCH = new BatchMode(Kind.BATCH, 0);
    private static final BatchMode STOCHASTIC = new BatchMode(Kind.STOCHASTIC, 1);

    private final Kind kind;
    private final int batchSize;

    private BatchMode(Kind kind, int batchSize) {
        this.kind = kind;
        this.batchSize = batchSize;
    }

    /** Batch gradient descent: one batch holding every sample. */
    public static BatchMode batch() {
        return BATCH;
    }

    /** Mini-batch gradient descent with {@code batchSize >= 1} samples per batch. */
    public static BatchMode miniBatch(int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("BatchMode.miniBatch: expected batchSize >= 1, got " + batchSize);
        return new BatchMode(Kind.MINI_BATCH, batchSize);
    }

    /** Stochastic gradient descent: batches of one sample. */
    public static BatchMode stochastic() {
        return STOCHASTIC;
    }

    public Kind kind() {
        return kind;
    }

    /** The number of samples per batch for a set of {@code samples} samples (all of them in batch mode, at least 1). */
    public int batchSize(int samples) {
        return switch (kind) {
            case BATCH -> Math.max(samples, 1);
            case MINI_BATCH -> batchSize;
            case STOCHASTIC -> 1;
        };
    }

    /** The name of the method: "batch gradient descent", "mini-batch gradient descent (batch size 32)", ... */
    public String description() {
        return switch (kind) {
            case BATCH -> "batch gradient descent";
            case MINI_BATCH -> "mini-batch gradient descent (batch size " + batchSize + ")";
            case STOCHASTIC -> "stochastic gradient descent";
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchMode m && kind == m.kind && batchSize == m.batchSize;
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + batchSize;
    }

    @Override
    public String toString() {
        return kind == Kind.MINI_BATCH ? "MINI_BATCH(" + batchSize + ")" : kind.name();
    }
}
