package dev.descent.core;

import dev.descent.core.kernels.Strided;

/** {@code torch.matmul} semantics on the backend's GEMM: vector promotion, batch broadcasting, transpose flags. */
final class MatMul {
    private MatMul() {
    }

    static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        Checks.sameKind("matmul", a, b);
        Checks.floating("matmul", a);
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension, got "
                    + a.shape() + " and " + b.shape());
        }
        if ((transA && a.rank() < 2) || (transB && b.rank() < 2)) {
            throw new IllegalArgumentException("matmul: a transposed argument needs rank >= 2, got "
                    + a.shape() + (transA ? "^T" : "") + " and " + b.shape() + (transB ? "^T" : ""));
        }
        boolean vecA = a.rank() == 1, vecB = b.rank() == 1;
        Tensor x = vecA ? a.reshape(1, a.dim(0)) : a;
        Tensor y = vecB ? b.reshape(b.dim(0), 1) : b;
        int m = transA ? x.dim(-1) : x.dim(-2), k = transA ? x.dim(-2) : x.dim(-1);
        int kb = transB ? y.dim(-1) : y.dim(-2), n = transB ? y.dim(-2) : y.dim(-1);
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + a.shape() + (transA ? "^T" : "")
                    + " @ " + b.shape() + (transB ? "^T" : "") + " (" + k + " vs " + kb + ")");
        }
        if (x.rank() == 2 && y.rank() == 2) { // the common case: one GEMM, no batch bookkeeping
            // NOTE: the GEMM with beta 0 writes every element, so a pooled output needs no clearing; with k = 0 the
            // product is all zeros.
            Tensor out = k > 0 ? Tensor.empty(a.backend(), a.dtype(), Shape.of(m, n))
                    : Tensor.allocate(a.backend(), a.dtype(), Shape.of(m, n));
            if (m > 0 && n > 0 && k > 0) {
                a.backend().gemm(transA, transB, m, n, k, 1.0, x.storage(), 0, y.storage(), 0, 0.0, out.storage(), 0);
            }
            return vecA && vecB ? out.reshape() : vecA ? out.squeeze(-2) : vecB ? out.squeeze(-1) : out;
        }
        Shape batchA = Shape.of(java.util.Arrays.copyOf(x.shape().dims(), x.rank() - 2));
        Shape batchB = Shape.of(java.util.Arrays.copyOf(y.shape().dims(), y.rank() - 2));
        Shape batch = Shape.broadcast("matmul (batch axes)", batchA, batchB);
        int[] outDims = java.util.Arrays.copyOf(batch.dims(), batch.rank() + 2);
        outDims[batch.rank()] = m;
        outDims[batch.rank() + 1] = n;
        Tensor out = k > 0 ? Tensor.empty(a.backend(), a.dtype(), Shape.of(outDims))
                : Tensor.allocate(a.backend(), a.dtype(), Shape.of(outDims));
        if (m > 0 && n > 0 && k > 0 && batch.size() > 0) {
            int[] offA = batchOffsets(batch, batchA, m * k);
            int[] offB = batchOffsets(batch, batchB, k * n);
            for (int i = 0; i < offA.length; i++) {
                a.backend().gemm(transA, transB, m, n, k, 1.0, x.storage(), offA[i], y.storage(), offB[i], 0.0,
                        out.storage(), i * m * n);
            }
        }
        if (vecA && vecB) return out.reshape();
        if (vecA) return out.squeeze(-2);
        if (vecB) return out.squeeze(-1);
        return out;
    }

    /**
     * {@code x·w + bias} for {@code x (batch, in)}, {@code w (in, out)} and {@code bias (out,)}: the bias rows, then
     * one GEMM that adds the product onto them (PyTorch's {@code addmm}). Equal to {@code matmul} then {@code add}
     * up to rounding (the bias joins the sum first), with one output array instead of two.
     */
    static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        String op = "linear";
        Checks.sameKind(op, x, w);
        Checks.sameKind(op, x, bias);
        Checks.floating(op, x);
        if (x.rank() != 2 || w.rank() != 2 || bias.rank() != 1 || w.dim(0) != x.dim(1) || bias.dim(0) != w.dim(1)) {
            throw new IllegalArgumentException(op + ": expected x (batch, in), weight (in, out) and bias (out,), got "
                    + x.shape() + ", " + w.shape() + " and " + bias.shape());
        }
        int m = x.dim(0), k = x.dim(1), n = w.dim(1);
        Tensor out = Tensor.empty(x.backend(), x.dtype(), Shape.of(m, n)); // the bias rows fill it
        if (m == 0 || n == 0) return out;
        out.backend().broadcastTo(bias.storage(), bias.shape(), out.storage(), out.shape());
        if (k > 0) {
            x.backend().gemm(false, false, m, n, k, 1.0, x.storage(), 0, w.storage(), 0, 1.0, out.storage(), 0);
        }
        return out;
    }

    /** {@code out = op(a)·op(b)} for 2-D {@code a} and {@code b}, into an existing {@code out}; checks first. */
    static void matmulInto(Tensor a, Tensor b, boolean transA, boolean transB, Tensor out) {
        String op = "InPlace.matmul";
        Checks.sameKind(op, a, b);
        Checks.sameKind(op, a, out);
        Checks.floating(op, a);
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException(op + ": expected two matrices (rank 2), got " + a.shape() + " and "
                    + b.shape());
        }
        int m = transA ? a.dim(1) : a.dim(0), k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0), n = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException(op + ": inner dimensions differ: " + a.shape() + (transA ? "^T" : "")
                    + " @ " + b.shape() + (transB ? "^T" : "") + " (" + k + " vs " + kb + ")");
        }
        Checks.shapeEquals(op, Shape.of(m, n), out.shape());
        if (m == 0 || n == 0) return;
        if (k == 0) {
            out.backend().fill(out.storage(), 0);
            return;
        }
        // NOTE: the SPI's GEMM accepts an output that is also an input.
        a.backend().gemm(transA, transB, m, n, k, 1.0, a.storage(), 0, b.storage(), 0, 0.0, out.storage(), 0);
    }

    /** Start offset of each batch matrix of an operand whose batch shape broadcasts to {@code batch}. */
    private static int[] batchOffsets(Shape batch, Shape own, int matrixSize) {
        int rank = batch.rank();
        int[] ownStrides = own.strides();
        int[] strides = new int[rank];
        for (int i = 0; i < rank; i++) {
            int axis = i - (rank - own.rank());
            strides[i] = axis < 0 || own.dim(axis) == 1 ? 0 : ownStrides[axis] * matrixSize;
        }
        return Strided.offsets(batch.dims(), strides, 0);
    }
}
