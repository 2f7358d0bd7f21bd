package dev.descent.core;

import dev.descent.core.spi.AdamStep;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.UnaryOp;

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
 */
public final class InPlace {
    private InPlace() {
    }

    /** {@code y = alpha * x + beta * y}; x and y have the same shape, dtype and backend. */
    public static void axpby(double alpha, Tensor x, double beta, Tensor y) {
        check("axpby", x, y);
        Checks.shapeEquals("axpby", y.shape(), x.shape());
        y.backend().axpby(alpha, x, beta, y);
    }

    /** {@code out = value} everywhere. */
    public static void fill(Tensor out, double value) {
        out.backend().fill(out, value);
    }

    /** {@code out = src} (same shape; the dtype is converted as {@link Tensor#to(DType)} converts it). */
    public static void copy(Tensor src, Tensor out) {
        if (!Backends.same(src.backend(), out.backend())) Checks.sameKind("InPlace.copy", src, out);
        Checks.shapeEquals("InPlace.copy", out.shape(), src.shape());
        if (out.dtype() == DType.INT32) Checks.convertibleToInt("InPlace.copy", src);
        out.backend().convert(src, out);
    }

    /** {@code out = op(x)} elementwise with the op's parameters; {@code out} may be {@code x}. */
    public static void map(UnaryOp op, Tensor x, double p, double q, Tensor out) {
        check("InPlace.map", x, out);
        Checks.shapeEquals("InPlace.map", out.shape(), x.shape());
        out.backend().map(op, x, p, q, out);
    }

    /** {@code out = op(a, b)} with broadcasting; the broadcast shape must be {@code out}'s shape. */
    public static void zip(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        check("InPlace.zip", a, b);
        check("InPlace.zip", a, out);
        Checks.shapeEquals("InPlace.zip", out.shape(), Shape.broadcast("InPlace.zip", a.shape(), b.shape()));
        out.backend().zip(op, a, b, out);
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
     * One fused Adam or AdamW step, in place on the parameter {@code w}, its moments {@code m} and {@code v}, and
     * {@code vMax} (amsgrad only, else null); {@code g} is updated too when the step adds coupled weight decay.
     * {@link AdamStep} spells out the arithmetic, which equals running it as separate in-place kernels.
     */
    public static void adamStep(AdamStep step, Tensor w, Tensor g, Tensor m, Tensor v, Tensor vMax) {
        for (Tensor t : step.amsgrad() ? new Tensor[] {g, m, v, vMax} : new Tensor[] {g, m, v}) {
            if (t == null) throw new IllegalArgumentException("InPlace.adamStep: vMax is needed with amsgrad");
            check("InPlace.adamStep", w, t);
            Checks.shapeEquals("InPlace.adamStep", w.shape(), t.shape());
        }
        w.backend().adamStep(step, w, g, m, v, step.amsgrad() ? vMax : null);
    }

    private static void check(String op, Tensor a, Tensor b) {
        Checks.sameKind(op, a, b);
        Checks.floating(op, a);
    }
}
