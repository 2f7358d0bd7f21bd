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
     * Adamax's hyper-parameters.
     *
     * @param lr          the learning rate, >= 0
     * @param beta1       the decay of the first moment, in [0, 1)
     * @param beta2       the decay of the infinity norm, in [0, 1)
     * @param eps         added to |g|, >= 0
     * @param weightDecay the L2 penalty added to the gradient, >= 0
     */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay)
            implements Hyperparameters<Options> {
        public Options withLr(double v) { return new Options(v, beta1, beta2, eps, weightDecay); }

        public Options withBetas(double b1, double b2) { return new Options(lr, b1, b2, eps, weightDecay); }

        public Options withEps(double v) { return new Options(lr, beta1, beta2, v, weightDecay); }

        public Options withWeightDecay(double v) { return new Options(lr, beta1, beta2, eps, v); }
    }

    /** PyTorch's defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8. */
    public static Options options() {
        return new Options(2e-3, 0.9, 0.999, 1e-8, 0);
    }

    public Adamax(List<Variable> params, Options options) {
        this(single(params, options));
    }

    public Adamax(List<ParamGroup<Options>> groups) {
        super("Adamax", groups);
    }

    @Override
    protected void validate(Options o) {
        Check.adamFamily(name(), o.lr(), o.beta1(), o.beta2(), o.eps(), o.weightDecay());
    }

    @Override
    protected void initState(ParamState s, Options o) {
        s.buffer(EXP_AVG);
        s.buffer(EXP_INF);
    }

    @Override
    protected void update(Tensor w, Tensor g, ParamState s, Options o) {
        double b1 = o.beta1();
        Tensor m = s.buffer(EXP_AVG), u = s.buffer(EXP_INF);
        Tensor tmp = s.scratch(0);
        if (o.weightDecay() != 0) InPlace.axpby(o.weightDecay(), w, 1, g);  // g = g + lambda w
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
