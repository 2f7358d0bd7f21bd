package dev.descent.backend.openblas;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

import java.util.function.LongFunction;

/**
 * Native buffers for the operands of one thread's GEMMs, reused from call to call: the heap arrays are copied in
 * and the product copied out, and a buffer grows (never shrinks) to the largest product the thread has computed.
 * One per thread, so concurrent callers never share a buffer; JavaCPP frees them once their thread is gone.
 */
final class Workspace {
    private static final ThreadLocal<Workspace> CURRENT = ThreadLocal.withInitial(Workspace::new);

    /** A, B and C of float32 products, then of float64 ones. */
    private final Pointer[] buffers = new Pointer[6];

    /** The operand kept by {@link #keep} (a {@code float[]} or {@code double[]}), or null, and its native copy. */
    private Object kept;
    private Pointer keptCopy;

    private Workspace() {
    }

    /** The calling thread's workspace. */
    static Workspace current() {
        return CURRENT.get();
    }

    /**
     * Runs {@code body} with a native copy of {@code array} (a {@code float[]} or {@code double[]}), taken now, that
     * {@link #operand} hands out instead of copying the array again; the copy is freed afterwards. Nests: the
     * operand kept before is kept again after.
     */
    void keep(Object array, Runnable body) {
        Object outerArray = kept;
        Pointer outerCopy = keptCopy;
        try (Pointer copy = array instanceof float[] f ? new FloatPointer(Math.max(1, f.length)).put(f)
                : new DoublePointer(Math.max(1, ((double[]) array).length)).put((double[]) array)) {
            kept = array;
            keptCopy = copy;
            body.run();
        } finally {
            kept = outerArray;
            keptCopy = outerCopy;
        }
    }

    /** Operand {@code x[offset, offset + size)} in native memory: the kept copy if x is kept, else buffer {@code slot}. */
    FloatPointer operand(int slot, float[] x, int offset, int size) {
        if (x == kept) return new FloatPointer(keptCopy).position(offset); // A and B may both be the kept array
        return floats(slot, size).put(x, offset, size);
    }

    /** Operand {@code x[offset, offset + size)} in native memory: the kept copy if x is kept, else buffer {@code slot}. */
    DoublePointer operand(int slot, double[] x, int offset, int size) {
        if (x == kept) return new DoublePointer(keptCopy).position(offset); // A and B may both be the kept array
        return doubles(slot, size).put(x, offset, size);
    }

    /** Float32 buffer {@code slot} (0: A, 1: B, 2: C) of at least {@code size} elements. */
    FloatPointer floats(int slot, long size) {
        return (FloatPointer) buffer(slot, size, FloatPointer::new);
    }

    /** Float64 buffer {@code slot} (0: A, 1: B, 2: C) of at least {@code size} elements. */
    DoublePointer doubles(int slot, long size) {
        return (DoublePointer) buffer(3 + slot, size, DoublePointer::new);
    }

    /** Grown to at least {@code size}, and at least 1.5 times its old capacity, so growing products reallocate rarely. */
    private Pointer buffer(int slot, long size, LongFunction<Pointer> allocate) {
        Pointer p = buffers[slot];
        if (p == null || p.capacity() < size) {
            long old = p == null ? 0 : p.capacity();
            if (p != null) p.close();
            p = allocate.apply(Math.max(1, Math.max(size, old + old / 2)));
            buffers[slot] = p;
        }
        return p;
    }
}
