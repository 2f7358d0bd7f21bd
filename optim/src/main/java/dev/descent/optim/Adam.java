package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.UnaryOp;

import java.util.List;

/**
 * Adam (Kingma and Ba, 2015), as {@code torch.optim.Adam}: momentum on the gradient and RMSProp's average of its
 * square, both bias-corrected; with AMSGrad and the lecture's eps inside the root as options. Weight decay is the
 * shared {@link WeightDecay} piece, applied before this update: {@link AdamW} is Adam plus its decoupled form.
 *
 * <pre>
 * input: lr, beta1, beta2, eps, weight decay lambda, amsgrad
 * for t = 1, 2, ...
 *     if decoupled: w = w - lr * lambda * w              -- AdamW
 *     else          g = grad + lambda * w                -- L2, coupled
 *     m = beta1 * m + (1 - beta1) * g                    -- exp_avg
 *     v = beta2 * v + (1 - beta2) * g^2                  -- exp_avg_sq
 *     if amsgrad: vMax = max(vMax, v); v' = vMax         -- the max of the raw second moment, as PyTorch
 *     else        v' = v
 *     mHat = m / (1 - beta1^t)
 *     vHat = v' / (1 - beta2^t)
 *     w = w - lr * mHat / (sqrt(vHat) + eps)             -- epsInside: lr * mHat / sqrt(vHat + eps)
 * </pre>
 *
 * <p>{@link #effectiveStepSize(Variable)}: the factor applied to {@code m} in the last step,
 * {@code lr / (1 - beta1^t) / (sqrt(vHat) + eps)}.
 *
 * <pre>{@code
 * Adam adam = new Adam(params, Adam.options().withLr(1e-3).withAmsgrad(true));
 * Adam inside = new Adam(params, Adam.options().withEpsInside(true));      // the lecture's sqrt(vHat + eps)
 * }</pre>
 */
public class Adam extends Optimizer<Adam.Options> {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";
    static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

    /**
     * Adam's (and AdamW's) hyper-parameters: {@code lr} (>= 0), {@code beta1} and {@code beta2} (the decays of the
     * first and second moments, in [0, 1)), {@code eps} (added to the root of the second moment, or under it with
     * {@code epsInside}; >= 0), {@code weightDecay} lambda (>= 0, see {@link WeightDecay}), {@code amsgrad}
     * (normalise by the largest second moment so far), {@code epsInside} (eps under the square root, as the
     * lecture writes it) and {@code decoupledWeightDecay} (decay the weights directly, AdamW, instead of adding
     * {@code lambda w} to g).
     */
    public static final class Options extends MomentOptions<Options> {
        private static final Schema<Options> SCHEMA = schema("Adam", Options::new, 1e-3);
        private static final Field AMSGRAD = SCHEMA.flag("amsgrad", false), EPS_INSIDE = SCHEMA.flag("epsInside", false),
                DECOUPLED = SCHEMA.flag("decoupledWeightDecay", false);

        private Options(double[] values) {
            super(SCHEMA, values);
        }

        public boolean amsgrad() { return flag(AMSGRAD); }

        public boolean epsInside() { return flag(EPS_INSIDE); }

        public Options withAmsgrad(boolean v) { return with(AMSGRAD, v); }

        public Options withEpsInside(boolean v) { return with(EPS_INSIDE, v); }

        public Options withDecoupledWeightDecay(boolean v) { return with(DECOUPLED, v); }
    }

    /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8 outside the root, no weight decay. */
    public static Options options() {
        return Options.SCHEMA.defaults();
    }

    public Adam(List<Variable> params, Options options) {
        this(single(params, options));
    }

    public Adam(List<ParamGroup<Options>> groups) {
        this("Adam", groups);
    }

    Adam(String name, List<ParamGroup<Options>> groups) {
        super(name, groups);
    }

    @Override
    protected void validate(Options o) {
        Check.adamFamily(name(), o.beta1(), o.beta2(), o.eps());
    }

    @Override
    protected List<StateBuffer> state(Options o) {
        StateBuffer m = StateBuffer.tensor(EXP_AVG), v = StateBuffer.tensor(EXP_AVG_SQ);
        return o.amsgrad() ? List.of(m, v, StateBuffer.tensor(MAX_EXP_AVG_SQ)) : List.of(m, v);
    }

    /** Adam's update only reads the gradient. */
    @Override
    protected boolean writesGradient(Options o) {
        return false;
    }

    @Override
    protected void update(Tensor w, Tensor g, ParamState s, Options o) {
        double b1 = o.beta1(), b2 = o.beta2(), lr = o.lr();
        double bc1 = 1 - Math.pow(b1, s.step()), bc2 = 1 - Math.pow(b2, s.step());
        Tensor m = s.buffer(EXP_AVG), v = s.buffer(EXP_AVG_SQ), tmp = s.scratch(0);
        // NOTE: weight decay is not here: the base applied WeightDecay to w or g before this update.
        // One sequence of in-place updates: one pass over memory where the backend fuses it, the same values.
        InPlace.Sequence step = InPlace.sequence(w.shape());
        step.axpby(1 - b1, g, b1, m);                                                       // m = beta1 m + (1 - beta1) g
        step.zip(BinaryOp.MUL, g, g, tmp);
        step.axpby(1 - b2, tmp, b2, v);                                                     // v = beta2 v + (1 - beta2) g^2
        Tensor vUsed = v;
        if (o.amsgrad()) {
            vUsed = s.buffer(MAX_EXP_AVG_SQ);
            step.zip(BinaryOp.MAXIMUM, vUsed, v, vUsed);                                    // vMax = max(vMax, v)
        }
        denominator(step, vUsed, bc2, o, tmp);                                              // sqrt(v' / bc2) + eps
        step.zip(BinaryOp.DIV, m, tmp, tmp);
        step.axpby(-lr / bc1, tmp, 1, w);                                                   // w = w - lr mHat / den
        step.run();
    }

    /** {@code out = sqrt(v / bc2) + eps} (as PyTorch: {@code sqrt(v) / sqrt(bc2) + eps}), or {@code sqrt(v / bc2 + eps)}. */
    static void denominator(InPlace.Sequence step, Tensor v, double bc2, Options o, Tensor out) {
        if (o.epsInside()) {
            step.map(UnaryOp.AFFINE, v, 1 / bc2, o.eps(), out);
            step.map(UnaryOp.SQRT, out, 0, 0, out);
        } else {
            step.map(UnaryOp.SQRT, v, 0, 0, out);
            step.map(UnaryOp.AFFINE, out, 1 / Math.sqrt(bc2), o.eps(), out);
        }
    }

    @Override
    protected Tensor effectiveStepSize(Tensor w, ParamState s, Options o) {
        long t = s.step();
        double bc1 = 1 - Math.pow(o.beta1(), t), bc2 = 1 - Math.pow(o.beta2(), t);
        Tensor den = w.zerosLike();
        InPlace.Sequence seq = InPlace.sequence(w.shape());
        denominator(seq, s.buffer(o.amsgrad() ? MAX_EXP_AVG_SQ : EXP_AVG_SQ), bc2, o, den);
        seq.run();
        return den.reciprocal().mul(o.lr() / bc1);
    }
}
