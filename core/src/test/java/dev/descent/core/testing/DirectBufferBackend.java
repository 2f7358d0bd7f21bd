package dev.descent.core.testing;

import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.kernels.ArrayBackend;
import dev.descent.core.spi.Backend;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.ReduceOp;
import dev.descent.core.spi.Storage;
import dev.descent.core.spi.UnaryOp;
import dev.descent.core.spi.Window;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A backend whose data lives off the JVM heap, in direct {@link ByteBuffer}s in native byte order: the proof that
 * the SPI lets a backend own its memory. It moves values in and out itself ({@link #read}, {@link #write},
 * {@link #get}, {@link #fill}) and delegates its arithmetic to core's reference kernels by staging: each kernel
 * copies its operands to heap arrays, runs the reference kernel there and copies the outputs back, so its values
 * equal the reference's bit for bit. It does not offer the fused capability, so core runs update sequences step by
 * step on it. Registered for core's tests only.
 */
public final class DirectBufferBackend implements Backend {
    public static final DirectBufferBackend INSTANCE = new DirectBufferBackend();

    private final ArrayBackend reference = new ArrayBackend() {
        @Override
        public String name() {
            return "direct (staging)";
        }
    };

    /** A direct buffer of {@code size} elements of {@code dtype}. */
    static final class DirectStorage implements Storage {
        private final DType dtype;
        private final int size;
        private final ByteBuffer bytes;

        DirectStorage(DType dtype, int size) {
            this.dtype = dtype;
            this.size = size;
            this.bytes = ByteBuffer.allocateDirect(Math.max(1, size * dtype.byteSize())).order(ByteOrder.nativeOrder());
        }

        @Override
        public DType dtype() {
            return dtype;
        }

        @Override
        public int size() {
            return size;
        }

        /** A typed view of elements {@code [from, from + count)}. */
        Buffer view(int from, int count) {
            ByteBuffer b = bytes.duplicate().order(ByteOrder.nativeOrder());
            b.position(from * dtype.byteSize()).limit((from + count) * dtype.byteSize());
            ByteBuffer s = b.slice().order(ByteOrder.nativeOrder());
            return switch (dtype) {
                case FLOAT64 -> s.asDoubleBuffer();
                case FLOAT32 -> s.asFloatBuffer();
                case INT32 -> s.asIntBuffer();
            };
        }

        boolean isDirect() {
            return bytes.isDirect();
        }
    }

    private DirectBufferBackend() {
    }

    @Override
    public String name() {
        return "direct";
    }

    private static DirectStorage direct(Storage s) {
        return (DirectStorage) s;
    }

    @Override
    public Storage allocate(DType dtype, int size) {
        return new DirectStorage(dtype, size);
    }

    @Override
    public void read(Storage src, int offset, Buffer dst) {
        Buffer from = direct(src).view(offset, dst.remaining());
        if (dst instanceof DoubleBuffer d) d.put((DoubleBuffer) from);
        else if (dst instanceof FloatBuffer f) f.put((FloatBuffer) from);
        else ((IntBuffer) dst).put((IntBuffer) from);
    }

    @Override
    public void write(Buffer src, Storage dst, int offset) {
        Buffer to = direct(dst).view(offset, src.remaining());
        if (to instanceof DoubleBuffer d) d.put((DoubleBuffer) src);
        else if (to instanceof FloatBuffer f) f.put((FloatBuffer) src);
        else ((IntBuffer) to).put((IntBuffer) src);
    }

    @Override
    public double get(Storage src, int index) {
        Buffer b = direct(src).view(index, 1);
        if (b instanceof DoubleBuffer d) return d.get(0);
        if (b instanceof FloatBuffer f) return f.get(0);
        return ((IntBuffer) b).get(0);
    }

    @Override
    public void fill(Storage out, double value) {
        Buffer b = direct(out).view(0, out.size());
        int n = out.size();
        if (b instanceof DoubleBuffer d) for (int i = 0; i < n; i++) d.put(i, value);
        else if (b instanceof FloatBuffer f) for (int i = 0; i < n; i++) f.put(i, (float) value);
        else for (int i = 0; i < n; i++) ((IntBuffer) b).put(i, (int) value);
    }

    /** Heap copies of one kernel's operands: a storage that appears twice (an aliased output) is staged once. */
    private final class Staging {
        private final Map<Storage, Storage> staged = new IdentityHashMap<>();

        Storage in(Storage s) {
            return staged.computeIfAbsent(s, d -> {
                Storage heap = reference.allocate(d.dtype(), d.size());
                reference.write(direct(d).view(0, d.size()), heap, 0);
                return heap;
            });
        }

        /** Copies the staged output back off the heap. */
        void out(Storage s) {
            reference.read(staged.get(s), 0, direct(s).view(0, s.size()));
        }
    }

    @Override
    public void convert(Storage x, Storage out) {
        Staging st = new Staging();
        reference.convert(st.in(x), st.in(out));
        st.out(out);
    }

    @Override
    public void map(UnaryOp op, Storage x, double p, double q, Storage out) {
        Staging st = new Staging();
        reference.map(op, st.in(x), p, q, st.in(out));
        st.out(out);
    }

    @Override
    public void zip(BinaryOp op, Storage a, Shape aShape, Storage b, Shape bShape, Storage out, Shape outShape) {
        Staging st = new Staging();
        reference.zip(op, st.in(a), aShape, st.in(b), bShape, st.in(out), outShape);
        st.out(out);
    }

    @Override
    public void where(Storage cond, Shape condShape, Storage a, Shape aShape, Storage b, Shape bShape, Storage out,
                      Shape outShape) {
        Staging st = new Staging();
        reference.where(st.in(cond), condShape, st.in(a), aShape, st.in(b), bShape, st.in(out), outShape);
        st.out(out);
    }

    @Override
    public void reduce(ReduceOp op, Storage x, Shape xShape, int axis, Storage out) {
        Staging st = new Staging();
        reference.reduce(op, st.in(x), xShape, axis, st.in(out));
        st.out(out);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, Storage a, int aOffset,
                     Storage b, int bOffset, double beta, Storage c, int cOffset) {
        Staging st = new Staging();
        reference.gemm(transA, transB, m, n, k, alpha, st.in(a), aOffset, st.in(b), bOffset, beta, st.in(c), cOffset);
        st.out(c);
    }

    @Override
    public void permute(Storage x, Shape xShape, int[] axes, Storage out) {
        Staging st = new Staging();
        reference.permute(st.in(x), xShape, axes, st.in(out));
        st.out(out);
    }

    @Override
    public void slice(Storage x, Shape xShape, int axis, int start, int step, int count, Storage out) {
        Staging st = new Staging();
        reference.slice(st.in(x), xShape, axis, start, step, count, st.in(out));
        st.out(out);
    }

    @Override
    public void concat(List<Storage> parts, List<Shape> shapes, int axis, Storage out, Shape outShape) {
        Staging st = new Staging();
        List<Storage> heap = new ArrayList<>();
        for (Storage p : parts) heap.add(st.in(p));
        reference.concat(heap, shapes, axis, st.in(out), outShape);
        st.out(out);
    }

    @Override
    public void broadcastTo(Storage x, Shape xShape, Storage out, Shape outShape) {
        Staging st = new Staging();
        reference.broadcastTo(st.in(x), xShape, st.in(out), outShape);
        st.out(out);
    }

    @Override
    public void indexSelect(Storage x, Shape xShape, int axis, Storage index, Storage out) {
        Staging st = new Staging();
        reference.indexSelect(st.in(x), xShape, axis, st.in(index), st.in(out));
        st.out(out);
    }

    @Override
    public void indexAdd(Storage out, Shape outShape, int axis, Storage index, Storage source) {
        Staging st = new Staging();
        reference.indexAdd(st.in(out), outShape, axis, st.in(index), st.in(source));
        st.out(out);
    }

    @Override
    public void gather(Storage x, Shape xShape, int axis, Storage index, Shape indexShape, Storage out) {
        Staging st = new Staging();
        reference.gather(st.in(x), xShape, axis, st.in(index), indexShape, st.in(out));
        st.out(out);
    }

    @Override
    public void scatterAdd(Storage out, Shape outShape, int axis, Storage index, Shape indexShape, Storage source) {
        Staging st = new Staging();
        reference.scatterAdd(st.in(out), outShape, axis, st.in(index), indexShape, st.in(source));
        st.out(out);
    }

    @Override
    public void axpby(double alpha, Storage x, double beta, Storage y) {
        Staging st = new Staging();
        reference.axpby(alpha, st.in(x), beta, st.in(y));
        st.out(y);
    }

    @Override
    public void im2col(Storage x, int xOffset, Window window, int images, Storage col) {
        Staging st = new Staging();
        reference.im2col(st.in(x), xOffset, window, images, st.in(col));
        st.out(col);
    }

    @Override
    public void col2im(Storage col, Window window, int images, Storage x, int xOffset) {
        Staging st = new Staging();
        reference.col2im(st.in(col), window, images, st.in(x), xOffset);
        st.out(x);
    }

    @Override
    public void maxPool(Storage x, Window window, Storage out, Storage argmax) {
        Staging st = new Staging();
        reference.maxPool(st.in(x), window, st.in(out), st.in(argmax));
        st.out(out);
        st.out(argmax);
    }

    @Override
    public void avgPool(Storage x, Window window, boolean countIncludePad, Storage out) {
        Staging st = new Staging();
        reference.avgPool(st.in(x), window, countIncludePad, st.in(out));
        st.out(out);
    }

    @Override
    public void avgPoolAdjoint(Storage grad, Window window, boolean countIncludePad, Storage gradInput) {
        Staging st = new Staging();
        reference.avgPoolAdjoint(st.in(grad), window, countIncludePad, st.in(gradInput));
        st.out(gradInput);
    }

    /** Whether {@code s} is this backend's and off the heap (for the tests that prove it). */
    public static boolean isOffHeap(Storage s) {
        return s instanceof DirectStorage d && d.isDirect();
    }
}
