package dev.descent.backend.jblas;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import dev.descent.core.spi.Storage;
import dev.descent.core.testing.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.nio.DoubleBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Products on slices of large arrays (the per-image GEMMs of a convolution) are staged in small arrays
 * ({@link DoubleStaging}); they must equal the reference backend's, including accumulation into C ({@code beta != 0})
 * and the parts of C outside the product, which stay as they were.
 */
class JblasStagingTest {
    private static final Backend JBLAS = new JblasBackend(), REF = ReferenceBackend.INSTANCE;

    /** A storage of {@code size} uniform values on {@code backend}, the same values for the same seed. */
    private static Storage storage(Backend backend, DType dtype, long seed, int size) {
        double[] v = Tensor.on(REF, DType.FLOAT64).uniform(new Rng(seed), -1, 1, size).toDoubleArray();
        Storage s = backend.allocate(dtype, size);
        Tensor t = Tensor.on(REF, dtype).of(v);
        backend.write(dtype == DType.FLOAT64 ? DoubleBuffer.wrap(v) : java.nio.FloatBuffer.wrap(t.toFloatArray()), s, 0);
        return s;
    }

    private static double[] values(Backend backend, DType dtype, Storage s) {
        if (dtype == DType.FLOAT64) {
            DoubleBuffer out = DoubleBuffer.allocate(s.size());
            backend.read(s, 0, out);
            return out.array();
        }
        java.nio.FloatBuffer out = java.nio.FloatBuffer.allocate(s.size());
        backend.read(s, 0, out);
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) d[i] = out.get(i);
        return d;
    }

    @Test
    void stagedProductsOnSlicesOfLargeArraysEqualTheReference() {
        int m = 5, n = 7, k = 3;
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    for (double beta : new double[] {0, 0.5}) {
                        double[][] results = new double[2][];
                        Backend[] backends = {JBLAS, REF};
                        for (int i = 0; i < 2; i++) {
                            Backend b = backends[i];
                            Storage a = storage(b, dtype, 1, 40 * m * k), x = storage(b, dtype, 2, 40 * k * n);
                            Storage c = storage(b, dtype, 3, 40 * m * n);
                            b.gemm(transA, transB, m, n, k, 1.5, a, 17 * m * k + 1, x, 9 * k * n + 3, beta, c,
                                    11 * m * n + 2);
                            results[i] = values(b, dtype, c);
                        }
                        double tol = dtype == DType.FLOAT64 ? 1e-12 : 1e-5;
                        assertArrayEquals(results[1], results[0], tol, dtype + " transA " + transA + " transB "
                                + transB + " beta " + beta);
                    }
                }
            }
        }
    }
}
