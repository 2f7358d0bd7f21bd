package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;

/**
 * Inverted dropout: in training, each element is zeroed with probability {@code p} and the survivors are scaled by
 * {@code 1/(1-p)}, so the expected value is unchanged; in eval mode it is the identity. The mask comes from the
 * layer's own {@link Rng} (registered, so checkpoints save its state), so a seed reproduces it. Inside an
 * {@link dev.descent.nn.InferenceMode} scope it is the identity whatever its flag, so any number of threads may run
 * inference at once; in training mode the mask's generator is not for concurrent use.
 *
 * <pre>{@code
 * Dropout drop = new Dropout(0.5, rng.split());
 * }</pre>
 */
public final class Dropout extends Module {
    private final double p;
    private final Rng rng;

    public Dropout(double p, Rng rng) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: expected 0 <= p <= 1, got " + p);
        if (rng == null) throw new IllegalArgumentException("Dropout: rng must not be null");
        this.p = p;
        this.rng = registerGenerator("rng", rng);
    }

    public double p() {
        return p;
    }

    @Override
    public Variable forward(Variable x) {
        if (!isTraining() || p == 0) return x;
        return drop(x, p, rng);
    }

    /**
     * {@code x} times a fresh mask of {@code 1/(1-p)} (kept with probability {@code 1-p}) and 0 from {@code rng}; for
     * {@code p = 1}, {@code x} times 0, as PyTorch (so NaN and infinities stay NaN).
     */
    public static Variable drop(Variable x, double p, Rng rng) {
        return drop(x, p, rng, x.shape().dims());
    }

    /** {@link #drop(Variable, double, Rng)} with a mask of {@code maskShape}, broadcast over {@code x}. */
    static Variable drop(Variable x, double p, Rng rng, int... maskShape) {
        if (p == 1) return x.mul(0.0);
        Tensor keep = Tensor.on(x.value().backend(), x.dtype()).bernoulli(rng, 1 - p, maskShape);
        return x.mul(keep.mul(1 / (1 - p)));
    }

    @Override
    protected String describe() {
        return "Dropout(p=" + p + ")";
    }
}
