package dev.descent.nn.layers;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;

/**
 * Batch normalisation of {@code (N, C)} or {@code (N, C, L)} per channel, PyTorch's {@code nn.BatchNorm1d} (see {@link BatchNorm}):
 * eps 1e-5, momentum 0.1, affine, tracking running statistics by default.
 *
 * <pre>{@code
 * BatchNorm1d bn = new BatchNorm1d(32);
 * }</pre>
 */
public final class BatchNorm1d extends BatchNorm {
    /** float32 on the default backend, with PyTorch's defaults. */
    public BatchNorm1d(int features) {
        this(Tensor.on(Backends.get(), DType.FLOAT32), features, 1e-5, 0.1, true, true);
    }

    /** Every argument of {@code nn.BatchNorm1d}; a {@code null} momentum is the cumulative average. */
    public BatchNorm1d(TensorFactory f, int features, double eps, Double momentum, boolean affine,
                       boolean trackRunningStats) {
        super(f, features, eps, momentum, affine, trackRunningStats);
    }

    @Override
    boolean acceptsRank(int rank) {
        return rank == 2 || rank == 3;
    }

    @Override
    String expectedInput() {
        return "(N, C) or (N, C, L)";
    }
}
