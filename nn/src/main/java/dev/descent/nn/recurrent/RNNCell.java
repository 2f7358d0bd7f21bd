package dev.descent.nn.recurrent;

import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.core.TensorFactory;

/**
 * One Elman RNN step, PyTorch's {@code nn.RNNCell}: {@code h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)}, act tanh
 * or ReLU.
 *
 * <pre>{@code
 * RNNCell cell = new RNNCell(Tensor.on(backend, DType.FLOAT32), 10, 20, true, RNN.Nonlinearity.TANH, rng);
 * Variable h = cell.forward(x, null);                  // (B, 20)
 * }</pre>
 */
public final class RNNCell extends RecurrentCell {
    private final RNN.Nonlinearity nonlinearity;

    public RNNCell(TensorFactory f, int inputSize, int hiddenSize, boolean bias, RNN.Nonlinearity nonlinearity,
                   Rng rng) {
        super("RNNCell", kind(nonlinearity), f, inputSize, hiddenSize, bias, rng);
        this.nonlinearity = nonlinearity;
    }

    private static CellKind kind(RNN.Nonlinearity n) {
        if (n == null) throw new IllegalArgumentException("RNNCell: nonlinearity must be TANH or RELU, got null");
        return n.kind();
    }

    public RNN.Nonlinearity nonlinearity() {
        return nonlinearity;
    }

    /** The next hidden state from {@code h} (zeros when null); input {@code (B, F)} or {@code (F)}. */
    public Variable forward(Variable input, Variable h) {
        return step(input, h, null).h();
    }

    @Override
    String extra() {
        return nonlinearity == RNN.Nonlinearity.TANH ? "" : ", nonlinearity='relu'";
    }
}
