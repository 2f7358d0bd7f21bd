package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.UnaryOp;

import java.util.List;

/**
 * RAdam (Liu et al., 2020): Adam whose adaptive step is switched on, and rectified, only once the variance of
 * the second-moment estimate is tractable; as {@code torch.optim.RAdam}.
 *
 * <pre>
 * input: lr, beta1, beta2, eps, weight decay lambda
 * rho_inf = 2 / (1 - beta2) - 1
 * for t = 1, 2, ...
 *     g = grad + lambda * w
 *     m = beta1 * m + (1 - beta1) * g
 *     v = beta2 * v + (1 - beta2) * g^2
 *     mHat = m / (1 - beta1^t)
 *     rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
 *     if rho_t > 5
 *         r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
 *         w = w - lr * r * mHat * sqrt(1 - beta2^t) / (sqrt(v) + eps)
 *     else
 *         w = w - lr * mHat                              -- plain momentum while the variance is intractable
 * </pre>
 *
 * <p>{@link #effectiveStepSize(Variable)}: the factor applied to {@code m} in the last step.
 *
 * <pre>{@code
 * RAdam radam = new RAdam(params, RAdam.options().withLr(1e-3));
 * }</pre>
 */
public final class RAdam extends Optimizer<RAdam.Options> {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";

    /**
     * RAdam's hyper-parameters: {@code lr} (>= 0), {@code beta1} and {@code beta2} (the decays of the first and
     * second moments, in [0, 1)), {@code eps} (added to the root of the second moment, >= 0) and
     * {@code weightDecay} (L2 added to the gradient, >= 0).
     */
    public static final class Options extends MomentOptions<Options> {
        private static final Schema<Options> SCHEMA = schema("RAdam", Options::new, 1e-3);

        private Options(double[] values) {
            super(SCHEMA, values);
        }
    }

    /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8. */
    public static Options options() {
        return Options.SCHEMA.defaults();
    }

    public RAdam(List<Variable> params, Options options) {
        this(single(params, options));
    }

    public RAdam(List<ParamGroup<Options>> groups) {
        super("RAdam", groups);
    }

    @Override
    protected void validate(Options o) {
        Check.adamFamily(name(), o.beta1(), o.beta2(), o.eps());
    }

    @Override
    protected List<StateBuffer> state(Options o) {
        return List.of(StateBuffer.tensor(EXP_AVG), StateBuffer.tensor(EXP_AVG_SQ));
    }

    @Override
    protected void update(Tensor w, Tensor g, ParamState s, Options o) {
        double b1 = o.beta1(), b2 = o.beta2();
        long t = s.step();
        Tensor m = s.buffer(EXP_AVG), v = s.buffer(EXP_AVG_SQ);
        Tensor tmp = s.scratch(0);
        InPlace.axpby(1 - b1, g, b1, m);                                    // m = beta1 m + (1 - beta1) g
        InPlace.zip(BinaryOp.MUL, g, g, tmp);
        InPlace.axpby(1 - b2, tmp, b2, v);                                  // v = beta2 v + (1 - beta2) g^2
        double bc1 = 1 - Math.pow(b1, t);
        double rect = rectification(b2, t);
        if (Double.isNaN(rect)) {
            InPlace.axpby(-o.lr() / bc1, m, 1, w);                          // w = w - lr mHat
            return;
        }
        double bc2 = 1 - Math.pow(b2, t);
        InPlace.map(UnaryOp.SQRT, v, 0, 0, tmp);
        InPlace.map(UnaryOp.AFFINE, tmp, 1, o.eps(), tmp);                  // sqrt(v) + eps
        InPlace.zip(BinaryOp.DIV, m, tmp, tmp);
        InPlace.axpby(-o.lr() / bc1 * rect * Math.sqrt(bc2), tmp, 1, w);   // w = w - lr r mHat sqrt(bc2) / (sqrt(v) + eps)
    }

    /** The rectification r at step t, or NaN while {@code rho_t <= 5}. */
    static double rectification(double b2, long t) {
        double rhoInf = 2 / (1 - b2) - 1;
        double bc2 = 1 - Math.pow(b2, t);
        double rho = rhoInf - 2 * t * Math.pow(b2, t) / bc2;
        if (!(rho > 5)) return Double.NaN;
        return Math.sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho));
    }

    @Override
    protected Tensor effectiveStepSize(Tensor w, ParamState s, Options o) {
        long t = s.step();
        double bc1 = 1 - Math.pow(o.beta1(), t), rect = rectification(o.beta2(), t);
        if (Double.isNaN(rect)) return w.fullLike(o.lr() / bc1);
        double bc2 = 1 - Math.pow(o.beta2(), t);
        return s.buffer(EXP_AVG_SQ).sqrt().add(o.eps()).reciprocal().mul(o.lr() / bc1 * rect * Math.sqrt(bc2));
    }
}
