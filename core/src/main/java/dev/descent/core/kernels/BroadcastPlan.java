package dev.descent.core.kernels;

import dev.descent.core.Shape;

/**
 * How a broadcast elementwise op walks its operands: the output is cut into {@code rows} contiguous rows of
 * {@code rowLen} elements, and each operand has a start offset per row and an inner stride (1, or 0 for an
 * operand broadcast along the row). Axes of size 1 are dropped and adjacent axes that are contiguous in every
 * operand are merged first, so a same-shape op is one row and a bias add is one row per sample.
 */
public final class BroadcastPlan {
    /** Number of output rows. */
    public final int rows;
    /** Elements per row. */
    public final int rowLen;
    /** {@code offsets[k][r]}: where row {@code r} of operand {@code k} starts. */
    public final int[][] offsets;
    /** {@code innerStride[k]}: 1 or 0. */
    public final int[] innerStride;

    private BroadcastPlan(int rows, int rowLen, int[][] offsets, int[] innerStride) {
        this.rows = rows;
        this.rowLen = rowLen;
        this.offsets = offsets;
        this.innerStride = innerStride;
    }

    /** The plan for operands of the given shapes, each of which must broadcast to {@code out}. */
    public static BroadcastPlan of(Shape out, Shape... operands) {
        int n = operands.length;
        int[] outDims = out.dims();
        int rank = outDims.length;
        // Aligned strides of each operand over the output's axes, skipping axes of size 1.
        int kept = 0;
        int[] dims = new int[rank];
        int[][] strides = new int[n][rank];
        int[][] own = new int[n][];
        for (int k = 0; k < n; k++) own[k] = operands[k].strides();
        for (int i = 0; i < rank; i++) {
            if (outDims[i] == 1) continue;
            dims[kept] = outDims[i];
            for (int k = 0; k < n; k++) {
                int shift = rank - operands[k].rank();
                int axis = i - shift;
                strides[k][kept] = axis < 0 || operands[k].dim(axis) == 1 ? 0 : own[k][axis];
            }
            kept++;
        }
        // Merge axis i into i+1 when every operand is contiguous across them.
        int m = 0;
        int[] mdims = new int[Math.max(kept, 1)];
        int[][] mstrides = new int[n][Math.max(kept, 1)];
        for (int i = 0; i < kept; i++) {
            boolean merge = m > 0;
            for (int k = 0; k < n && merge; k++) {
                merge = mstrides[k][m - 1] == strides[k][i] * dims[i];
            }
            if (merge) {
                mdims[m - 1] *= dims[i];
                for (int k = 0; k < n; k++) mstrides[k][m - 1] = strides[k][i];
            } else {
                mdims[m] = dims[i];
                for (int k = 0; k < n; k++) mstrides[k][m] = strides[k][i];
                m++;
            }
        }
        if (m == 0) { // every axis has size 1: one element
            int[][] offsets = new int[n][1];
            return new BroadcastPlan(out.size() == 0 ? 0 : 1, 1, offsets, new int[n]);
        }
        int rowLen = mdims[m - 1];
        int rows = out.size() / Math.max(rowLen, 1);
        if (out.size() == 0) rows = 0;
        int[] innerStride = new int[n];
        int[][] offsets = new int[n][];
        int[] outerDims = java.util.Arrays.copyOf(mdims, m - 1);
        for (int k = 0; k < n; k++) {
            innerStride[k] = mstrides[k][m - 1];
            offsets[k] = rows == 0 ? new int[0] : Strided.offsets(outerDims, java.util.Arrays.copyOf(mstrides[k], m - 1), 0);
        }
        return new BroadcastPlan(rows, rowLen, offsets, innerStride);
    }
}
