package dev.descent.backend.jblas;

// float32 twin: FloatStaging dgemm=sgemm
import org.jblas.NativeBlas;

/**
 * Row-major float64 GEMM through {@code NativeBlas.dgemm}, with operands that are a small part of a large array
 * staged in the calling thread's reused arrays. This file is a float64 template: the build generates its float32 twin
 * on {@code NativeBlas.sgemm} (build-tools' {@code Float32Generator}).
 *
 * <p>NOTE: jBLAS's JNI functions take each array with {@code Get<Type>ArrayElements}, which on HotSpot copies the
 * whole array into native memory and back on every call. A product on a slice of a large array, such as a
 * convolution's per-image GEMM on the batch's output or gradient, would then copy the whole batch once per image.
 * An operand whose array is more than {@value #SLACK} times its extent is therefore copied into (and C back out of)
 * an array of about its own size, so each call moves only what it computes on.
 */
final class DoubleStaging {
    /** An operand is staged when its array holds more than this many times its elements. */
    static final int SLACK = 2;
    private static final ThreadLocal<double[][]> BUFFERS = ThreadLocal.withInitial(() -> new double[3][]);

    private DoubleStaging() {
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C} on row-major heap arrays at the given offsets (A is {@code m x k} as
     * stored after {@code op}, B {@code k x n}, C {@code m x n}, all contiguous); C is neither A nor B.
     * {@code lock} runs around the native call only.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOffset,
                     double[] b, int bOffset, double beta, double[] c, int cOffset, Runnable lock, Runnable unlock) {
        int sa = m * k, sb = k * n, sc = m * n;
        double[][] buffers = BUFFERS.get();
        boolean stageA = a.length > SLACK * sa, stageB = b.length > SLACK * sb, stageC = c.length > SLACK * sc;
        double[] pa = stageA ? copy(a, aOffset, sa, buffers, 0) : a;
        double[] pb = stageB ? copy(b, bOffset, sb, buffers, 1) : b;
        double[] pc = stageC ? (beta != 0 ? copy(c, cOffset, sc, buffers, 2) : buffer(buffers, 2, sc)) : c;
        lock.run();
        try {
            // NOTE: BLAS is column-major; row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T
            NativeBlas.dgemm(trans(transB), trans(transA), n, m, k, alpha, pb, stageB ? 0 : bOffset,
                    ld(transB ? k : n), pa, stageA ? 0 : aOffset, ld(transA ? m : k), beta, pc,
                    stageC ? 0 : cOffset, ld(n));
        } finally {
            unlock.run();
        }
        if (stageC) System.arraycopy(pc, 0, c, cOffset, sc);
    }

    /** {@code size} elements of {@code src} from {@code offset} in staging buffer {@code slot}. */
    private static double[] copy(double[] src, int offset, int size, double[][] buffers, int slot) {
        double[] out = buffer(buffers, slot, size);
        System.arraycopy(src, offset, out, 0, size);
        return out;
    }

    /**
     * Staging buffer {@code slot} with room for {@code size} elements and not much more (it is copied whole too):
     * reallocated when too small or more than four times too large.
     */
    private static double[] buffer(double[][] buffers, int slot, int size) {
        double[] out = buffers[slot];
        if (out == null || out.length < size || out.length > 4L * size + 1024) {
            out = new double[Math.max(1, size)];
            buffers[slot] = out;
        }
        return out;
    }

    private static char trans(boolean t) {
        return t ? 'T' : 'N';
    }

    /** The leading dimension: the row length of the stored row-major matrix (BLAS needs at least 1). */
    private static int ld(int rowLength) {
        return Math.max(1, rowLength);
    }
}
