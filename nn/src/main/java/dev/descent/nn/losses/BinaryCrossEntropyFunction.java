package dev.descent.nn.losses;

import dev.descent.autodiff.Function;
import dev.descent.autodiff.Variable;
import dev.descent.core.Tensor;

/**
 * Binary cross-entropy on probabilities, elementwise, as {@code torch.nn.functional.binary_cross_entropy}:
 * {@code l = -(y max(log p, -100) + (1 - y) max(log(1 - p), -100))}.
 *
 * <p>NOTE: a fused rule rather than a composition, because the composition has no usable gradient where the
 * clamp bites: at {@code p = 0} the clamped {@code log p} passes 0 to {@code d log p = 1/p = inf}, and 0 * inf is
 * NaN. PyTorch's rule, used here, is {@code dl/dp = (p - y) / max(p (1 - p), 1e-12f)}: the exact derivative inside
 * (0, 1), finite and pointing the right way at 0 and 1 (so {@code p = 0, y = 1} gives {@code -1e12}). The target's
 * gradient is the derivative of the value computed, {@code max(log(1 - p), -100) - max(log p, -100)}, which is
 * finite at 0 and 1 (PyTorch leaves the logs unclamped there and returns infinities). Both are written with
 * variable operations, so second derivatives inside (0, 1) are available.
 */
final class BinaryCrossEntropyFunction extends Function {
    static final double LOG_FLOOR = -100;
    /** NOTE: PyTorch's {@code EPSILON} is the float 1e-12 (9.99999996e-13 as a double); the same is used here. */
    static final double EPSILON = 1e-12f;

    @Override
    protected String name() {
        return "binaryCrossEntropy";
    }

    @Override
    protected Tensor forward(Context ctx, Tensor... in) {
        Tensor p = in[0], y = in[1];
        Tensor logP = p.log().maximum(LOG_FLOOR);
        Tensor logOneMinusP = p.neg().add(1.0).log().maximum(LOG_FLOOR);
        // (y - 1) log(1 - p) - y log p, in PyTorch's order of operations.
        return y.sub(1.0).mul(logOneMinusP).sub(y.mul(logP));
    }

    @Override
    protected Variable[] backward(Context ctx, Variable g) {
        Variable p = ctx.input(0), y = ctx.input(1);
        Variable gradP = null, gradY = null;
        if (p.requiresGrad()) {
            Variable denominator = p.mul(p.neg().add(1.0)).clamp(EPSILON, Double.POSITIVE_INFINITY);
            gradP = g.mul(p.sub(y)).div(denominator);
        }
        if (y.requiresGrad()) {
            Variable logP = p.log().clamp(LOG_FLOOR, Double.POSITIVE_INFINITY);
            Variable logOneMinusP = p.neg().add(1.0).log().clamp(LOG_FLOOR, Double.POSITIVE_INFINITY);
            gradY = g.mul(logOneMinusP.sub(logP));
        }
        return new Variable[] {gradP, gradY};
    }
}
