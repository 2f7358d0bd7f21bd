package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.UnaryOp;

import java.util.List;

/**
 * Adagrad: each weight's step shrinks with the sum of its squared gradients, as {@code torch.optim.Adagrad};
 * the lecture's form with {@code delta} inside the square root is one option away.
 *
 * <pre>
 * input: lr, lr decay eta, weight decay lambda, initial accumulator s0, eps
 * s = s0
 * for t = 1, 2, ...
 *     g = grad + lambda * w
 *     clr = lr / (1 + (t - 1) * eta)
 *     s = s + g^2
 *     w = w - clr * g / (sqrt(s) + eps)          -- epsInside: clr * g / sqrt(s + eps)
 * </pre>
 *
 * <p>The lecture writes {@code alpha_i = alpha / sqrt(delta + sum_k dW_k^2)} with {@code delta} between
 * {@code 1e-5} and {@code 1e-7}; {@code withEps(1e-7).withEpsInside(true)} is that form, with the current
 * gradient included in the sum (PyTorch's order: accumulate, then step), so the first step is
 * {@code alpha g / sqrt(delta + g^2)} rather than a step of {@code alpha g / sqrt(delta)}.
 *
 * <p>{@link #effectiveStepSize(Variable)} is {@code clr / (sqrt(s) + eps)} (or {@code clr / sqrt(s + eps)}) after
 * the last step: the lecture's decaying learning rate, per weight.
 *
 * <pre>{@code
 * Adagrad adagrad = new Adagrad(params, Adagrad.options().withLr(0.1));
 * Adagrad delta = new Adagrad(params, Adagrad.options().withLr(0.1).withEps(1e-7).withEpsInside(true));
 * }</pre>
 */
public final class Adagrad extends Optimizer<Adagrad.Options> {
    static final String SUM = "sum";

    /**
     * Adagrad's hyper-parameters: {@code lr} (>= 0), {@code lrDecay} eta in {@code lr / (1 + (t - 1) eta)} (>= 0),
     * {@code weightDecay} (L2 added to the gradient, >= 0), {@code initialAccumulator} (the starting sum of
     * squares, >= 0), {@code eps} (added to the denominator, >= 0) and {@code epsInside} (eps under the square
     * root, the lecture's delta, instead of outside).
     */
    public static final class Options extends Hyperparameters<Options> {
        private static final Schema<Options> SCHEMA = new Schema<>("Adagrad", Options::new);
        private static final Field LR = SCHEMA.real("lr", 0.01), LR_DECAY = SCHEMA.real("lrDecay", 0),
                WEIGHT_DECAY = SCHEMA.real("weightDecay", 0), INITIAL = SCHEMA.real("initialAccumulator", 0),
                EPS = SCHEMA.real("eps", 1e-10), EPS_INSIDE = SCHEMA.flag("epsInside", false);

        private Options(double[] values) {
            super(SCHEMA, values);
        }

        public double lrDecay() { return get(LR_DECAY); }

        public double initialAccumulator() { return get(INITIAL); }

        public double eps() { return get(EPS); }

        public boolean epsInside() { return flag(EPS_INSIDE); }

        public Options withLrDecay(double v) { return with(LR_DECAY, v); }

        public Options withInitialAccumulator(double v) { return with(INITIAL, v); }

        public Options withEps(double v) { return with(EPS, v); }

        public Options withEpsInside(boolean v) { return with(EPS_INSIDE, v); }
    }

    /** PyTorch's defaults: lr 0.01, no decay, eps 1e-10 outside the root. */
    public static Options options() {
        return Options.SCHEMA.defaults();
    }

    public Adagrad(List<Variable> params, Options options) {
        this(single(params, options));
    }

    public Adagrad(List<ParamGroup<Options>> groups) {
        super("Adagrad", groups);
    }

    @Override
    protected void validate(Options o) {
        Check.nonNegative(name(), "lrDecay", o.lrDecay());
        Check.nonNegative(name(), "initialAccumulator", o.initialAccumulator());
        Check.nonNegative(name(), "eps", o.eps());
    }

    @Override
    protected List<StateBuffer> state(Options o) {
        return List.of(StateBuffer.tensor(SUM, o.initialAccumulator()));
    }

    @Override
    protected void update(Tensor w, Tensor g, ParamState st, Options o) {
        Tensor s = st.buffer(SUM);
        Tensor tmp = st.scratch(0);
        double clr = clr(o, st.step());                                     // clr = lr / (1 + (t - 1) eta)
        InPlace.zip(BinaryOp.MUL, g, g, tmp);
        InPlace.axpby(1, tmp, 1, s);                                        // s = s + g^2
        denominator(s, o, tmp);                                             // sqrt(s) + eps
        InPlace.zip(BinaryOp.DIV, g, tmp, tmp);
        InPlace.axpby(-clr, tmp, 1, w);                                     // w = w - clr g / (sqrt(s) + eps)
    }

    private static double clr(Options o, long t) {
        return o.lr() / (1 + (t - 1) * o.lrDecay());
    }

    /** {@code out = sqrt(s) + eps}, or {@code sqrt(s + eps)} with eps inside. */
    private static void denominator(Tensor s, Options o, Tensor out) {
        if (o.epsInside()) {
            InPlace.map(UnaryOp.AFFINE, s, 1, o.eps(), out);
            InPlace.map(UnaryOp.SQRT, out, 0, 0, out);
        } else {
            InPlace.map(UnaryOp.SQRT, s, 0, 0, out);
            InPlace.map(UnaryOp.AFFINE, out, 1, o.eps(), out);
        }
    }

    /** {@code clr / (sqrt(s) + eps)} (or {@code clr / sqrt(s + eps)}) with the last step's {@code clr}. */
    @Override
    protected Tensor effectiveStepSize(Tensor w, ParamState st, Options o) {
        Tensor out = w.zerosLike();
        denominator(st.buffer(SUM), o, out);
        return out.reciprocal().mul(clr(o, st.step()));
    }
}
