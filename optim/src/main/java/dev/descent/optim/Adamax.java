package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.UnaryOp;

import java.util.List;

/**
 * Adamax (Kingma and Ba, 2015, section 7.1): Adam with the infinity norm in place of the second moment, as
 * {@code torch.optim.Adamax}.
 *
 * <pre>
 * input: lr, beta1, beta2, eps, weight decay lambda
 * for t = 1, 2, ...
 *     g = grad + lambda * w
 *     m = beta1 * m + (1 - beta1) * g                    -- exp_avg
 *     u = max(beta2 * u, |g| + eps)                      -- exp_inf
 *     w = w - lr / (1 - beta1^t) * m / u
 * </pre>
 *
 * <p>{@link #effectiveStepSize(Variable)}: {@code lr / (1 - beta1^t) / u} after the last step.
 *
 * <pre>{@code
 * Adamax adamax = new Adamax(params, Adamax.options());
 * }</pre>
 */
public final class Adamax extends Optimizer<Adamax.Options> {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_INF = "exp_inf";

    /**
     * Adamax's hyper-parameters: {@code lr} (>= 0), {@code beta1} and {@code beta2} (the decays of the first moment
     * and of the infinity norm, in [0, 1)), {@code eps} (added to |g|, >= 0) and {@code weightDecay} (L2 added to
     * the gradient, >= 0).
     */
    public static final class Options extends MomentOptions<Options> {
        private static final Schema<Options> SCHEMA = schema("Adamax", Options::new, 2e-3);

        private Options(double[] values) {
            super(SCHEMA, values);
        }
    }

    /** PyTorch's defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8. */
    public static Options options() {
        return Options.SCHEMA.defaults();
    }

    public Adamax(List<Variable> params, Options options) {
        this(single(params, options));
    }

    public Adamax(List<ParamGroup<Options>> groups) {
        super("Adamax", groups);
    }

    @Override
    protected void validate(Options o) {
        Check.adamFamily(name(), o.beta1(), o.beta2(), o.eps());
    }

    @Override
    protected List<StateBuffer> state(Options o) {
        return List.of(StateBuffer.tensor(EXP_AVG), StateBuffer.tensor(EXP_INF));
    }

    @Override
    protected void update(Tensor w, Tensor g, ParamState s, Options o) {
        double b1 = o.beta1();
        Tensor m = s.buffer(EXP_AVG), u = s.buffer(EXP_INF);
        Tensor tmp = s.scratch(0);
        InPlace.axpby(1 - b1, g, b1, m);                                    // m = beta1 m + (1 - beta1) g
        InPlace.map(UnaryOp.ABS, g, 0, 0, tmp);
        InPlace.map(UnaryOp.AFFINE, tmp, 1, o.eps(), tmp);                  // |g| + eps
        InPlace.map(UnaryOp.AFFINE, u, o.beta2(), 0, u);
        InPlace.zip(BinaryOp.MAXIMUM, u, tmp, u);                           // u = max(beta2 u, |g| + eps)
        InPlace.zip(BinaryOp.DIV, m, u, tmp);
        InPlace.axpby(-o.lr() / (1 - Math.pow(b1, s.step())), tmp, 1, w);  // w = w - lr / (1 - beta1^t) m / u
    }

    @Override
    protected Tensor effectiveStepSize(Tensor w, ParamState s, Options o) {
        return s.buffer(EXP_INF).reciprocal().mul(o.lr() / (1 - Math.pow(o.beta1(), s.step())));
    }
}
