package dev.descent.backend.jblas;

import dev.descent.backend.ejml.EjmlBackend;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.conformance.BackendProperties;
import dev.descent.core.spi.Backend;
import dev.descent.core.conformance.BackendProperties.MatmulCase;
import dev.descent.core.testing.Props;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.util.Arrays;

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

    @Test
    void matmulAgrees() {
        Props.tries(60).forAll(BackendProperties.matmulCases(130)).checkAssert(CrossBackendProperties::matmulAgrees);
    }

    private static void matmulAgrees(MatmulCase c) {
        int m = c.m(), n = c.n(), k = c.k();
        boolean transA = c.transA(), transB = c.transB(), float32 = c.float32();
        DType dt = c.dtype();
        Rng rng = new Rng(c.seed());
        Tensor a = Tensor.on(EJML, dt).normal(rng, 0, 1, transA ? k : m, transA ? m : k);
        Tensor b = Tensor.on(EJML, dt).normal(rng, 0, 1, transB ? n : k, transB ? k : n);
        Tensor viaEjml = a.matmul(b, transA, transB);
        Tensor viaJblas = a.to(JBLAS).matmul(b.to(JBLAS), transA, transB).to(EJML);
        Tensor scale = a.abs().to(DType.FLOAT64).matmul(b.abs().to(DType.FLOAT64), transA, transB);
        double err = maxScaledError(viaEjml, viaJblas, scale);
        record(float32, err);
        assertTrue(err < (float32 ? 1e-5 : 1e-12), dt + " relative error " + err);
    }

    @Test
    void batchedMatmulAgrees() {
        Gen<Integer> size = Props.ints(1, 40);
        Gen<int[]> batchMkn = Props.ints(1, 4).zip(size, size, size, (batch, m, k, n) -> new int[] {batch, m, k, n})
                .describedAs(Arrays::toString);
        Props.tries(30).forAll(batchMkn, Props.bools(), Props.anyLong())
                .checkAssert((d, float32, seed) -> batchedMatmulAgrees(d[0], d[1], d[2], d[3], float32, seed));
    }

    private static void batchedMatmulAgrees(int batch, int m, int k, int n, boolean float32, long seed) {
        DType dt = float32 ? DType.FLOAT32 : DType.FLOAT64;
        Rng rng = new Rng(seed);
        Tensor a = Tensor.on(EJML, dt).normal(rng, 0, 1, batch, m, k);
        Tensor b = Tensor.on(EJML, dt).normal(rng, 0, 1, batch, k, n);
        Tensor scale = a.abs().to(DType.FLOAT64).matmul(b.abs().to(DType.FLOAT64));
        double err = maxScaledError(a.matmul(b), a.to(JBLAS).matmul(b.to(JBLAS)).to(EJML), scale);
        record(float32, err);
        assertTrue(err < (float32 ? 1e-5 : 1e-12), dt + " relative error " + err);
    }

    @Test
    void sharedKernelsAgreeExactly() {
        Props.tries(30).forAll(Props.ints(1, 50), Props.ints(1, 50), Props.anyLong())
                .checkAssert(CrossBackendProperties::sharedKernelsAgree);
    }

    private static void sharedKernelsAgree(int rows, int cols, long seed) {
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

    @AfterAll
    static void report() {
        System.out.printf("EJML vs jBLAS matmul: worst relative error float64 %.3e, float32 %.3e%n", worst64, worst32);
    }
}
