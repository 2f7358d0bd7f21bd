package dev.descent.autodiff;

import dev.descent.core.DType;
import dev.descent.core.Pooling;
import dev.descent.core.Tensor;

/**
 * Pooling and its backward rules. Max pooling's gradient goes to the first maximal input of each window
 * ({@code scatterAdd} at the kernel's indices, itself differentiable, when the backward pass is recorded; otherwise
 * the same sums scattered straight into one zeroed tensor); average pooling and its adjoint are linear,
 * each the other's gradient; adaptive average pooling is two products with averaging matrices.
 */
final class Pools {
    private Pools() {
    }

    /** {@code torch.nn.functional.max_pool2d} over the last two axes. */
    static Variable maxPool2d(Variable x, Pooling.Options o) {
        Pooling.Max m = Pooling.maxPool2d(x.value(), o);
        int h = x.shape().dim(-2), w = x.shape().dim(-1), planes = x.value().size() / (h * w);
        Tensor index = m.indices().reshape(planes, m.indices().size() / Math.max(1, planes));
        return Variable.record("maxPool2d", m.values(), g -> new Variable[] {NoGrad.isRecording()
            ? Variable.constant(Tensor.on(x.value().backend(), x.dtype()).zeros(planes, h * w))
                    .scatterAdd(1, index, g.reshape(index.shape().dims())).reshape(x.shape().dims())
            : Variable.constant(Pooling.maxPool2dAdjoint(g.value(), m.indices(), h, w))}, x);
    }

    /** {@code torch.nn.functional.max_pool1d} over the last axis of {@code (N, C, L)} or {@code (C, L)}. */
    static Variable maxPool1d(Variable x, Pooling.Options o) {
        if (x.rank() < 2 || x.rank() > 3) {
            throw new IllegalArgumentException("max_pool1d: expected an input (C, L) or (N, C, L), got " + x.shape());
        }
        return maxPool2d(x.unsqueeze(-2), o).squeeze(-2);
    }

    /** {@code torch.nn.functional.avg_pool2d}. */
    static Variable avgPool2d(Variable x, Pooling.Options o, boolean countIncludePad) {
        Tensor y = Pooling.avgPool2d(x.value(), o, countIncludePad);
        int h = x.shape().dim(-2), w = x.shape().dim(-1);
        return Variable.record("avgPool2d", y, g -> new Variable[] {adjoint(g, o, countIncludePad, h, w)}, x);
    }

    private static Variable adjoint(Variable g, Pooling.Options o, boolean countIncludePad, int h, int w) {
        Tensor dx = Pooling.avgPool2dAdjoint(g.value(), o, countIncludePad, h, w);
        return Variable.record("avgPool2d adjoint", dx, gg -> new Variable[] {avgPool2d(gg, o, countIncludePad)}, g);
    }

    /**
     * {@code torch.nn.functional.adaptive_avg_pool2d}: output cell {@code (i, j)} averages rows
     * {@code [floor(i H / oh), ceil((i + 1) H / oh))} and the columns likewise. The windows are rectangles, so the
     * average is {@code A_h x A_w^T} with one averaging matrix per axis.
     */
    static Variable adaptiveAvgPool2d(Variable x, int outH, int outW) {
        if (x.rank() < 3) {
            throw new IllegalArgumentException("adaptive_avg_pool2d: expected an input (C, H, W) or (N, C, H, W), got "
                    + x.shape());
        }
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("adaptive_avg_pool2d: output size must be >= 1, got (" + outH + ", "
                    + outW + ")");
        }
        int h = x.shape().dim(-2), w = x.shape().dim(-1);
        Variable rows = Variable.constant(averaging(x.value(), outH, h));
        Variable cols = Variable.constant(averaging(x.value(), outW, w));
        return rows.matmul(x.matmul(cols, false, true));
    }

    /** The {@code (out, in)} matrix whose row {@code i} averages the inputs of adaptive window {@code i}. */
    private static Tensor averaging(Tensor like, int out, int in) {
        double[] a = new double[out * in];
        for (int i = 0; i < out; i++) {
            int start = i * in / out, end = ((i + 1) * in + out - 1) / out;
            for (int j = start; j < end; j++) a[i * in + j] = 1.0 / (end - start);
        }
        return Tensor.on(like.backend(), DType.FLOAT64).of(a, out, in).to(like.dtype());
    }
}
