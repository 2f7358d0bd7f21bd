package dev.descent.optim;

import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.spi.UnaryOp;

/**
 * Weight decay, one piece that every optimiser composes with its own update (the base {@link Optimizer} applies it
 * to each parameter just before the optimiser's equations, after clipping), in PyTorch's two forms:
 *
 * <pre>
 * coupled (L2, PyTorch's weight_decay):   g = g + lambda * w          -- the optimiser then sees this gradient
 * decoupled (AdamW, Loshchilov-Hutter):   w = w - lr * lambda * w     -- computed as (1 - lr lambda) w
 * </pre>
 *
 * So {@link AdamW} is {@link Adam} plus the decoupled form. Every optimiser takes {@code weightDecay} as PyTorch's
 * does; {@link Hyperparameters#decoupledWeightDecay()} chooses the form where the options declare it.
 *
 * <pre>{@code
 * Adam.Options adamw = Adam.options().withWeightDecay(0.01).withDecoupledWeightDecay(true);   // = AdamW.options()
 * }</pre>
 */
public final class WeightDecay {
    private WeightDecay() {
    }

    /** Whether {@link #apply} writes into the gradient under {@code o} (coupled decay with lambda > 0). */
    static boolean writesGradient(Hyperparameters<?> o) {
        return o.weightDecay() != 0 && !o.decoupledWeightDecay();
    }

    /** Applies {@code o}'s weight decay to parameter {@code w} or to its gradient {@code g} (in place). */
    public static void apply(Hyperparameters<?> o, Tensor w, Tensor g) {
        double lambda = o.weightDecay();
        if (lambda == 0) return;
        if (o.decoupledWeightDecay()) {
            InPlace.map(UnaryOp.AFFINE, w, 1 - o.lr() * lambda, 0, w);      // w = (1 - lr lambda) w
        } else {
            InPlace.axpby(lambda, w, 1, g);                                  // g = g + lambda w
        }
    }
}
