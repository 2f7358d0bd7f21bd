package dev.descent.backend.ejml;

import dev.descent.core.Threads;
import dev.descent.core.kernels.ArrayBackend;

/**
 * The pure-Java backend: core's {@link ArrayBackend} on JVM arrays, with GEMM on EJML's row-major matrices
 * ({@code DMatrixRMaj}/{@code FMatrixRMaj} wrapped around the storage arrays, no copies, in {@link DoubleGemm} and
 * its generated float32 twin), switching to EJML's multi-threaded kernels for large products.
 *
 * <pre>{@code
 * Backend ejml = Backends.get("ejml");
 * Tensor c = Tensor.on(ejml, DType.FLOAT64).eye(3).matmul(...);
 * }</pre>
 */
public final class EjmlBackend extends ArrayBackend {
    /**
     * Products with at least this many multiply-adds ({@code m*n*k}) use EJML's multi-threaded kernels.
     * NOTE: measured with {@code EjmlThreadingBenchmark} on 2 cores (bench/README.md): square products break even
     * between n = 64 (single 96 us, multi 116 us) and n = 96 (single 291 us, multi 239 us).
     */
    static final long MT_THRESHOLD = 80L * 80 * 80;

    private final boolean multiThreaded;

    /**
     * System property that overrides Descent's one thread setting for EJML alone (kept for benchmarks that set it);
     * without it, EJML follows {@link Threads#count()} ({@code descent.threads} / {@code DESCENT_THREADS}).
     */
    public static final String THREADS_PROPERTY = "descent.ejml.threads";

    /**
     * A backend that uses EJML's multi-threaded GEMM for large products when the thread setting allows more than
     * one thread; EJML's pool ({@code EjmlConcurrency.setMaxThreads}) gets that many threads.
     */
    public EjmlBackend() {
        this(threads() > 1);
    }

    private static int threads() {
        String limit = System.getProperty(THREADS_PROPERTY);
        if (limit == null) {
            int n = Threads.count();
            org.ejml.concurrency.EjmlConcurrency.setMaxThreads(n);
            return n;
        }
        int n;
        try {
            n = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(THREADS_PROPERTY + " must be a positive integer, got '" + limit + "'");
        }
        if (n < 1) throw new IllegalArgumentException(THREADS_PROPERTY + " must be >= 1, got " + n);
        org.ejml.concurrency.EjmlConcurrency.setMaxThreads(n);
        return n;
    }

    EjmlBackend(boolean multiThreaded) {
        this.multiThreaded = multiThreaded;
    }

    @Override
    public String name() {
        return "ejml";
    }

    @Override
    protected void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOffset,
                        double[] b, int bOffset, double beta, double[] c, int cOffset) {
        DoubleGemm.gemm(multiThreaded(m, n, k), transA, transB, m, n, k, alpha, a, aOffset, b, bOffset, beta, c, cOffset);
    }

    @Override
    protected void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                        float[] b, int bOffset, float beta, float[] c, int cOffset) {
        FloatGemm.gemm(multiThreaded(m, n, k), transA, transB, m, n, k, alpha, a, aOffset, b, bOffset, beta, c, cOffset);
    }

    private boolean multiThreaded(int m, int n, int k) {
        return multiThreaded && (long) m * n * k >= MT_THRESHOLD;
    }
}
