package dev.descent.nn.layers;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;

/**
 * Batch normalisation of {@code (N, C, H, W)} per channel, PyTorch's {@code nn.BatchNorm2d} (see {@link BatchNorm}):
 * eps 1e-5, momentum 0.1, affine, tracking running statistics by default.
 *
 * <pre>{@code
 * BatchNorm2d bn = new BatchNorm2d(32);
 * }</pre>
 */
public final class BatchNorm2d extends BatchNorm {
    /** float32 on the default backend, with PyTorch's defaults. */
    public BatchNorm2d(int features) {
        this(Tensor.on(Backends.get(), DType.FLOAT32), features, 1e-5, 0.1, true, true);
    }

    /** Every argument of {@code nn.BatchNorm2d}; a {@code null} momentum is the cumulative average. */
    public BatchNorm2d(TensorFactory f, int features, double eps, Double momentum, boolean affine,
                       boolean trackRunningStats) {
        super(f, features, eps, momentum, affine, trackRunningStats);
    }

    @Override
    boolean acceptsRank(int rank) {
        return rank == 4;
    }

    @Override
    String expectedInput() {
        return "(N, C, H, W)";
    }
}
