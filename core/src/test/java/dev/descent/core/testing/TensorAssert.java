package dev.descent.core.testing;

import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Value assertions on tensors. */
public final class TensorAssert {
    private TensorAssert() {
    }

    /** The default tolerance of a dtype: a few ulps of float32, or of float64. */
    public static double tolerance(DType dtype) {
        return dtype == DType.FLOAT32 ? 2e-6 : 1e-14;
    }

    /** Asserts the shape and every element within {@code tol * max(1, |expected|)}; NaN must match NaN. */
    public static void assertTensor(Tensor actual, Shape shape, double[] expected, double tol) {
        assertEquals(shape, actual.shape(), "shape");
        double[] v = actual.toDoubleArray();
        assertEquals(expected.length, v.length, "size");
        for (int i = 0; i < v.length; i++) {
            double e = expected[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(v[i])
                    : Double.isInfinite(e) ? e == v[i]
                    : Math.abs(v[i] - e) <= tol * Math.max(1, Math.abs(e));
            if (!ok) {
                fail("element " + i + " of " + shape + ": expected " + e + ", got " + v[i] + " (tolerance " + tol
                        + ")\nactual: " + actual);
            }
        }
    }

    public static void assertTensor(Tensor actual, double[] expected, int... shape) {
        assertTensor(actual, Shape.of(shape), expected, tolerance(actual.dtype()));
    }

    /** Largest {@code |a - b| / scale} over elements, where {@code scale} is elementwise and positive. */
    public static double maxScaledError(Tensor a, Tensor b, Tensor scale) {
        double[] x = a.toDoubleArray(), y = b.toDoubleArray(), s = scale.toDoubleArray();
        double worst = 0;
        for (int i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(s[i], 1e-300));
        return worst;
    }
}
