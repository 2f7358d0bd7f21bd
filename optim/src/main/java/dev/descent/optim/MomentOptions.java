package dev.descent.optim;

import java.util.function.Function;

/**
 * The hyper-parameters the Adam family shares ({@link Adam}, {@link AdamW}, {@link NAdam}, {@link RAdam},
 * {@link Adamax}): {@code lr}, the decays {@code beta1} and {@code beta2} of the two moments (in [0, 1)),
 * {@code eps} (>= 0) and {@code weightDecay}, declared in that order by {@link #schema}; each optimiser's options
 * add their own fields after them.
 *
 * <pre>{@code
 * RAdam.Options o = RAdam.options().withBetas(0.9, 0.99).withEps(1e-7);
 * }</pre>
 *
 * @param <O> the options type itself
 */
public abstract class MomentOptions<O extends MomentOptions<O>> extends Hyperparameters<O> {
    private final Field beta1, beta2, eps;

    protected MomentOptions(Schema<O> schema, double[] values) {
        super(schema, values);
        beta1 = schema.field("beta1");
        beta2 = schema.field("beta2");
        eps = schema.field("eps");
    }

    /** A schema holding {@code lr} (default {@code lr}), betas (0.9, 0.999), eps 1e-8 and weight decay 0. */
    protected static <O extends MomentOptions<O>> Schema<O> schema(String optimizer, Function<double[], O> factory,
                                                                   double lr) {
        Schema<O> s = new Schema<>(optimizer, factory);
        s.real("lr", lr);
        s.real("beta1", 0.9);
        s.real("beta2", 0.999);
        s.real("eps", 1e-8);
        s.real("weightDecay", 0);
        return s;
    }

    /** The decay of the first moment. */
    public final double beta1() {
        return get(beta1);
    }

    /** The decay of the second moment (of the infinity norm, for Adamax). */
    public final double beta2() {
        return get(beta2);
    }

    /** The denominator's eps. */
    public final double eps() {
        return get(eps);
    }

    /** The same options with betas {@code (b1, b2)} (PyTorch's {@code betas}). */
    public final O withBetas(double b1, double b2) {
        return with(beta1, b1).with(beta2, b2);
    }

    /** The same options with {@code eps}. */
    public final O withEps(double v) {
        return with(eps, v);
    }
}
