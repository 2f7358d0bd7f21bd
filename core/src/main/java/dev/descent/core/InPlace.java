package dev.descent.core;

import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.ElementwiseProgram;
import dev.descent.core.spi.FusedElementwise;
import dev.descent.core.spi.Storage;
import dev.descent.core.spi.UnaryOp;

import java.util.ArrayList;
import java.util.List;

/**
 * The only way to change a tensor's values after creation: in-place kernels for optimiser updates and
 * accumulators, applied outside automatic differentiation. Every method checks its arguments before writing, so a
 * failed call changes nothing.
 *
 * <p>Tensors that share storage (the results of {@code reshape}, {@code squeeze}, {@code unsqueeze},
 * {@code flatten}) see the change, as views do in PyTorch. Use {@link Tensor#copy()} for a tensor of your own.
 *
 * <pre>{@code
 * Tensor w = Tensor.zeros(3).copy();
 * InPlace.axpby(-0.1, grad, 1.0, w);      // w = w - 0.1 * grad
 * InPlace.zip(BinaryOp.MUL, w, mask, w);  // w = w * mask
 * }</pre>
 *
 * <p>A {@link Sequence} records several of these updates over tensors of one shape and runs them together, in one
 * pass over memory where the backend offers it ({@link FusedElementwise}), with the same values as running them
 * one by one.
 */
public final class InPlace {
    private InPlace() {
    }

    /** {@code y = alpha * x + beta * y}; x and y have the same shape, dtype and backend. */
    public static void axpby(double alpha, Tensor x, double beta, Tensor y) {
        check("axpby", x, y);
        Checks.shapeEquals("axpby", y.shape(), x.shape());
        y.backend().axpby(alpha, x.storage(), beta, y.storage());
    }

    /** {@code out = value} everywhere. */
    public static void fill(Tensor out, double value) {
        out.backend().fill(out.storage(), value);
    }

    /**
     * Writes {@code src.remaining()} values from {@code src} (a {@code DoubleBuffer}, {@code FloatBuffer} or
     * {@code IntBuffer} matching {@code out}'s dtype) into {@code out}'s elements from the row-major index
     * {@code offset} on; the buffer's position advances. For loaders that fill a fresh tensor in chunks.
     */
    public static void write(java.nio.Buffer src, Tensor out, int offset) {
        if (src == null) throw new IllegalArgumentException("InPlace.write: buffer must not be null");
        if (offset < 0 || offset > out.size() - src.remaining()) {
            throw new IllegalArgumentException("InPlace.write: " + src.remaining() + " values from offset " + offset
                    + " do not fit in " + out.size() + " elements of shape " + out.shape());
        }
        Checks.buffer("InPlace.write", out.dtype(), src, src.remaining());
        out.backend().write(src, out.storage(), offset);
    }

    /** {@code out = src} (same shape; the dtype is converted as {@link Tensor#to(DType)} converts it). */
    public static void copy(Tensor src, Tensor out) {
        Checks.sameBackend("InPlace.copy", src, out);
        Checks.shapeEquals("InPlace.copy", out.shape(), src.shape());
        if (out.dtype() == DType.INT32) Checks.convertibleToInt("InPlace.copy", src);
        out.backend().convert(src.storage(), out.storage());
    }

    /** {@code out = op(x)} elementwise with the op's parameters; {@code out} may be {@code x}. */
    public static void map(UnaryOp op, Tensor x, double p, double q, Tensor out) {
        check("InPlace.map", x, out);
        Checks.shapeEquals("InPlace.map", out.shape(), x.shape());
        out.backend().map(op, x.storage(), p, q, out.storage());
    }

    /** {@code out = op(a, b)} with broadcasting; the broadcast shape must be {@code out}'s shape. */
    public static void zip(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        check("InPlace.zip", a, b);
        check("InPlace.zip", a, out);
        Checks.shapeEquals("InPlace.zip", out.shape(), Shape.broadcast("InPlace.zip", a.shape(), b.shape()));
        out.backend().zip(op, a.storage(), a.shape(), b.storage(), b.shape(), out.storage(), out.shape());
    }

    /**
     * {@code out = op(a)·op(b)} for matrices, written into {@code out} instead of a new tensor (PyTorch's
     * {@code torch.matmul(a, b, out=out)}); {@code op} transposes when asked, without copying. {@code out} must have
     * the product's shape, dtype and backend; it may be {@code a} or {@code b} itself.
     */
    public static void matmul(Tensor a, Tensor b, boolean transA, boolean transB, Tensor out) {
        MatMul.matmulInto(a, b, transA, transB, out);
    }

    /**
     * Runs {@code body}, during which the products of this thread ({@link #matmul}, {@link Tensor#matmul}) that read
     * {@code operand} may read a copy its backend took once, when {@code body} began (a native backend then copies a
     * weight once for a whole loop of small products, not once per product). {@code operand} must not be written
     * while {@code body} runs.
     */
    public static void withGemmOperand(Tensor operand, Runnable body) {
        Checks.floating("InPlace.withGemmOperand", operand);
        operand.backend().withGemmOperand(operand.storage(), body);
    }

