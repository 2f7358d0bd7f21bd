package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.UnaryOp;

import java.util.ArrayList;
import java.util.List;

/**
 * RMSProp (Hinton, 2012): Adagrad with an exponentially weighted average of squared gradients, as
 * {@code torch.optim.RMSprop}, with its centered variant and momentum; the lecture's form (smoothing 0.999,
 * eps inside the root) is {@code withSmoothing(0.999).withEpsInside(true)}.
 *
 * <pre>
 * input: lr, smoothing a (PyTorch's alpha), eps, weight decay lambda, momentum mu, centered
 * for t = 1, 2, ...
 *     g = grad + lambda * w
 *     s = a * s + (1 - a) * g^2                          -- square_avg
 *     if centered
 *         m = a * m + (1 - a) * g                        -- grad_avg
 *         d = sqrt(s - m^2) + eps                        -- epsInside: sqrt(s - m^2 + eps)
 *     else
 *         d = sqrt(s) + eps                              -- epsInside: sqrt(s + eps)
 *     if mu > 0
 *         b = mu * b + g / d                             -- momentum_buffer
 *         w = w - lr * b
 *     else
 *         w = w - lr * g / d
 * </pre>
 *
 * <p>The smoothing constant is called {@code smoothing} (PyTorch's {@code alpha}, the lecture's {@code beta_2}) so
 * that it cannot be taken for the learning rate.
 *
 * <p>{@link #effectiveStepSize(Variable)}: {@code lr / d} after the last step.
 *
 * <pre>{@code
 * RMSProp rms = new RMSProp(params, RMSProp.options().withCentered(true));
 * RMSProp inside = new RMSProp(params, RMSProp.options().withSmoothing(0.999).withEpsInside(true));
 * }</pre>
 */
public final class RMSProp extends Optimizer<RMSProp.Options> {
    static final String SQUARE_AVG = "square_avg";
    static final String GRAD_AVG = "grad_avg";
    static final String MOMENTUM_BUFFER = "momentum_buffer";

    /**
     * RMSProp's hyper-parameters: {@code lr} (>= 0), {@code smoothing} (the decay of the average of squared
     * gradients, PyTorch's alpha, in [0, 1]), {@code eps} (added to the root's result, or under it with
     * {@code epsInside}; >= 0), {@code weightDecay} (L2 added to the gradient, >= 0), {@code momentum} (>= 0),
     * {@code centered} (divide by the estimated standard deviation {@code sqrt(s - m^2)} instead of
     * {@code sqrt(s)}) and {@code epsInside} (eps under the square root, as the lecture writes it).
     */
    public static final class Options extends Hyperparameters<Options> {
        private static final Schema<Options> SCHEMA = new Schema<>("RMSProp", Options::new);
        private static final Field LR = SCHEMA.real("lr", 0.01), SMOOTHING = SCHEMA.real("smoothing", 0.99),
                EPS = SCHEMA.real("eps", 1e-8), WEIGHT_DECAY = SCHEMA.real("weightDecay", 0),
                MOMENTUM = SCHEMA.real("momentum", 0), CENTERED = SCHEMA.flag("centered", false),
                EPS_INSIDE = SCHEMA.flag("epsInside", false);

        private Options(double[] values) {
            super(SCHEMA, values);
        }

        public double smoothing() { return get(SMOOTHING); }

        public double eps() { return get(EPS); }

        public double momentum() { return get(MOMENTUM); }

        public boolean centered() { return flag(CENTERED); }

        public boolean epsInside() { return flag(EPS_INSIDE); }

        public Options withSmoothing(double v) { return with(SMOOTHING, v); }

        public Options withEps(double v) { return with(EPS, v); }

        public Options withMomentum(double v) { return with(MOMENTUM, v); }

        public Options withCentered(boolean v) { return with(CENTERED, v); }

        public Options withEpsInside(boolean v) { return with(EPS_INSIDE, v); }
    }

    /** PyTorch's defaults: lr 0.01, smoothing 0.99, eps 1e-8 outside the root. */
    public static Options options() {
        return Options.SCHEMA.defaults();
    }

    public RMSProp(List<Variable> params, Options options) {
        this(single(params, options));
    }

    public RMSProp(List<ParamGroup<Options>> groups) {
        super("RMSProp", groups);
    }

    @Override
    protected void validate(Options o) {
        Check.unitClosed(name(), "smoothing", o.smoothing());
        Check.nonNegative(name(), "eps", o.eps());
        Check.nonNegative(name(), "momentum", o.momentum());
    }

    @Override
    protected List<StateBuffer> state(Options o) {
        List<StateBuffer> out = new ArrayList<>(List.of(StateBuffer.tensor(SQUARE_AVG)));
        if (o.momentum() > 0) out.add(StateBuffer.tensor(MOMENTUM_BUFFER));
        if (o.centered()) out.add(StateBuffer.tensor(GRAD_AVG));
        return out;
    }

    @Override
    protected void update(Tensor w, Tensor g, ParamState st, Options o) {
        double a = o.smoothing();
        Tensor s = st.buffer(SQUARE_AVG);
        Tensor d = st.scratch(0);
        InPlace.zip(BinaryOp.MUL, g, g, d);
        InPlace.axpby(1 - a, d, a, s);                                       // s = a s + (1 - a) g^2
        if (o.centered()) {
            Tensor m = st.buffer(GRAD_AVG);
            InPlace.axpby(1 - a, g, a, m);                                   // m = a m + (1 - a) g
            InPlace.zip(BinaryOp.MUL, m, m, d);
            InPlace.axpby(1, s, -1, d);                                      // s - m^2
            root(d, o, d);                                                   // d = sqrt(s - m^2) + eps
        } else {
            root(s, o, d);                                                   // d = sqrt(s) + eps
        }
        InPlace.zip(BinaryOp.DIV, g, d, d);                                  // g / d
        if (o.momentum() > 0) {
            Tensor b = st.buffer(MOMENTUM_BUFFER);
            InPlace.axpby(1, d, o.momentum(), b);                            // b = mu b + g / d
            InPlace.axpby(-o.lr(), b, 1, w);                                 // w = w - lr b
        } else {
            InPlace.axpby(-o.lr(), d, 1, w);                                 // w = w - lr g / d
        }
    }

    /** {@code out = sqrt(x) + eps}, or {@code sqrt(x + eps)} with eps inside. */
    private static void root(Tensor x, Options o, Tensor out) {
        if (o.epsInside()) {
            InPlace.map(UnaryOp.AFFINE, x, 1, o.eps(), out);
            InPlace.map(UnaryOp.SQRT, out, 0, 0, out);
        } else {
            InPlace.map(UnaryOp.SQRT, x, 0, 0, out);
            InPlace.map(UnaryOp.AFFINE, out, 1, o.eps(), out);
        }
    }

    /** {@code lr / d} with d from the current averages. */
    @Override
    protected Tensor effectiveStepSize(Tensor w, ParamState st, Options o) {
        Tensor d = st.buffer(SQUARE_AVG).copy();
        if (o.centered()) {
            Tensor m = st.buffer(GRAD_AVG);
            d = d.sub(m.mul(m));
        }
        root(d, o, d);
        return d.reciprocal().mul(o.lr());
    }
}
