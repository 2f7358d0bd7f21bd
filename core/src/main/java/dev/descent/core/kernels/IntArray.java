package dev.descent.core.kernels;

import dev.descent.core.DType;

import java.nio.Buffer;
import java.nio.IntBuffer;

/** INT32 storage on the JVM heap: an {@code int[]} of exactly {@link #size()} elements (indices and labels). */
public final class IntArray extends ArrayStorage {
    final int[] data;

    IntArray(int[] data) {
        this.data = data;
    }

    /** The array itself, for a backend's library calls; writing to it changes the tensors that hold this storage. */
    public int[] data() {
        return data;
    }

    @Override
    public DType dtype() {
        return DType.INT32;
    }

    @Override
    public int size() {
        return data.length;
    }

    @Override
    Object array() {
        return data;
    }

    @Override
    ArrayStorage copy() {
        return new IntArray(data.clone());
    }

    @Override
    void read(int offset, Buffer dst) {
        ((IntBuffer) dst).put(data, offset, dst.remaining());
    }

    @Override
    void write(Buffer src, int offset) {
        ((IntBuffer) src).get(data, offset, src.remaining());
    }

    @Override
    double get(int index) {
        return data[index];
    }

    @Override
    void fill(double value) {
        java.util.Arrays.fill(data, (int) value);
    }

    @Override
    void copyShortRuns(ArrayStorage src, int[] srcOffsets, int run, int dstStart) {
        int[] s = ((IntArray) src).data;
        for (int r = 0; r < srcOffsets.length; r++) {
            for (int j = 0, o = srcOffsets[r], t = dstStart + r * run; j < run; j++) data[t + j] = s[o + j];
        }
    }

    @Override
    void fillRows(ArrayStorage src, int[] srcOffsets, int len) {
        int[] s = ((IntArray) src).data;
        for (int r = 0; r < srcOffsets.length; r++) java.util.Arrays.fill(data, r * len, r * len + len, s[srcOffsets[r]]);
    }
}
