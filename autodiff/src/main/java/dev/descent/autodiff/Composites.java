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
        // NOTE: the divisor is max(0, N - correction), as torch.var: inf (or NaN for 0/0) once correction >= N.
        return centered.square().sum(axes, keepDims).div(Math.max(0, Reducing.count(x.shape(), axes) - correction));
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

    /**
     * NOTE: {@code logSoftmax(x) = (x - m) - log(sum(exp(x - m)))} with {@code m = max(x)} held constant, as PyTorch
     * computes it: {@code x - m} is exact to one rounding and both terms are {@code <= 0}, so nothing cancels and
     * the relative error stays near the unit roundoff for logits of any magnitude (subtracting {@code logSumExp(x)},
     * which rounds {@code m + log(sum)}, loses up to {@code ulp(m)}: 6e-10 relative at 1e7). The sum is
     * {@code 1 + t}, its max term being exactly 1, and {@code log(1 + t)} is taken as {@code log1p(t)} with
     * {@code t = sum(exp(x - m) - [x = m]) + (ties - 1)}: each term at the max becomes exactly 0, so {@code t} keeps
     * its small terms (for {@code [0, -40]} the max entry is {@code -4.2e-18}, not 0) while the gradient is
     * unchanged, the mask being constant. An infinite m makes the row NaN, as in PyTorch.
     */
    static Variable logSoftmax(Variable x, int axis) {
        Tensor m = x.value().max(axis, true);
        Tensor atMax = x.value().eq(m);
        Tensor extraTies = atMax.sum(axis, true).sub(1.0);
        Variable shifted = x.sub(Variable.constant(m));
        Variable t = shifted.exp().sub(Variable.constant(atMax)).sum(axis, true).add(Variable.constant(extraTies));
        return shifted.sub(t.log1p());
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
