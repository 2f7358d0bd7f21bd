package dev.descent.backend.openblas;

import dev.descent.core.kernels.ArrayBackend;

/**
 * The native-BLAS backend on OpenBLAS 0.3.31 (bytedeco's build): core's {@link ArrayBackend} on JVM arrays, so
 * every elementwise, reduction and movement kernel is core's, with GEMM through row-major {@code cblas_sgemm} and
 * {@code cblas_dgemm} ({@link DoubleGemm} and its generated float32 twin).
 *
 * <p>NOTE: storage stays on the heap, and each GEMM copies its operands into native buffers that the calling
 * thread reuses ({@link Workspace}), and the product back. Measured (1 thread, {@code sgemm}, loaded machine):
 * passing the arrays to JavaCPP, which copies them into fresh memory on every call, ran 1024x1024 at 43 GFLOP/s,
 * the reused buffers at 63, and operands already in native memory (what off-heap storage would give) at 61; the
 * reused buffers were as fast as the arrays at 32x2x16 as well. Off-heap storage would save the copies but need
 * every other kernel written again for native memory.
 *
 * <p>OpenBLAS 0.3.31 is built thread-safe: concurrent callers each get their own buffers and the library's own
 * locking. Its thread count follows Descent's one setting, {@code descent.threads} ({@link OpenblasNatives}).
 *
 * <pre>{@code
 * Backend openblas = Backends.get("openblas");
 * }</pre>
 */
public final class OpenblasBackend extends ArrayBackend {

    /**
     * A backend on OpenBLAS, loaded first if need be.
     *
     * @throws IllegalStateException when OpenBLAS cannot run here, with the reason
     */
    public OpenblasBackend() {
        try {
            OpenblasNatives.load();
        } catch (OpenblasUnavailable e) {
            throw new IllegalStateException("openblas backend is unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "openblas";
    }

    /** Keeps a native copy of the operand for the calling thread's products while {@code body} runs. */
    @Override
    protected void withGemmOperand(Object array, Runnable body) {
        Workspace.current().keep(array, body);
    }

    @Override
    protected void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOffset,
                        double[] b, int bOffset, double beta, double[] c, int cOffset) {
        DoubleGemm.gemm(transA, transB, m, n, k, alpha, a, aOffset, b, bOffset, beta, c, cOffset);
    }

    @Override
    protected void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                        float[] b, int bOffset, float beta, float[] c, int cOffset) {
        FloatGemm.gemm(transA, transB, m, n, k, alpha, a, aOffset, b, bOffset, beta, c, cOffset);
    }
}
