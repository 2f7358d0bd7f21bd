package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.UnaryOp;

import java.util.ArrayList;
import java.util.List;

/**
 * Adadelta (Zeiler, 2012), as {@code torch.optim.Adadelta}: decaying averages of squared gradients and of squared
 * updates replace Adagrad's ever-growing sum; the lecture's description, Adagrad over a window of the last
 * {@code w} squared gradients, is one option away.
 *
 * <pre>
 * input: lr, rho, eps, weight decay lambda
 * for t = 1, 2, ...
 *     g = grad + lambda * w
 *     v = rho * v + (1 - rho) * g^2                      -- square_avg
 *     delta = sqrt(u + eps) / sqrt(v + eps) * g
 *     u = rho * u + (1 - rho) * delta^2                  -- acc_delta
 *     w = w - lr * delta
 * </pre>
 *
 * <p>With {@code window = k > 0} ({@link Options#withWindow}): the last {@code k} squared gradients, the current one
 * included, are kept in a ring buffer per parameter ({@code window.0 .. window.k-1}, slot {@code (t - 1) mod k}),
 * and
 * <pre>
 *     w = w - lr * g / sqrt(eps + sum of the window)     -- eps is the lecture's delta, 1e-7
 * </pre>
 * {@code rho} is not used in that form.
 *
 * <p>{@link #effectiveStepSize(Variable)}: {@code lr sqrt(u + eps) / sqrt(v + eps)} from the current averages, or
 * {@code lr / sqrt(eps + sum of the window)}.
 *
 * <pre>{@code
 * Adadelta adadelta = new Adadelta(params, Adadelta.options());
 * Adadelta windowed = new Adadelta(params, Adadelta.options().withWindow(3).withEps(1e-7).withLr(0.1));
 * }</pre>
 */
public final class Adadelta extends Optimizer<Adadelta.Options> {
    static final String SQUARE_AVG = "square_avg";
    static final String ACC_DELTA = "acc_delta";
    private static final String[] SLOTS = new String[64];

    static {
        for (int i = 0; i < SLOTS.length; i++) SLOTS[i] = "window." + i;
    }

    /**
     * Adadelta's hyper-parameters: {@code lr} (the factor applied to delta, >= 0), {@code rho} (the decay of both
     * averages, in [0, 1]), {@code eps} (inside both square roots; the lecture's delta in the windowed form, >= 0),
     * {@code weightDecay} (L2 added to the gradient, >= 0) and {@code window} (0 for PyTorch's averages; {@code k}
     * in 1..64 for the lecture's window of k squared gradients).
     */
    public static final class Options extends Hyperparameters<Options> {
        private static final Schema<Options> SCHEMA = new Schema<>("Adadelta", Options::new);
        private static final Field LR = SCHEMA.real("lr", 1.0), RHO = SCHEMA.real("rho", 0.9),
                EPS = SCHEMA.real("eps", 1e-6), WEIGHT_DECAY = SCHEMA.real("weightDecay", 0),
                WINDOW = SCHEMA.integer("window", 0);

        private Options(double[] values) {
            super(SCHEMA, values);
        }

        public double rho() { return get(RHO); }

        public double eps() { return get(EPS); }

        public int window() { return integer(WINDOW); }

        public Options withRho(double v) { return with(RHO, v); }

        public Options withEps(double v) { return with(EPS, v); }

        /** The lecture's form: Adagrad over the last {@code k} squared gradients (0: PyTorch's averages). */
        public Options withWindow(int k) { return with(WINDOW, k); }
    }

    /** PyTorch's defaults: lr 1.0, rho 0.9, eps 1e-6. */
    public static Options options() {
        return Options.SCHEMA.defaults();
    }

    public Adadelta(List<Variable> params, Options options) {
        this(single(params, options));
    }

    public Adadelta(List<ParamGroup<Options>> groups) {
        super("Adadelta", groups);
    }

    @Override
    protected void validate(Options o) {
        Check.unitClosed(name(), "rho", o.rho());
        Check.nonNegative(name(), "eps", o.eps());
        Check.require(o.window() >= 0 && o.window() <= SLOTS.length, name(), "window must be in [0, " + SLOTS.length
                + "] (0: PyTorch's decaying averages), got " + o.window());
    }

    @Override
    protected List<StateBuffer> state(Options o) {
        if (o.window() == 0) return List.of(StateBuffer.tensor(SQUARE_AVG), StateBuffer.tensor(ACC_DELTA));
        List<StateBuffer> slots = new ArrayList<>();
        for (int k = 0; k < o.window(); k++) slots.add(StateBuffer.tensor(SLOTS[k]));
        return slots;
    }

    @Override
    protected void update(Tensor w, Tensor g, ParamState s, Options o) {
        if (o.window() > 0) {
            windowed(w, g, s, o);
            return;
        }
        double rho = o.rho();
        Tensor v = s.buffer(SQUARE_AVG), u = s.buffer(ACC_DELTA);
        Tensor std = s.scratch(0), delta = s.scratch(1);
        InPlace.zip(BinaryOp.MUL, g, g, std);
        InPlace.axpby(1 - rho, std, rho, v);                                  // v = rho v + (1 - rho) g^2
        rootPlusEps(v, o.eps(), std);                                         // std = sqrt(v + eps)
        rootPlusEps(u, o.eps(), delta);
        InPlace.zip(BinaryOp.DIV, delta, std, delta);
        InPlace.zip(BinaryOp.MUL, delta, g, delta);                           // delta = sqrt(u + eps) / std * g
        InPlace.zip(BinaryOp.MUL, delta, delta, std);
        InPlace.axpby(1 - rho, std, rho, u);                                  // u = rho u + (1 - rho) delta^2
        InPlace.axpby(-o.lr(), delta, 1, w);                                  // w = w - lr delta
    }

    /** The lecture's form: Adagrad over the last {@code window} squared gradients. */
    private static void windowed(Tensor w, Tensor g, ParamState s, Options o) {
        Tensor slot = s.buffer(SLOTS[(int) ((s.step() - 1) % o.window())]);
        InPlace.zip(BinaryOp.MUL, g, g, slot);                                // the oldest slot = g^2
        Tensor sum = s.scratch(0);
        windowSum(s, o, sum);                                                 // sum of the last k g^2
        rootPlusEps(sum, o.eps(), sum);
        InPlace.zip(BinaryOp.DIV, g, sum, sum);
        InPlace.axpby(-o.lr(), sum, 1, w);                                    // w = w - lr g / sqrt(delta + sum)
    }

    private static void windowSum(ParamState s, Options o, Tensor out) {
        InPlace.copy(s.buffer(SLOTS[0]), out);
        for (int k = 1; k < o.window(); k++) InPlace.axpby(1, s.buffer(SLOTS[k]), 1, out);
    }

    /** {@code out = sqrt(x + eps)}. */
    private static void rootPlusEps(Tensor x, double eps, Tensor out) {
        InPlace.map(UnaryOp.AFFINE, x, 1, eps, out);
        InPlace.map(UnaryOp.SQRT, out, 0, 0, out);
    }

    @Override
    protected Tensor effectiveStepSize(Tensor w, ParamState s, Options o) {
        Tensor den = w.zerosLike();
        if (o.window() > 0) {
            windowSum(s, o, den);
            rootPlusEps(den, o.eps(), den);
            return den.reciprocal().mul(o.lr());
        }
        rootPlusEps(s.buffer(SQUARE_AVG), o.eps(), den);
        Tensor num = w.zerosLike();
        rootPlusEps(s.buffer(ACC_DELTA), o.eps(), num);
        return num.div(den).mul(o.lr());
    }
}
