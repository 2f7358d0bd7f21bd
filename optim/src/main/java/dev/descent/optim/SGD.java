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
 * <p>With {@code ema} (the lecture's "gradient descent with momentum", {@link #lecture(double, double)}) the buffer
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
 * SGD lecture = new SGD(params, SGD.lecture(0.1, 0.9));
 * }</pre>
 */
public final class SGD extends Optimizer<SGD.Options> {
    static final String MOMENTUM_BUFFER = "momentum_buffer";

    /**
     * SGD's hyper-parameters.
     *
     * @param lr          the learning rate, >= 0
     * @param momentum    the momentum factor mu, >= 0 (in [0, 1) with {@code ema})
     * @param dampening   the dampening tau of the gradient added to the buffer, in [0, 1]
     * @param nesterov    Nesterov momentum (needs momentum > 0 and dampening 0)
     * @param weightDecay the L2 penalty lambda added to the gradient, >= 0
     * @param ema         the lecture's exponentially weighted momentum {@code v = mu v + (1 - mu) g} from 0
     */
    public record Options(double lr, double momentum, double dampening, boolean nesterov, double weightDecay,
                          boolean ema) implements Hyperparameters<Options> {
        public Options withLr(double v) { return new Options(v, momentum, dampening, nesterov, weightDecay, ema); }

        public Options withMomentum(double v) { return new Options(lr, v, dampening, nesterov, weightDecay, ema); }

        public Options withDampening(double v) { return new Options(lr, momentum, v, nesterov, weightDecay, ema); }

        public Options withNesterov(boolean v) { return new Options(lr, momentum, dampening, v, weightDecay, ema); }

        public Options withWeightDecay(double v) { return new Options(lr, momentum, dampening, nesterov, v, ema); }

        public Options withEma(boolean v) { return new Options(lr, momentum, dampening, nesterov, weightDecay, v); }
    }

    /** Plain gradient descent with learning rate {@code lr}: no momentum, no dampening, no weight decay. */
    public static Options options(double lr) {
        return new Options(lr, 0, 0, false, 0, false);
    }

    /** The lecture's momentum: {@code v = beta v + (1 - beta) g} from {@code v = 0}; {@code w -= lr v}. */
    public static Options lecture(double lr, double beta) {
        return new Options(lr, beta, 0, false, 0, true);
    }

    public SGD(List<Variable> params, Options options) {
        this(single(params, options));
    }

    public SGD(List<ParamGroup<Options>> groups) {
        super("SGD", groups);
    }

    @Override
    protected void validate(Options o) {
        Check.nonNegative(name(), "lr", o.lr());
        Check.nonNegative(name(), "momentum", o.momentum());
        Check.unitClosed(name(), "dampening", o.dampening());
        Check.nonNegative(name(), "weightDecay", o.weightDecay());
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
    protected void initState(ParamState s, Options o) {
        if (o.momentum() != 0) s.buffer(MOMENTUM_BUFFER);
    }

    @Override
    protected void update(Tensor w, Tensor g, ParamState s, Options o) {
        double mu = o.momentum();
        if (o.weightDecay() != 0) InPlace.axpby(o.weightDecay(), w, 1, g);           // g = g + lambda w
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
