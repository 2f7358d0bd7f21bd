package dev.descent.backend.ejml;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;

// float32 twin: FloatGemm DMatrixRMaj=FMatrixRMaj CommonOps_DDRM=CommonOps_FDRM CommonOps_MT_DDRM=CommonOps_MT_FDRM
/**
 * Row-major float64 GEMM on EJML's {@code DMatrixRMaj} wrapped around the storage arrays. This file is a float64
 * template: the build generates its float32 twin on {@code FMatrixRMaj} (build-tools' {@code Float32Generator}).
 */
final class DoubleGemm {
    private DoubleGemm() {
    }

    /** {@code C = alpha op(A) op(B) + beta C}, multi-threaded when {@code mt}; C is neither A nor B. */
    static void gemm(boolean mt, boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a,
                     int aOffset, double[] b, int bOffset, double beta, double[] c, int cOffset) {
        DMatrixRMaj ma = wrap(transA ? k : m, transA ? m : k, a, aOffset);
        DMatrixRMaj mb = wrap(transB ? n : k, transB ? k : n, b, bOffset);
        DMatrixRMaj mc = wrap(m, n, c, cOffset);
        if (beta != 0 && beta != 1) CommonOps_DDRM.scale(beta, mc);
        mult(mt, transA, transB, beta != 0, alpha, ma, mb, mc);
        if (mc.data != c) System.arraycopy(mc.data, 0, c, cOffset, m * n); // a sliced result goes back
    }

    /** C = alpha op(A) op(B), or C += alpha op(A) op(B) when {@code add}. */
    private static void mult(boolean mt, boolean ta, boolean tb, boolean add, double alpha,
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

}
