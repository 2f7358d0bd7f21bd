package dev.descent.backend.ejml;

import dev.descent.core.DType;
import dev.descent.core.kernels.Kernels;
import dev.descent.core.spi.Backend;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;

/**
 * The pure-Java backend: GEMM on EJML's row-major matrices ({@code DMatrixRMaj}/{@code FMatrixRMaj} wrapped
 * around the tensors' own arrays, no copies), switching to EJML's multi-threaded kernels for large products;
 * every other kernel is core's shared implementation.
 *
 * <pre>{@code
 * Backend ejml = Backends.get("ejml");
 * Tensor c = Tensor.on(ejml, DType.FLOAT64).eye(3).matmul(...);
 * }</pre>
 */
public final class EjmlBackend implements Backend {
    /**
     * Products with at least this many multiply-adds ({@code m*n*k}) use EJML's multi-threaded kernels.
     * NOTE: measured with {@code EjmlThreadingBenchmark} on 2 cores (bench/README.md): square products break even
     * between n = 64 (single 96 us, multi 116 us) and n = 96 (single 291 us, multi 239 us).
     */
    static final long MT_THRESHOLD = 80L * 80 * 80;

    private final boolean multiThreaded;

    /** System property limiting EJML's threads (for benchmarks that compare at a fixed thread count). */
    public static final String THREADS_PROPERTY = "descent.ejml.threads";

    /**
     * A backend that uses EJML's multi-threaded GEMM for large products when the machine has several cores, or
     * when {@value #THREADS_PROPERTY} allows more than one thread (it also caps EJML's pool).
     */
    public EjmlBackend() {
        this(threads() > 1);
    }

    private static int threads() {
        String limit = System.getProperty(THREADS_PROPERTY);
        if (limit == null) return Runtime.getRuntime().availableProcessors();
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
    public void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, double alpha,
                     Object a, int aOffset, Object b, int bOffset, double beta, Object c, int cOffset) {
        if (c == a || c == b) { // EJML requires distinct output storage; the shared kernel copies what it must
            Kernels.gemm(dtype, transA, transB, m, n, k, alpha, a, aOffset, b, bOffset, beta, c, cOffset);
            return;
        }
        boolean mt = multiThreaded && (long) m * n * k >= MT_THRESHOLD;
        if (dtype == DType.FLOAT64) {
            DMatrixRMaj ma = wrap(transA ? k : m, transA ? m : k, (double[]) a, aOffset);
            DMatrixRMaj mb = wrap(transB ? n : k, transB ? k : n, (double[]) b, bOffset);
            DMatrixRMaj mc = wrap(m, n, (double[]) c, cOffset);
            if (beta != 0 && beta != 1) CommonOps_DDRM.scale(beta, mc);
            multD(mt, transA, transB, beta != 0, alpha, ma, mb, mc);
            unwrap(mc.data, (double[]) c, cOffset, m * n);
        } else {
            FMatrixRMaj ma = wrap(transA ? k : m, transA ? m : k, (float[]) a, aOffset);
            FMatrixRMaj mb = wrap(transB ? n : k, transB ? k : n, (float[]) b, bOffset);
            FMatrixRMaj mc = wrap(m, n, (float[]) c, cOffset);
            if (beta != 0 && beta != 1) CommonOps_FDRM.scale((float) beta, mc);
            multF(mt, transA, transB, beta != 0, (float) alpha, ma, mb, mc);
            unwrap(mc.data, (float[]) c, cOffset, m * n);
        }
    }

