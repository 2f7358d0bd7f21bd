package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.nn.Module;

/**
 * Channel dropout, PyTorch's {@code nn.Dropout2d}: in training each channel of each sample of {@code (N, C, H, W)}
 * is zeroed with probability {@code p} and the kept ones scaled by {@code 1 / (1 - p)}; in eval mode the identity.
 * The mask comes from the layer's registered {@link Rng}. Not for concurrent use in training mode.
 *
 * <pre>{@code
 * Dropout2d drop = new Dropout2d(0.25, rng.split());
 * }</pre>
 */
public final class Dropout2d extends Module {
    private final double p;
    private final Rng rng;

    public Dropout2d(double p, Rng rng) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout2d: expected 0 <= p <= 1, got " + p);
        if (rng == null) throw new IllegalArgumentException("Dropout2d: rng must not be null");
        this.p = p;
        this.rng = registerGenerator("rng", rng);
    }

    /** The probability of zeroing a channel. */
    public double p() {
        return p;
    }

    @Override
    public Variable forward(Variable x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(describe() + ": expected input (N, C, H, W), got " + x.shape());
        }
        if (!isTraining() || p == 0) return x;
        return Dropout.drop(x, p, rng, x.shape().dim(0), x.shape().dim(1), 1, 1);
    }

    @Override
    protected String describe() {
        return "Dropout2d(p=" + p + ")";
    }
}
