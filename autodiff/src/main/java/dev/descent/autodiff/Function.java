package dev.descent.autodiff;

import dev.descent.core.Tensor;

import java.util.Arrays;

/**
 * A user-defined differentiable function, as {@code torch.autograd.Function}: the forward computes on tensors and
 * may save what the backward needs; the backward maps the output's gradient to one gradient per input, written
 * with {@link Variable} operations so that it can be differentiated again. Check it with
 * {@link dev.descent.autodiff.check.GradCheck}.
 *
 * <pre>{@code
 * // f(x) = x^3, f'(x) = 3 x^2
 * class Cube extends Function {
 *     protected Tensor forward(Context ctx, Tensor... in) { return in[0].pow(3); }
 *     protected Variable[] backward(Context ctx, Variable g) {
 *         Variable x = ctx.input(0);
 *         return new Variable[] {g.mul(x.square()).mul(3.0)};
 *     }
 * }
 * Variable y = new Cube().apply(x);
 * }</pre>
 */
public abstract class Function {

    /** What a forward call hands to its backward: the input variables and any tensors saved by the forward. */
    public static final class Context {
        private final Variable[] inputs;
        private Tensor[] saved = new Tensor[0];

        Context(Variable[] inputs) {
            this.inputs = inputs;
        }

        /** Input {@code i} as a variable (use it in the backward to keep second derivatives). */
        public Variable input(int i) {
            return inputs[i];
        }

        /** Saves tensors for the backward. */
        public void save(Tensor... tensors) {
            saved = tensors.clone();
        }

        /** The tensors saved by the forward. */
        public Tensor saved(int i) {
            return saved[i];
        }
    }

    /** The output's value from the inputs' values. */
    protected abstract Tensor forward(Context ctx, Tensor... inputs);

    /** One gradient per input ({@code null} for an input without one), given the output's gradient. */
    protected abstract Variable[] backward(Context ctx, Variable gradOutput);

    /** The name recorded in the graph; the class's simple name by default. */
    protected String name() {
        return getClass().getSimpleName();
    }

    /** Applies the function, recording it when recording is on and an input requires a gradient. */
    public final Variable apply(Variable... inputs) {
        Context ctx = new Context(inputs.clone());
        Tensor out;
        try (NoGrad scope = NoGrad.enter()) {
            out = forward(ctx, Arrays.stream(inputs).map(Variable::value).toArray(Tensor[]::new));
        }
        if (out == null) throw new IllegalStateException(name() + ".forward returned null");
        return Variable.record(name(), out, g -> backward(ctx, g), inputs);
    }
}
