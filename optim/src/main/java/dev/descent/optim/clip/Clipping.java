package dev.descent.optim.clip;

import dev.descent.core.Tensor;

import java.util.List;

/**
 * A gradient clipping rule, to attach to an optimiser ({@code optimizer.clipping(Clipping.norm(1.0))}), which then
 * clips its own copies of the gradients before every step. The same rules run on the variables' gradients
 * directly through {@link GradClip}.
 *
 * <pre>{@code
 * adam.clipping(Clipping.norm(1.0, 2));          // scale all gradients together to a 2-norm of at most 1
 * sgd.clipping(Clipping.value(0.5));             // clamp every element to [-0.5, 0.5]
 * rmsprop.clipping(Clipping.normPerParameter(1.0, 2));
 * }</pre>
 */
@FunctionalInterface
public interface Clipping {

    /** Clips {@code grads} in place; they are distinct tensors owned by the caller. */
    void clip(List<Tensor> grads);

    /** Clamps every element to {@code [-clipValue, clipValue]} ({@code torch.nn.utils.clip_grad_value_}). */
    static Clipping value(double clipValue) {
        GradClip.checkValue("Clipping.value", clipValue);
        return grads -> GradClip.clipValue(grads, clipValue);
    }

    /** Scales all gradients together so that their 2-norm is at most {@code maxNorm}. */
    static NormClipping norm(double maxNorm) {
        return new NormClipping(maxNorm, 2, false, false);
    }

    /**
     * Scales all gradients together so that their {@code normType}-norm (1, 2, any p > 0, or infinity) is at most
     * {@code maxNorm} ({@code torch.nn.utils.clip_grad_norm_}).
     */
    static NormClipping norm(double maxNorm, double normType) {
        return new NormClipping(maxNorm, normType, false, false);
    }

    /** Scales each gradient on its own so that its {@code normType}-norm is at most {@code maxNorm}. */
    static NormClipping normPerParameter(double maxNorm, double normType) {
        return new NormClipping(maxNorm, normType, false, true);
    }
}
