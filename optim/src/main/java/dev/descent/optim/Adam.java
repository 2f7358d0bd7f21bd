package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.UnaryOp;

import java.util.List;

/**
 * Adam (Kingma and Ba, 2015), as {@code torch.optim.Adam}: momentum on the gradient and RMSProp's average of its
 * square, both bias-corrected; with coupled L2 weight decay, AMSGrad, and the lecture's eps inside the root as an
 * option. {@link AdamW} is the same class with decoupled weight decay.
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
 * Adam lecture = new Adam(params, Adam.lecture(1e-3));
 * }</pre>
 */
public class Adam extends Optimizer<Adam.Options> {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";
    static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

    /**
     * Adam's (and AdamW's) hyper-parameters.
     *
     * @param lr                   the learning rate, >= 0
     * @param beta1                the decay of the first moment, in [0, 1)
     * @param beta2                the decay of the second moment, in [0, 1)
     * @param eps                  added to the root of the second moment (or under it, with epsInside), >= 0
     * @param weightDecay          the weight decay lambda, >= 0
     * @param amsgrad              normalise by the largest second moment so far
     * @param epsInside            eps under the square root, as the lecture writes it
     * @param decoupledWeightDecay decay the weights directly (AdamW) instead of adding {@code lambda w} to g
     */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                          boolean epsInside, boolean decoupledWeightDecay) implements Hyperparameters<Options> {
        public Options withLr(double v) { return new Options(v, beta1, beta2, eps, weightDecay, amsgrad, epsInside, decoupledWeightDecay); }

        public Options withBetas(double b1, double b2) { return new Options(lr, b1, b2, eps, weightDecay, amsgrad, epsInside, decoupledWeightDecay); }

        public Options withEps(double v) { return new Options(lr, beta1, beta2, v, weightDecay, amsgrad, epsInside, decoupledWeightDecay); }

        public Options withWeightDecay(double v) { return new Options(lr, beta1, beta2, eps, v, amsgrad, epsInside, decoupledWeightDecay); }

        public Options withAmsgrad(boolean v) { return new Options(lr, beta1, beta2, eps, weightDecay, v, epsInside, decoupledWeightDecay); }

        public Options withEpsInside(boolean v) { return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad, v, decoupledWeightDecay); }

        public Options withDecoupledWeightDecay(boolean v) { return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad, epsInside, v); }
    }

    /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8 outside the root, no weight decay. */
    public static Options options() {
        return new Options(1e-3, 0.9, 0.999, 1e-8, 0, false, false, false);
    }

    /** The lecture's Adam: {@code w -= lr mHat / sqrt(vHat + 1e-8)}. */
    public static Options lecture(double lr) {
        return options().withLr(lr).withEpsInside(true);
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
        Check.adamFamily(name(), o.lr(), o.beta1(), o.beta2(), o.eps(), o.weightDecay());
    }

    @Override
    protected void initState(ParamState s, Options o) {
        s.buffer(EXP_AVG);
        s.buffer(EXP_AVG_SQ);
        if (o.amsgrad()) s.buffer(MAX_EXP_AVG_SQ);
    }

    @Override
    protected void update(Tensor w, Tensor g, ParamState s, Options o) {
        double b1 = o.beta1(), b2 = o.beta2(), lambda = o.weightDecay(), lr = o.lr();
        double bc1 = 1 - Math.pow(b1, s.step()), bc2 = 1 - Math.pow(b2, s.step());
        Tensor m = s.buffer(EXP_AVG), v = s.buffer(EXP_AVG_SQ), tmp = s.scratch(0);
        // One sequence of in-place updates: one pass over memory where the backend fuses it, the same values.
        InPlace.Sequence step = InPlace.sequence(w.shape());
        if (o.decoupledWeightDecay()) step.map(UnaryOp.AFFINE, w, 1 - lr * lambda, 0, w); // w = w - lr lambda w
        else if (lambda != 0) step.axpby(lambda, w, 1, g);                                  // g = g + lambda w
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
