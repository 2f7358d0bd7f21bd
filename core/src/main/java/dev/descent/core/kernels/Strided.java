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
}
