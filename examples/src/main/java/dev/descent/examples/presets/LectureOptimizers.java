package dev.descent.examples.presets;

import dev.descent.optim.Adadelta;
import dev.descent.optim.Adagrad;
import dev.descent.optim.Adam;
import dev.descent.optim.RMSProp;
import dev.descent.optim.SGD;

/**
 * The lecture's optimiser settings, as the demos use them: each is a documented option of the optimiser (PyTorch's
 * form is the optimiser's default), with the lecture's constants.
 *
 * <pre>{@code
 * SGD sgd = new SGD(params, LectureOptimizers.momentum(0.1, 0.9));   // v = beta v + (1 - beta) g; w -= lr v
 * Adam adam = new Adam(params, LectureOptimizers.adam(1e-3));       // w -= lr mHat / sqrt(vHat + 1e-8)
 * }</pre>
 */
public final class LectureOptimizers {
    /** The lecture's delta in Adagrad and in the windowed Adadelta: between 1e-5 and 1e-7. */
    public static final double DELTA = 1e-7;

    private LectureOptimizers() {
    }

    /** The lecture's momentum: {@code v = beta v + (1 - beta) g} from {@code v = 0}; {@code w -= lr v}. */
    public static SGD.Options momentum(double lr, double beta) {
        return SGD.options(lr).withMomentum(beta).withEma(true);
    }

    /** The lecture's Adagrad: {@code w -= lr g / sqrt(1e-7 + sum g^2)}, the current gradient included. */
    public static Adagrad.Options adagrad(double lr) {
        return Adagrad.options().withLr(lr).withEps(DELTA).withEpsInside(true);
    }

    /** The lecture's Adadelta: Adagrad over the last {@code window} squared gradients, lr 0.01 and delta 1e-7. */
    public static Adadelta.Options adadelta(int window) {
        return Adadelta.options().withWindow(window).withLr(0.01).withEps(DELTA);
    }

    /** The lecture's RMSProp: smoothing 0.999, {@code w -= lr g / sqrt(s + 1e-8)}. */
    public static RMSProp.Options rmsprop(double lr) {
        return RMSProp.options().withLr(lr).withSmoothing(0.999).withEpsInside(true);
    }

    /** The lecture's Adam: {@code w -= lr mHat / sqrt(vHat + 1e-8)}. */
    public static Adam.Options adam(double lr) {
        return Adam.options().withLr(lr).withEpsInside(true);
    }
}
