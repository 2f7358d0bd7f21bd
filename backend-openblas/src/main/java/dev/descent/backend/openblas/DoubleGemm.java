package dev.descent.backend.openblas;

import org.bytedeco.javacpp.DoublePointer;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;

// float32 twin: FloatGemm cblas_dgemm=cblas_sgemm doubles=floats
/**
 * Row-major float64 GEMM through {@code cblas_dgemm} on the calling thread's reused native buffers
 * ({@link Workspace}), or on the copy of an operand the thread keeps ({@link Workspace#keep}). This file is a
 * float64 template: the build generates its float32 twin on
 * {@code cblas_sgemm} (build-tools' {@code Float32Generator}).
 */
final class DoubleGemm {
    private DoubleGemm() {
    }

    /** {@code C = alpha op(A) op(B) + beta C} on heap arrays at the given offsets; C is neither A nor B. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOffset,
                     double[] b, int bOffset, double beta, double[] c, int cOffset) {
        if (m == 0 || n == 0) return;
        Workspace w = Workspace.current();
        DoublePointer pa = w.operand(0, a, aOffset, m * k);
        DoublePointer pb = w.operand(1, b, bOffset, k * n);
        DoublePointer pc = w.doubles(2, (long) m * n);
        if (beta != 0) pc.put(c, cOffset, m * n);
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k,
                alpha, pa, ld(transA ? m : k), pb, ld(transB ? k : n), beta, pc, ld(n));
        pc.get(c, cOffset, m * n);
    }

    /** The leading dimension: the row length of the stored row-major matrix (BLAS needs at least 1). */
    private static int ld(int rowLength) {
        return Math.max(1, rowLength);
    }
}