    /** C = alpha op(A) op(B), or C += alpha op(A) op(B) when {@code add}. */
    private static void multD(boolean mt, boolean ta, boolean tb, boolean add, double alpha,
                              DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        int variant = (ta ? 2 : 0) + (tb ? 1 : 0) + (add ? 4 : 0);
        if (mt) {
            switch (variant) {
                case 0 -> CommonOps_MT_DDRM.mult(alpha, a, b, c);
                case 1 -> CommonOps_MT_DDRM.multTransB(alpha, a, b, c);
                case 2 -> CommonOps_MT_DDRM.multTransA(alpha, a, b, c);
                case 3 -> CommonOps_MT_DDRM.multTransAB(alpha, a, b, c);
                case 4 -> CommonOps_MT_DDRM.multAdd(alpha, a, b, c);
                case 5 -> CommonOps_MT_DDRM.multAddTransB(alpha, a, b, c);
                case 6 -> CommonOps_MT_DDRM.multAddTransA(alpha, a, b, c);
                default -> CommonOps_MT_DDRM.multAddTransAB(alpha, a, b, c);
            }
        } else {
            switch (variant) {
                case 0 -> CommonOps_DDRM.mult(alpha, a, b, c);
                case 1 -> CommonOps_DDRM.multTransB(alpha, a, b, c);
                case 2 -> CommonOps_DDRM.multTransA(alpha, a, b, c);
                case 3 -> CommonOps_DDRM.multTransAB(alpha, a, b, c);
                case 4 -> CommonOps_DDRM.multAdd(alpha, a, b, c);
                case 5 -> CommonOps_DDRM.multAddTransB(alpha, a, b, c);
                case 6 -> CommonOps_DDRM.multAddTransA(alpha, a, b, c);
                default -> CommonOps_DDRM.multAddTransAB(alpha, a, b, c);
            }
        }
    }

    private static void multF(boolean mt, boolean ta, boolean tb, boolean add, float alpha,
                              FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        int variant = (ta ? 2 : 0) + (tb ? 1 : 0) + (add ? 4 : 0);
        if (mt) {
            switch (variant) {
                case 0 -> CommonOps_MT_FDRM.mult(alpha, a, b, c);
                case 1 -> CommonOps_MT_FDRM.multTransB(alpha, a, b, c);
                case 2 -> CommonOps_MT_FDRM.multTransA(alpha, a, b, c);
                case 3 -> CommonOps_MT_FDRM.multTransAB(alpha, a, b, c);
                case 4 -> CommonOps_MT_FDRM.multAdd(alpha, a, b, c);
                case 5 -> CommonOps_MT_FDRM.multAddTransB(alpha, a, b, c);
                case 6 -> CommonOps_MT_FDRM.multAddTransA(alpha, a, b, c);
                default -> CommonOps_MT_FDRM.multAddTransAB(alpha, a, b, c);
            }
        } else {
            switch (variant) {
                case 0 -> CommonOps_FDRM.mult(alpha, a, b, c);
                case 1 -> CommonOps_FDRM.multTransB(alpha, a, b, c);
                case 2 -> CommonOps_FDRM.multTransA(alpha, a, b, c);
                case 3 -> CommonOps_FDRM.multTransAB(alpha, a, b, c);
                case 4 -> CommonOps_FDRM.multAdd(alpha, a, b, c);
                case 5 -> CommonOps_FDRM.multAddTransB(alpha, a, b, c);
                case 6 -> CommonOps_FDRM.multAddTransA(alpha, a, b, c);
                default -> CommonOps_FDRM.multAddTransAB(alpha, a, b, c);
            }
        }
    }

    /**
     * An EJML matrix over {@code data}: the array itself when the matrix is all of it (the common case, no copy);
     * otherwise a copy of the batch slice at {@code offset}, since EJML matrices cannot start mid-array.
     */
    private static DMatrixRMaj wrap(int rows, int cols, double[] data, int offset) {
        if (offset == 0 && data.length == rows * cols) return DMatrixRMaj.wrap(rows, cols, data);
        double[] slice = new double[rows * cols];
        System.arraycopy(data, offset, slice, 0, slice.length);
        return DMatrixRMaj.wrap(rows, cols, slice);
    }

    private static FMatrixRMaj wrap(int rows, int cols, float[] data, int offset) {
        if (offset == 0 && data.length == rows * cols) return FMatrixRMaj.wrap(rows, cols, data);
        float[] slice = new float[rows * cols];
        System.arraycopy(data, offset, slice, 0, slice.length);
        return FMatrixRMaj.wrap(rows, cols, slice);
    }

    /** Copies a sliced result back into the batch storage (nothing to do when C was wrapped in place). */
    private static void unwrap(Object result, Object storage, int offset, int size) {
        if (result != storage) System.arraycopy(result, 0, storage, offset, size);
    }
}
