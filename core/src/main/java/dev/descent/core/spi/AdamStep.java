package dev.descent.core.spi;

/**
 * The scalars of one fused Adam or AdamW step ({@link Backend#adamStep}), each exactly as the step-by-step
 * sequence uses it, so the fused kernel repeats that sequence's roundings. Per element, in the element type:
 *
 * <pre>
 * if decoupled:      w = decay * w + 0                    -- AdamW, decay = 1 - lr * lambda
 * else if l2 != 0:   g = g + l2 * w                       -- written back into g
 * m = oneMinusBeta1 * g + beta1 * m                       -- with axpby's special cases for beta 0 and 1
 * v = oneMinusBeta2 * (g * g) + beta2 * v
 * if amsgrad:        vMax = max(vMax, v); u = vMax        -- else u = v
 * den = epsInside ? sqrt(denScale * u + eps) : denScale * sqrt(u) + eps
 * w = w + stepSize * (m / den)                            -- stepSize = -lr / (1 - beta1^t)
 * </pre>
 *
 * @param decoupled     decay the weights directly (AdamW)
 * @param decay         {@code 1 - lr * lambda}, used when decoupled
 * @param l2            the coupled weight decay lambda, used when not decoupled
 * @param beta1         the first moment's decay
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta2         the second moment's decay
 * @param oneMinusBeta2 {@code 1 - beta2}
 * @param amsgrad       normalise by the running maximum of the second moment
 * @param epsInside     eps under the square root
 * @param denScale      {@code 1 / (1 - beta2^t)} with eps inside, else {@code 1 / sqrt(1 - beta2^t)}
 * @param eps           the denominator's eps
 * @param stepSize      {@code -lr / (1 - beta1^t)}
 */
public record AdamStep(boolean decoupled, double decay, double l2, double beta1, double oneMinusBeta1,
                       double beta2, double oneMinusBeta2, boolean amsgrad, boolean epsInside, double denScale,
                       double eps, double stepSize) {
}
