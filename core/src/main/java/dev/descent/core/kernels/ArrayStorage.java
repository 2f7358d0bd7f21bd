package dev.descent.core.kernels;

import dev.descent.core.spi.Storage;

import java.nio.Buffer;

/**
 * Storage on the JVM heap, one primitive array of exactly {@link #size()} elements: {@link DoubleArray},
 * {@code FloatArray} (its generated float32 twin) or {@link IntArray}. The subclass is the dtype: the element loops
 * are chosen by virtual dispatch on it, so {@link ArrayBackend#allocate} is the one place that picks a dtype's path.
 */
public abstract class ArrayStorage implements Storage {
    ArrayStorage() {
    }

    /** The primitive array itself (for {@code System.arraycopy}). */
    abstract Object array();

    /** A copy with its own array (for kernels whose output aliases an input they read out of order). */
    abstract ArrayStorage copy();

    abstract void read(int offset, Buffer dst);

    abstract void write(Buffer src, int offset);

    abstract double get(int index);

    abstract void fill(double value);

    /** Run {@code r} of {@code src} (at {@code srcOffsets[r]}) to {@code this[dstStart + r * run ...]}. */
    final void copyRuns(ArrayStorage src, int[] srcOffsets, int run, int dstStart) {
        if (run >= 16) {
            Object s = src.array(), d = array();
            for (int r = 0; r < srcOffsets.length; r++) System.arraycopy(s, srcOffsets[r], d, dstStart + r * run, run);
        } else {
            copyShortRuns(src, srcOffsets, run, dstStart);
        }
    }

    /** {@link #copyRuns} for short runs: element loops instead of an arraycopy call per few elements. */
    abstract void copyShortRuns(ArrayStorage src, int[] srcOffsets, int run, int dstStart);

    /** Row {@code r} of {@code len} elements ({@code this[r * len ...]}) filled with {@code src[srcOffsets[r]]}. */
    abstract void fillRows(ArrayStorage src, int[] srcOffsets, int len);
}
