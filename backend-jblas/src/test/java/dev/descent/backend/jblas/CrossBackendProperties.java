package dev.descent.backend.jblas;

import dev.descent.backend.ejml.EjmlBackend;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.constraints.IntRange;

import static dev.descent.core.testing.TensorAssert.maxScaledError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EJML and jBLAS agree on random shapes and values: matmul in every transpose combination, plain and batched,
 * within 1e-12 (float64) and 1e-5 (float32) relative to {@code |A|·|B|}; the shared elementwise and reduction
 * kernels agree exactly. The worst errors seen are printed for the record.
 */
class CrossBackendProperties {
    private static final Backend EJML = new EjmlBackend();
    private static final Backend JBLAS = JblasConformanceTest.jblas();
    private static double worst64, worst32;

    @Property(tries = 60)
    void matmulAgrees(@ForAll @IntRange(min = 1, max = 130) int m, @ForAll @IntRange(min = 1, max = 130) int n,
                      @ForAll @IntRange(min = 1, max = 130) int k, @ForAll boolean transA, @ForAll boolean transB,
                      @ForAll boolean float32, @ForAll long seed) {
        DType dt = float32 ? DType.FLOAT32 : DType.FLOAT64;
        Rng rng = new Rng(seed);
        Tensor a = Tensor.on(EJML, dt).normal(rng, 0, 1, transA ? k : m, transA ? m : k);
        Tensor b = Tensor.on(EJML, dt).normal(rng, 0, 1, transB ? n : k, transB ? k : n);
        Tensor viaEjml = a.matmul(b, transA, transB);
        Tensor viaJblas = a.to(JBLAS).matmul(b.to(JBLAS), transA, transB).to(EJML);
        Tensor scale = a.abs().to(DType.FLOAT64).matmul(b.abs().to(DType.FLOAT64), transA, transB);
        double err = maxScaledError(viaEjml, viaJblas, scale);
        record(float32, err);
        assertTrue(err < (float32 ? 1e-5 : 1e-12), dt + " relative error " + err);
    }

    @Property(tries = 30)
    void batchedMatmulAgrees(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 1, max = 40) int m,
                             @ForAll @IntRange(min = 1, max = 40) int k, @ForAll @IntRange(min = 1, max = 40) int n,
                             @ForAll boolean float32, @ForAll long seed) {
        DType dt = float32 ? DType.FLOAT32 : DType.FLOAT64;
        Rng rng = new Rng(seed);
        Tensor a = Tensor.on(EJML, dt).normal(rng, 0, 1, batch, m, k);
        Tensor b = Tensor.on(EJML, dt).normal(rng, 0, 1, batch, k, n);
        Tensor scale = a.abs().to(DType.FLOAT64).matmul(b.abs().to(DType.FLOAT64));
        double err = maxScaledError(a.matmul(b), a.to(JBLAS).matmul(b.to(JBLAS)).to(EJML), scale);
        record(float32, err);
        assertTrue(err < (float32 ? 1e-5 : 1e-12), dt + " relative error " + err);
    }

    @Property(tries = 30)
    void sharedKernelsAgreeExactly(@ForAll @IntRange(min = 1, max = 50) int rows,
                                   @ForAll @IntRange(min = 1, max = 50) int cols, @ForAll long seed) {
        Tensor x = Tensor.on(EJML, DType.FLOAT32).normal(new Rng(seed), 0, 2, rows, cols);
        Tensor bias = Tensor.on(EJML, DType.FLOAT32).normal(new Rng(seed + 1), 0, 2, cols);
        Tensor e = x.add(bias).tanh().sum(0);
        Tensor j = x.to(JBLAS).add(bias.to(JBLAS)).tanh().sum(0);
        assertArrayEquals(e.toFloatArray(), j.toFloatArray());
        assertArrayEquals(x.argmax(1).toIntArray(), x.to(JBLAS).argmax(1).toIntArray());
    }

    private static synchronized void record(boolean float32, double err) {
        if (float32) worst32 = Math.max(worst32, err);
        else worst64 = Math.max(worst64, err);
    }

    @AfterContainer
    static void report() {
        System.out.printf("EJML vs jBLAS matmul: worst relative error float64 %.3e, float32 %.3e%n", worst64, worst32);
    }
}
