package dev.descent.nn.recurrent;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;

/**
 * A multi-layer Elman recurrent network, PyTorch's {@code nn.RNN}: per layer, direction and step
 * {@code h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)} with {@code act} tanh (the default) or ReLU.
 *
 * <pre>{@code
 * RNN rnn = new RNN(Tensor.on(backend, DType.FLOAT32), RecurrentOptions.of(1, 32), RNN.Nonlinearity.TANH, rng);
 * RecurrentOutput r = rnn.forward(x, h0);          // x (T, B, 1); r.output() (T, B, 32), r.h() (1, B, 32)
 * }</pre>
 */
public final class RNN extends RecurrentLayer {
    /** PyTorch's {@code nonlinearity} argument: {@code 'tanh'} or {@code 'relu'}. */
    public enum Nonlinearity {
        TANH, RELU;

        CellKind kind() {
            return this == TANH ? CellKind.RNN_TANH : CellKind.RNN_RELU;
        }
    }

    private final Nonlinearity nonlinearity;

    /** tanh, float32 (the default dtype) on the default backend, with PyTorch's defaults. */
    public RNN(int inputSize, int hiddenSize, Rng rng) {
        this(Tensor.on(Backends.get()), RecurrentOptions.of(inputSize, hiddenSize), Nonlinearity.TANH, rng);
    }

    public RNN(TensorFactory f, RecurrentOptions options, Nonlinearity nonlinearity, Rng rng) {
        super("RNN", checked(nonlinearity).kind(), f, options, rng);
        this.nonlinearity = nonlinearity;
    }

    private static Nonlinearity checked(Nonlinearity n) {
        if (n == null) throw new IllegalArgumentException("RNN: nonlinearity must be TANH or RELU, got null");
        return n;
    }

    public Nonlinearity nonlinearity() {
        return nonlinearity;
    }

    /** The outputs and final states from the initial state {@code h0} (zeros when null). */
    public RecurrentOutput forward(Variable input, Variable h0) {
        return forward(input, h0, null, null);
    }

    @Override
    String extra() {
        return nonlinearity == Nonlinearity.TANH ? "" : ", nonlinearity='relu'";
    }
}
