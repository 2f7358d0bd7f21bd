package dev.descent.autodiff;

import dev.descent.core.Tensor;

/**
 * Operations composed of primitives, which get their gradients (first and higher order) from the primitives'
 * rules: variance, the softmax family, GELU.
 */
final class Composites {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

    private Composites() {
    }

    static Variable variance(Variable x, int[] axes, boolean keepDims, int correction) {
        if (correction < 0) throw new IllegalArgumentException("variance: correction must be >= 0, got " + correction);
        Variable centered = x.sub(Reducing.mean(x, axes, true));
        return centered.square().sum(axes, keepDims).div(Reducing.count(x.shape(), axes) - correction);
    }

    /**
     * NOTE: {@code logSumExp(x) = m + log(sum(exp(x - m)))} with {@code m = max(x)} held constant: the shift cancels
     * in value and gradient, and no exp overflows. An infinite m (all -inf, or +inf present) is replaced by 0, as
     * {@code torch.logsumexp} does.
     */
    static Variable logSumExp(Variable x, int axis, boolean keepDims) {
        Tensor m = x.value().max(axis, true);
        m = Tensor.where(m.abs().eq(Double.POSITIVE_INFINITY), m.zerosLike(), m);
        Variable shift = Variable.constant(m);
        Variable lse = x.sub(shift).exp().sum(axis, true).log().add(shift);
        return keepDims ? lse : lse.squeeze(axis);
    }

    static Variable logSoftmax(Variable x, int axis) {
        return x.sub(logSumExp(x, axis, true));
    }

    static Variable softmax(Variable x, int axis) {
        return logSoftmax(x, axis).exp();
    }

    static Variable gelu(Variable x) {
        return x.mul(x.mul(SQRT_HALF).erf().add(1.0)).mul(0.5);
    }

    static Variable geluTanh(Variable x) {
        Variable inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_TWO_OVER_PI);
        return x.mul(inner.tanh().add(1.0)).mul(0.5);
    }
}
