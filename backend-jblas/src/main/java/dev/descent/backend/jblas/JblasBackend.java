package dev.descent.backend.jblas;

import dev.descent.core.kernels.ArrayBackend;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The native-BLAS backend: core's {@link ArrayBackend} on JVM arrays, with GEMM through jBLAS's
 * {@code NativeBlas.dgemm/sgemm} directly on the row-major storage arrays (core hands over a copy of an input
 * that is also the output, which BLAS forbids), except that an operand which is a small part of a large array is
 * staged in a small one first ({@link DoubleStaging}: jBLAS copies every array it is given, whole). Safe for concurrent callers:
 * the native calls are serialised behind one lock.
 *
 * <p>NOTE: BLAS is column-major. A row-major {@code r x c} matrix is, read column-major, its {@code c x r}
 * transpose, so row-major {@code C = op(A) op(B)} is computed as column-major {@code C^T = op(B)^T op(A)^T}: the
 * operands swap places, keep their transpose flags, and nothing is copied.
 *
 * <pre>{@code
 * Backend jblas = Backends.get("jblas");
 * }</pre>
 */
public final class JblasBackend extends ArrayBackend {
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
    protected void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOffset,
                        double[] b, int bOffset, double beta, double[] c, int cOffset) {
        DoubleStaging.gemm(transA, transB, m, n, k, alpha, a, aOffset, b, bOffset, beta, c, cOffset, LOCK, UNLOCK);
    }

    @Override
    protected void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                        float[] b, int bOffset, float beta, float[] c, int cOffset) {
        FloatStaging.gemm(transA, transB, m, n, k, alpha, a, aOffset, b, bOffset, beta, c, cOffset, LOCK, UNLOCK);
    }

    private static final Runnable LOCK = () -> {
        if (LOCKED) NATIVE.lock();
    };
    private static final Runnable UNLOCK = () -> {
        if (LOCKED) NATIVE.unlock();
    };
}
