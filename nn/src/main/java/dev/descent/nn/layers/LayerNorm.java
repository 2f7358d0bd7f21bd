package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;

/**
 * Layer normalisation, PyTorch's {@code nn.LayerNorm}: each sample normalised over its trailing
 * {@code normalized_shape} axes with their mean and biased variance, then (with {@code elementwise_affine}) times
 * {@code weight} (ones) plus {@code bias} (zeros) of that shape. Training and eval compute the same.
 *
 * <pre>{@code
 * LayerNorm ln = new LayerNorm(64);     // over the last axis of (..., 64)
 * }</pre>
 */
public final class LayerNorm extends Module {
    private final Shape normalized;
    private final double eps;
    private final Variable weight, bias;

    /** float32 on the default backend over the last axis, eps 1e-5, affine. */
    public LayerNorm(int features) {
        this(Tensor.on(Backends.get(), DType.FLOAT32), new int[] {features}, 1e-5, true);
    }

    public LayerNorm(TensorFactory f, int[] normalizedShape, double eps, boolean elementwiseAffine) {
        this(f, normalizedShape, eps, elementwiseAffine, true);
    }

    /** With {@code bias = false} the affine map has no bias ({@code nn.LayerNorm(..., bias=False)}, PyTorch 2.1). */
    public LayerNorm(TensorFactory f, int[] normalizedShape, double eps, boolean elementwiseAffine, boolean bias) {
        if (normalizedShape == null || normalizedShape.length == 0
                || java.util.Arrays.stream(normalizedShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("LayerNorm: normalized_shape must be non-empty with sizes >= 1, got "
                    + java.util.Arrays.toString(normalizedShape));
        }
        this.normalized = Shape.of(normalizedShape);
        this.eps = Normalization.checkEps("LayerNorm", eps);
        this.weight = elementwiseAffine ? registerParameter("weight", f.ones(normalizedShape)) : null;
        this.bias = elementwiseAffine && bias ? registerParameter("bias", f.zeros(normalizedShape)) : null;
    }

    @Override
    public Variable forward(Variable x) {
        int k = normalized.rank(), lead = x.rank() - k;
        boolean ok = lead >= 0;
        for (int i = 0; ok && i < k; i++) ok = x.shape().dim(lead + i) == normalized.dim(i);
        if (!ok) {
            throw new IllegalArgumentException(describe() + ": expected input (..., " + dims() + "), got " + x.shape());
        }
        int[] axes = new int[k];
        for (int i = 0; i < k; i++) axes[i] = lead + i;
        Variable y = Normalization.over(x, axes, eps).value();
        if (weight == null) return y;
        return bias == null ? y.mul(weight) : y.mul(weight).add(bias);
    }

    private String dims() {
        String s = normalized.toString();
        return s.substring(1, s.length() - 1).replaceAll(",$", "");
    }

    @Override
    protected String describe() {
        return "LayerNorm(" + normalized + ", eps=" + eps + ", elementwise_affine=" + (weight != null) + ")";
    }
}