    /**
     * {@code out = x[start : start + out.dim(axis)]} along {@code axis}: {@link Tensor#slice} written into an
     * existing tensor, whose shape is x's with {@code axis} shortened.
     */
    public static void slice(Tensor x, int axis, int start, Tensor out) {
        String op = "InPlace.slice";
        Checks.sameKind(op, x, out);
        int a = x.shape().axis(op, axis), count = out.rank() == x.rank() ? out.dim(a) : -1;
        if (count < 0 || start < 0 || start > x.dim(a) - count) {
            throw new IllegalArgumentException(op + ": expected an output of x's rank with at most " + (x.dim(a) - start)
                    + " elements on axis " + axis + " from start " + start + " of " + x.shape() + ", got " + out.shape());
        }
        Checks.shapeEquals(op, x.shape().with(a, count), out.shape());
        if (out.size() > 0) out.backend().slice(x.storage(), x.shape(), a, start, 1, count, out.storage());
    }

    /**
     * In place: {@code out[.., index[r], ..] += source[.., r, ..]} along {@code axis}, repeated indices adding up
     * (PyTorch's {@code index_add_}); {@link Tensor#indexAdd} without the copy.
     */
    public static void indexAdd(Tensor out, int axis, Tensor index, Tensor source) {
        String op = "InPlace.indexAdd";
        int a = out.shape().axis(op, axis);
        check(op, out, source);
        Movement.checkIndexVector(op, out, a, index);
        Checks.shapeEquals(op, out.shape().with(a, index.size()), source.shape());
        if (source.size() > 0) out.backend().indexAdd(out.storage(), out.shape(), a, index.storage(), source.storage());
    }

    /** {@code out} = the parts joined along {@code axis}: {@link Tensor#concat} written into an existing tensor. */
    public static void concat(int axis, List<Tensor> parts, Tensor out) {
        Movement.concatInto(axis, parts, out);
    }

    /** A new, empty sequence of in-place updates over tensors of {@code shape}. */
    public static Sequence sequence(Shape shape) {
        return new Sequence(shape);
    }

    /**
     * In-place updates recorded in order and run together by {@link #run()}: the same kernels as
     * {@link InPlace#axpby}, {@link InPlace#map} and {@link InPlace#zip} (without broadcasting), over floating
     * tensors of one shape, dtype and backend. Each call checks its tensors when it is recorded; nothing is written
     * before {@code run()}. The values equal running the updates one by one, bit for bit; a backend that offers
     * {@link FusedElementwise} runs them in one pass over memory.
     *
     * <pre>{@code
     * InPlace.sequence(w.shape())
     *         .zip(BinaryOp.MUL, g, g, tmp)          // tmp = g^2
     *         .axpby(1 - beta2, tmp, beta2, v)        // v = beta2 v + (1 - beta2) g^2
     *         .run();
     * }</pre>
     */
    public static final class Sequence {
        private final Shape shape;
        private final List<ElementwiseProgram.Step> steps = new ArrayList<>();
        private final List<Storage> buffers = new ArrayList<>();
        private Tensor first;

        private Sequence(Shape shape) {
            if (shape == null) throw new IllegalArgumentException("InPlace.sequence: shape must not be null");
            this.shape = shape;
        }

        /** {@code y = alpha * x + beta * y}. */
        public Sequence axpby(double alpha, Tensor x, double beta, Tensor y) {
            steps.add(new ElementwiseProgram.Axpby(alpha, slot(AXPBY, x), beta, slot(AXPBY, y)));
            return this;
        }

        /** {@code out = op(x)} with the op's parameters. */
        public Sequence map(UnaryOp op, Tensor x, double p, double q, Tensor out) {
            steps.add(new ElementwiseProgram.Map(op, slot(MAP, x), p, q, slot(MAP, out)));
            return this;
        }

        /** {@code out = op(a, b)}. */
        public Sequence zip(BinaryOp op, Tensor a, Tensor b, Tensor out) {
            steps.add(new ElementwiseProgram.Zip(op, slot(ZIP, a), slot(ZIP, b), slot(ZIP, out)));
            return this;
        }

        /** The operations' names in messages (constants: a sequence is recorded on every optimiser step). */
        private static final String AXPBY = "InPlace.Sequence.axpby", MAP = "InPlace.Sequence.map",
                ZIP = "InPlace.Sequence.zip";

        private int slot(String name, Tensor t) {
            if (t == null) throw new IllegalArgumentException(name + ": tensor must not be null");
            if (first == null) {
                Checks.floating(name, t);
                first = t;
            }
            check(name, first, t);
            Checks.shapeEquals(name, shape, t.shape());
            Storage s = t.storage();
            for (int i = 0; i < buffers.size(); i++) {
                if (buffers.get(i) == s) return i;              // the same storage (a view) is one buffer
            }
            buffers.add(s);
            return buffers.size() - 1;
        }

        /** Runs the recorded updates, in order. */
        public void run() {
            if (first == null || shape.size() == 0) return;
            var backend = first.backend();
            Storage[] storages = buffers.toArray(new Storage[0]);
            if (backend instanceof FusedElementwise fused) {
                fused.run(new ElementwiseProgram(storages.length, steps), storages);
                return;
            }
            for (ElementwiseProgram.Step step : steps) {
                if (step instanceof ElementwiseProgram.Map s) {
                    backend.map(s.op(), storages[s.x()], s.p(), s.q(), storages[s.out()]);
                } else if (step instanceof ElementwiseProgram.Zip s) {
                    backend.zip(s.op(), storages[s.a()], shape, storages[s.b()], shape, storages[s.out()], shape);
                } else if (step instanceof ElementwiseProgram.Axpby s) {
                    backend.axpby(s.alpha(), storages[s.x()], s.beta(), storages[s.y()]);
                }
            }
        }
    }

    private static void check(String op, Tensor a, Tensor b) {
        Checks.sameKind(op, a, b);
        Checks.floating(op, a);
    }
}
