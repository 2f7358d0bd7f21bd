package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Normalisation and pooling layers on empty and degenerate inputs, as PyTorch 1.13 treats them (each expectation
 * was observed there): an empty batch passes through where PyTorch accepts it, and what PyTorch refuses is an
 * exception that names the layer and the input, never a silent value.
 */
class EmptyAndDegenerateInputTest {
    private static final TensorFactory F = Tensor.on(Backends.get(), DType.FLOAT64);

    private static Variable zeros(int... dims) {
        return Variable.constant(F.zeros(dims));
    }

    /** A BatchNorm1d(3) with running mean 2 and running variance 3 (PyTorch: fill_ on both buffers). */
    private static BatchNorm1d batchNormWithStats(Double momentum) {
        BatchNorm1d bn = new BatchNorm1d(F, 3, 1e-5, momentum, true, true);
        InPlace.fill(bn.runningMean(), 2);
        InPlace.fill(bn.runningVar(), 3);
        return bn;
    }

    @Test
    void batchNormTrainingOnAnEmptyBatchCountsItAndKeepsTheStatistics() {
        for (Double momentum : new Double[] {0.1, null}) {
            BatchNorm1d bn = batchNormWithStats(momentum);
            Variable y = bn.apply(zeros(0, 3));
            assertEquals(Shape.of(0, 3), y.shape());
            // torch: running_mean [2, 2, 2], running_var [3, 3, 3], num_batches_tracked 1
            assertArrayEquals(new double[] {2, 2, 2}, bn.runningMean().toDoubleArray());
            assertArrayEquals(new double[] {3, 3, 3}, bn.runningVar().toDoubleArray());
            assertEquals(1, (int) bn.numBatchesTracked().item());
            assertEquals(Shape.of(2, 3, 0), bn.apply(zeros(2, 3, 0)).shape());
            assertEquals(2, (int) bn.numBatchesTracked().item());
        }
    }

    @Test
    void batchNormRefusesOneValuePerChannelWheneverItUsesBatchStatistics() {
        var training = assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm2d(F, 3, 1e-5, 0.1, true, true).apply(zeros(1, 3, 1, 1)));
        assertTrue(training.getMessage().contains("BatchNorm2d(3") && training.getMessage().contains("more than 1 value "
                + "per channel") && training.getMessage().contains("(1, 3, 1, 1)"), training.getMessage());
        // torch.nn.BatchNorm1d(3, track_running_stats=False).eval()(torch.ones(1, 3)) raises the same ValueError
        BatchNorm1d noStats = new BatchNorm1d(F, 3, 1e-5, 0.1, true, false);
        noStats.eval();
        var eval = assertThrows(IllegalArgumentException.class, () -> noStats.apply(Variable.constant(F.ones(1, 3))));
        assertTrue(eval.getMessage().contains("more than 1 value per channel") && eval.getMessage().contains("(1, 3)"),
                eval.getMessage());
        // with running statistics, eval mode normalises a single sample: (1 - 0) / sqrt(1 + eps)
        BatchNorm1d withStats = new BatchNorm1d(F, 3, 1e-5, 0.1, true, true);
        withStats.eval();
        double expected = 1 / Math.sqrt(1 + 1e-5);
        assertArrayEquals(new double[] {expected, expected, expected},
                withStats.apply(Variable.constant(F.ones(1, 3))).value().toDoubleArray(), 1e-15);
    }

    @Test
    void batchNormNamesAnInputOfAnotherDtype() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(F, 3, 1e-5, 0.1, true, true)
                .apply(Variable.constant(Tensor.on(Backends.get(), DType.FLOAT32).ones(4, 3))));
        assertTrue(e.getMessage().startsWith("BatchNorm1d(3") && e.getMessage().contains("float64")
                && e.getMessage().contains("float32 (4, 3)"), e.getMessage());
    }

    @Test
    void groupNormAndLayerNormPassAnEmptyBatchThrough() {
        assertEquals(Shape.of(0, 4), new GroupNorm(F, 2, 4, 1e-5, true).apply(zeros(0, 4)).shape());
        assertEquals(Shape.of(0, 4, 3, 2), new GroupNorm(F, 2, 4, 1e-5, false).apply(zeros(0, 4, 3, 2)).shape());
        assertEquals(Shape.of(0, 4), new LayerNorm(F, new int[] {4}, 1e-5, true).apply(zeros(0, 4)).shape());
        // a 2-D (N, C) input normalises per group of C / G channels: torch gives [-1, 1, -1, 1] up to eps
        double[] y = new GroupNorm(F, 2, 4, 1e-5, true).apply(Variable.constant(F.of(new double[] {0, 1, 2, 3}, 1, 4)))
                .value().toDoubleArray();
        double s = 0.5 / Math.sqrt(0.25 + 1e-5);
        assertArrayEquals(new double[] {-s, s, -s, s}, y, 1e-15);
    }

    @Test
    void adaptiveAvgPoolRefusesAnEmptyNonBatchAxisAndPassesAnEmptyBatch() {
        var e = assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPool2d(3, 3).apply(zeros(1, 1, 0, 2)));
        assertTrue(e.getMessage().startsWith("AdaptiveAvgPool2d(output_size=(3, 3))")
                && e.getMessage().contains("(1, 1, 0, 2) with axis 2 empty"), e.getMessage());
        var unbatched = assertThrows(IllegalArgumentException.class,
                () -> new AdaptiveAvgPool2d(1, 1).apply(zeros(0, 2, 2)));
        assertTrue(unbatched.getMessage().contains("axis 0 empty"), unbatched.getMessage());
        assertEquals(Shape.of(0, 1, 3, 3), new AdaptiveAvgPool2d(3, 3).apply(zeros(0, 1, 2, 2)).shape());
    }
}
