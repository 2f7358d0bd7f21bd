package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;

import java.util.List;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay, exactly as
 * {@code torch.optim.SGD}; plus the lecture's exponentially weighted momentum as an option.
 *
 * <pre>
 * input: lr, momentum mu, dampening tau, nesterov, weight decay lambda
 * for t = 1, 2, ...
 *     g = grad + lambda * w
 *     if mu != 0
 *         b = (t == 1) ? g : mu * b + (1 - tau) * g          -- the buffer starts as the first gradient
 *         g = nesterov ? g + mu * b : b
 *     w = w - lr * g
 * </pre>
 *
 * <p>With {@code ema} (the lecture's "gradient descent with momentum", {@link Options#withEma}) the buffer
 * is an exponentially weighted average that starts at 0:
 * <pre>
 *     v = beta * v + (1 - beta) * g        -- v_0 = 0
 *     w = w - lr * v
 * </pre>
 * It is PyTorch's form with {@code dampening = momentum} except at the first step, where PyTorch's buffer is
 * {@code g} and the average's is {@code (1 - beta) g}.
 *
 * <p>The lecture's other form, {@code change = lr * g + mu * change; w = w - change}, keeps the learning rate
 * inside the buffer. It equals PyTorch's {@code b = mu * b + g; w = w - lr * b} (here, with dampening 0) only while
 * the learning rate is constant: after a change of {@code lr}, the old changes still carry the old rate in the
 * lecture's form, while PyTorch's applies the new rate to the whole buffer at once. (SGDTest shows both under a
 * step schedule.)
 *
 * <pre>{@code
 * SGD sgd = new SGD(params, SGD.options(0.1).withMomentum(0.9).withNesterov(true));
 * SGD ema = new SGD(params, SGD.options(0.1).withMomentum(0.9).withEma(true));
 * }</pre>
 */
public final class SGD extends Optimizer<SGD.Options> {
    static final String MOMENTUM_BUFFER = "momentum_buffer";

    /**
     * SGD's hyper-parameters: {@code lr} (>= 0), {@code momentum} mu (>= 0; in [0, 1) with {@code ema}),
     * {@code dampening} tau of the gradient added to the buffer (in [0, 1]), {@code nesterov} (needs momentum > 0
     * and dampening 0), {@code weightDecay} lambda (L2 added to the gradient, >= 0) and {@code ema} (the lecture's
     * exponentially weighted momentum {@code v = mu v + (1 - mu) g} from 0).
     */
    public static final class Options extends Hyperparameters<Options> {
        private static final Schema<Options> SCHEMA = new Schema<>("SGD", Options::new);
        private static final Field LR = SCHEMA.real("lr", 1e-3), MOMENTUM = SCHEMA.real("momentum", 0),
                DAMPENING = SCHEMA.real("dampening", 0), NESTEROV = SCHEMA.flag("nesterov", false),
                WEIGHT_DECAY = SCHEMA.real("weightDecay", 0), EMA = SCHEMA.flag("ema", false);

        private Options(double[] values) {
            super(SCHEMA, values);
        }

        public double momentum() { return get(MOMENTUM); }

        public double dampening() { return get(DAMPENING); }

        public boolean nesterov() { return flag(NESTEROV); }

        public boolean ema() { return flag(EMA); }

        public Options withMomentum(double v) { return with(MOMENTUM, v); }

        public Options withDampening(double v) { return with(DAMPENING, v); }

        public Options withNesterov(boolean v) { return with(NESTEROV, v); }

        /** The lecture's exponentially weighted momentum {@code v = mu v + (1 - mu) g}, {@code v_0 = 0}. */
        public Options withEma(boolean v) { return with(EMA, v); }
    }

    /** Plain gradient descent with learning rate {@code lr}: no momentum, no dampening, no weight decay. */
    public static Options options(double lr) {
        return Options.SCHEMA.defaults().withLr(lr);
    }

    /** PyTorch's defaults: lr 1e-3, no momentum, no dampening, no weight decay. */
    public static Options options() {
        return Options.SCHEMA.defaults();
    }

    public SGD(List<Variable> params, Options options) {
        this(single(params, options));
    }

    public SGD(List<ParamGroup<Options>> groups) {
        super("SGD", groups);
    }

    @Override
    protected void validate(Options o) {
        Check.nonNegative(name(), "momentum", o.momentum());
        Check.unitClosed(name(), "dampening", o.dampening());
        Check.require(!o.nesterov() || (o.momentum() > 0 && o.dampening() == 0), name(),
                "nesterov needs momentum > 0 and dampening = 0, got momentum=" + o.momentum() + ", dampening="
                        + o.dampening());
        if (o.ema()) {
            Check.unitOpen(name(), "momentum (ema)", o.momentum());
            Check.require(!o.nesterov() && o.dampening() == 0, name(), "ema momentum takes no nesterov and no "
                    + "dampening (it is its own dampening), got nesterov=" + o.nesterov() + ", dampening="
                    + o.dampening());
        }
    }

    @Override
    protected List<StateBuffer> state(Options o) {
        return o.momentum() != 0 ? List.of(StateBuffer.tensor(MOMENTUM_BUFFER)) : List.of();
    }

    /** Only Nesterov momentum writes into the gradient ({@code g = g + mu b}). */
    @Override
    protected boolean writesGradient(Options o) {
        return o.momentum() != 0 && !o.ema() && o.nesterov();
    }

    @Override
    protected void update(Tensor w, Tensor g, ParamState s, Options o) {
        double mu = o.momentum();
        if (mu != 0) {
            boolean first = s.step() == 1 || !s.has(MOMENTUM_BUFFER);
            Tensor b = s.buffer(MOMENTUM_BUFFER);
            if (o.ema()) {
                InPlace.axpby(1 - mu, g, mu, b);                                   // v = beta v + (1 - beta) g
                g = b;
            } else {
                if (first) InPlace.copy(g, b);                                     // b = g
                else InPlace.axpby(1 - o.dampening(), g, mu, b);                   // b = mu b + (1 - tau) g
                if (o.nesterov()) InPlace.axpby(mu, b, 1, g);                      // g = g + mu b
                else g = b;
            }
        }
        InPlace.axpby(-o.lr(), g, 1, w);                                           // w = w - lr g
    }
}
