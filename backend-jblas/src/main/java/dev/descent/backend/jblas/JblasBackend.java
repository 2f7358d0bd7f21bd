package dev.descent.backend.jblas;

import dev.descent.core.DType;
import dev.descent.core.kernels.Kernels;
import dev.descent.core.spi.Backend;
import org.jblas.NativeBlas;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The native-BLAS backend: GEMM through jBLAS's {@code NativeBlas.dgemm/sgemm} directly on the tensors' row-major
 * arrays; every other kernel is core's shared implementation. Safe for concurrent callers: the native calls are
 * serialised behind one lock.
 *
 * <p>NOTE: BLAS is column-major. A row-major {@code r x c} matrix is, read column-major, its {@code c x r}
 * transpose, so row-major {@code C = op(A) op(B)} is computed as column-major {@code C^T = op(B)^T op(A)^T}: the
 * operands swap places, keep their transpose flags, and nothing is copied.
 *
 * <pre>{@code
 * Backend jblas = Backends.get("jblas");
 * }</pre>
 */
public final class JblasBackend implements Backend {
    /** {@code -Ddescent.jblas.lock=off} drops the lock, to measure its cost only: concurrent products are then wrong. */
    static final String LOCK_PROPERTY = "descent.jblas.lock";
    private static final boolean LOCKED = !"off".equalsIgnoreCase(System.getProperty(LOCK_PROPERTY, "on").strip());
    /**
     * One lock around every native BLAS call of every jBLAS backend in the JVM.
     *
     * <p>NOTE: jBLAS 1.2.5's bundled OpenBLAS (2020) is not safe for concurrent callers: two threads calling
     * {@code NativeBlas.sgemm} at once on 16x64 . 64x256 or 16x256 . 256x256 (also in float64, also with
     * {@code OPENBLAS_NUM_THREADS=1}) get wrong products now and then. The calls are therefore serialised
     * ({@code JblasConcurrencyTest} counts the wrong products with and without the lock).
     */
    private static final ReentrantLock NATIVE = new ReentrantLock();

    /**
     * A backend on jBLAS's natives, loaded first if need be ({@link JblasNatives}).
     *
     * @throws IllegalStateException when jBLAS cannot run here, with the reason and the fix
     */
    public JblasBackend() {
        try {
            JblasNatives.load();
        } catch (JblasUnavailable e) {
            throw new IllegalStateException("jblas backend is unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "jblas";
    }

    @Override
    public void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, double alpha,
                     Object a, int aOffset, Object b, int bOffset, double beta, Object c, int cOffset) {
        if (c == a || c == b) { // BLAS forbids an output that overlaps an input
            Kernels.gemm(dtype, transA, transB, m, n, k, alpha, a, aOffset, b, bOffset, beta, c, cOffset);
            return;
        }
        char tb = transB ? 'T' : 'N', ta = transA ? 'T' : 'N';
        int ldb = Math.max(1, transB ? k : n); // leading dimension = row length of the stored row-major matrix
        int lda = Math.max(1, transA ? m : k);
        int ldc = Math.max(1, n);
        if (LOCKED) NATIVE.lock();
        try {
            if (dtype == DType.FLOAT64) {
                NativeBlas.dgemm(tb, ta, n, m, k, alpha, (double[]) b, bOffset, ldb, (double[]) a, aOffset, lda,
                        beta, (double[]) c, cOffset, ldc);
            } else {
                NativeBlas.sgemm(tb, ta, n, m, k, (float) alpha, (float[]) b, bOffset, ldb, (float[]) a, aOffset, lda,
                        (float) beta, (float[]) c, cOffset, ldc);
            }
        } finally {
            if (LOCKED) NATIVE.unlock();
        }
    }
}
