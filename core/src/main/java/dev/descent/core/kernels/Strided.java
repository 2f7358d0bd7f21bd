package dev.descent.core.kernels;

/** Offset arithmetic for strided walks over row-major storage, shared by the movement kernels. */
public final class Strided {
    private Strided() {
    }

    /**
     * The storage offset of every index of a (row-major) walk over {@code dims}, where moving one step along axis
     * {@code i} moves {@code strides[i]} elements: {@code base + sum_i index[i] * strides[i]} in row-major order.
     */
    public static int[] offsets(int[] dims, int[] strides, int base) {
        int count = 1;
        for (int d : dims) count *= d;
        int[] out = new int[count];
        if (count == 0) return out;
        int rank = dims.length;
        int[] index = new int[rank];
        int offset = base;
        for (int r = 0; r < count; r++) {
            out[r] = offset;
            for (int i = rank - 1; i >= 0; i--) {
                if (++index[i] < dims[i]) {
                    offset += strides[i];
                    break;
                }
                offset -= strides[i] * (dims[i] - 1);
                index[i] = 0;
            }
        }
        return out;
    }

    /**
     * Copies runs of {@code run} contiguous elements: run {@code r} comes from {@code src[srcOffsets[r]...]} and
     * goes to {@code dst[dstStart + r * run...]}. Works for any primitive array type.
     */
    public static void copyRuns(Object src, int[] srcOffsets, int run, Object dst, int dstStart) {
        if (run >= 16) {
            for (int r = 0; r < srcOffsets.length; r++) {
                System.arraycopy(src, srcOffsets[r], dst, dstStart + r * run, run);
            }
            return;
        }
        // Short runs: element loops, one per storage type, instead of an arraycopy call per element.
        if (src instanceof double[] s && dst instanceof double[] d) {
            for (int r = 0; r < srcOffsets.length; r++) {
                for (int j = 0, o = srcOffsets[r], t = dstStart + r * run; j < run; j++) d[t + j] = s[o + j];
            }
        } else if (src instanceof float[] s && dst instanceof float[] d) {
            for (int r = 0; r < srcOffsets.length; r++) {
                for (int j = 0, o = srcOffsets[r], t = dstStart + r * run; j < run; j++) d[t + j] = s[o + j];
            }
        } else if (src instanceof int[] s && dst instanceof int[] d) {
            for (int r = 0; r < srcOffsets.length; r++) {
                for (int j = 0, o = srcOffsets[r], t = dstStart + r * run; j < run; j++) d[t + j] = s[o + j];
            }
        } else {
            throw new IllegalArgumentException("copyRuns: storage types differ: "
                    + src.getClass().getSimpleName() + " vs " + dst.getClass().getSimpleName());
        }
    }
}
