package dev.descent.optim.train;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {
    private static final TensorFactory F = Tensor.on(Backends.get(), DType.FLOAT32);

    @Test
    void accuracyWeightsBatchesBySize() {
        Metric acc = Metrics.accuracy();
        acc.reset();
        // batch 1: argmax [1, 0, 2] vs labels [1, 1, 2] -> 2 of 3; batch 2: [0] vs [0] -> 1 of 1
        acc.update(F.of(new double[] {0, 1, 0, 5, 1, 0, 0, 0, 3}, 3, 3), Tensor.on(F.backend(), DType.INT32).of(new int[] {1, 1, 2}));
        acc.update(F.of(new double[] {2, 1, 0}, 1, 3), F.of(new double[] {1, 0, 0}, 1, 3));
        assertEquals(0.75, acc.result(), 1e-12);
        acc.reset();
        assertTrue(Double.isNaN(acc.result()));
        assertThrows(IllegalArgumentException.class, () -> acc.update(F.zeros(3, 2), Tensor.on(F.backend(), DType.INT32).of(new int[] {1, 0})));
    }

    @Test
    void binaryAccuracyAndRegressionErrors() {
        Metric bin = Metrics.binaryAccuracy(0.5);
        bin.reset();
        bin.update(F.of(new double[] {0.9, 0.2, 0.6, 0.4}, 4, 1), F.of(new double[] {1, 0, 0, 0}, 4, 1));
        assertEquals(0.75, bin.result(), 1e-12);
        Metric mae = Metrics.meanAbsoluteError(), mse = Metrics.meanSquaredError();
        mae.reset();
        mse.reset();
        mae.update(F.of(new double[] {1, 2}), F.of(new double[] {0, 4}));
        mse.update(F.of(new double[] {1, 2}), F.of(new double[] {0, 4}));
        mae.update(F.of(new double[] {3}), F.of(new double[] {3}));
        mse.update(F.of(new double[] {3}), F.of(new double[] {3}));
        assertEquals(1.0, mae.result(), 1e-12);
        assertEquals(5.0 / 3, mse.result(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> mae.update(F.zeros(2), F.zeros(2, 1)));
    }
}
