package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.UnaryOp;

import java.util.List;

/**
 * NAdam (Dozat, 2016): Adam with Nesterov momentum and a momentum schedule, as {@code torch.optim.NAdam}.
 *
 * <pre>
 * input: lr, beta1, beta2, eps, weight decay lambda, momentum decay psi
 * for t = 1, 2, ...
 *     g = grad + lambda * w
 *     mu_t = beta1 * (1 - 0.5 * 0.96^(t * psi))
 *     mu_{t+1} = beta1 * (1 - 0.5 * 0.96^((t + 1) * psi))
 *     P = P * mu_t                                       -- mu_product, P_0 = 1
 *     m = beta1 * m + (1 - beta1) * g
 *     v = beta2 * v + (1 - beta2) * g^2
 *     d = sqrt(v / (1 - beta2^t)) + eps
 *     w = w - lr * (1 - mu_t) / (1 - P) * g / d
 *           - lr * mu_{t+1} / (1 - P * mu_{t+1}) * m / d
 * </pre>
 *
 * <p>NOTE: {@code P * mu_{t+1}} as in the paper and PyTorch 2.x; PyTorch 1.13 multiplied by {@code mu_t} once
 * more there (fixed upstream in pytorch/pytorch#92699).
 *
 * <p>{@link #effectiveStepSize(Variable)}: {@code lr / d} after the last step.
 *
 * <pre>{@code
 * NAdam nadam = new NAdam(params, NAdam.options());
 * }</pre>
 */
public final class NAdam extends Optimizer<NAdam.Options> {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";
    static final String MU_PRODUCT = "mu_product";

    /**
     * NAdam's hyper-parameters: {@code lr} (>= 0), {@code beta1} and {@code beta2} (the decays of the first and
     * second moments, in [0, 1)), {@code eps} (added to the root of the second moment, >= 0), {@code weightDecay}
     * (L2 added to the gradient, >= 0) and {@code momentumDecay} (psi in the momentum schedule, >= 0).
     */
    public static final class Options extends MomentOptions<Options> {
        private static final Schema<Options> SCHEMA = schema("NAdam", Options::new, 2e-3);
        private static final Field MOMENTUM_DECAY = SCHEMA.real("momentumDecay", 4e-3);

        private Options(double[] values) {
            super(SCHEMA, values);
        }

        public double momentumDecay() { return get(MOMENTUM_DECAY); }

        public Options withMomentumDecay(double v) { return with(MOMENTUM_DECAY, v); }
    }

    /** PyTorch's defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, momentum decay 4e-3. */
    public static Options options() {
        return Options.SCHEMA.defaults();
    }

    public NAdam(List<Variable> params, Options options) {
        this(single(params, options));
    }

    public NAdam(List<ParamGroup<Options>> groups) {
        super("NAdam", groups);
    }

    @Override
    protected void validate(Options o) {
        Check.adamFamily(name(), o.beta1(), o.beta2(), o.eps());
        Check.nonNegative(name(), "momentumDecay", o.momentumDecay());
    }

    @Override
    protected List<StateBuffer> state(Options o) {
        return List.of(StateBuffer.tensor(EXP_AVG), StateBuffer.tensor(EXP_AVG_SQ),
                StateBuffer.scalar(MU_PRODUCT, 1.0));
    }

    @Override
    protected void update(Tensor w, Tensor g, ParamState s, Options o) {
        double b1 = o.beta1(), b2 = o.beta2(), psi = o.momentumDecay();
        long t = s.step();
        Tensor m = s.buffer(EXP_AVG), v = s.buffer(EXP_AVG_SQ), product = s.buffer(MU_PRODUCT);
        Tensor d = s.scratch(0);
        double mu = b1 * (1 - 0.5 * Math.pow(0.96, t * psi));
        double muNext = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * psi));
        double p = product.item() * mu;                                     // P = P mu_t
        InPlace.fill(product, p);
        InPlace.axpby(1 - b1, g, b1, m);                                    // m = beta1 m + (1 - beta1) g
        InPlace.zip(BinaryOp.MUL, g, g, d);
        InPlace.axpby(1 - b2, d, b2, v);                                    // v = beta2 v + (1 - beta2) g^2
        InPlace.map(UnaryOp.AFFINE, v, 1 / (1 - Math.pow(b2, t)), 0, d);
        InPlace.map(UnaryOp.SQRT, d, 0, 0, d);
        InPlace.map(UnaryOp.AFFINE, d, 1, o.eps(), d);                      // d = sqrt(v / (1 - beta2^t)) + eps
        InPlace.zip(BinaryOp.DIV, g, d, g);
        InPlace.zip(BinaryOp.DIV, m, d, d);
        InPlace.axpby(-o.lr() * (1 - mu) / (1 - p), g, 1, w);              // w -= lr (1 - mu_t) / (1 - P) g / d
        InPlace.axpby(-o.lr() * muNext / (1 - p * muNext), d, 1, w);       // w -= lr mu_t+1 / (1 - P mu_t+1) m / d
    }

    @Override
    protected Tensor effectiveStepSize(Tensor w, ParamState s, Options o) {
        Tensor d = s.buffer(EXP_AVG_SQ).div(1 - Math.pow(o.beta2(), s.step())).sqrt().add(o.eps());
        return d.reciprocal().mul(o.lr());
    }
}
