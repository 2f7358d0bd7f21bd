package dev.descent.nn.recurrent;

import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.core.TensorFactory;

/**
 * One LSTM step, PyTorch's {@code nn.LSTMCell}: the gates (i, f, g, o) of {@link LSTM} from {@code weight_ih}
 * {@code (4H, F)} and {@code weight_hh} {@code (4H, H)}, then {@code c' = f c + i g}, {@code h' = o tanh(c')}.
 *
 * <pre>{@code
 * LSTMCell cell = new LSTMCell(Tensor.on(backend, DType.FLOAT32), 10, 20, true, rng);
 * LSTMCell.State s = cell.forward(x, null);           // zero state
 * s = cell.forward(x2, s);                             // s.h(), s.c() (B, 20)
 * }</pre>
 */
public final class LSTMCell extends RecurrentCell {
    /** The hidden and cell states. */
    public record State(Variable h, Variable c) {
    }

    public LSTMCell(TensorFactory f, int inputSize, int hiddenSize, boolean bias, Rng rng) {
        super("LSTMCell", CellKind.LSTM, f, inputSize, hiddenSize, bias, rng);
    }

    /** The next states from {@code state} (zeros when null); input {@code (B, F)} or {@code (F)}. */
    public State forward(Variable input, State state) {
        CellKind.Scan s = step(input, state == null ? null : state.h(), state == null ? null : state.c());
        return new State(s.h(), s.c());
    }

    /** The next states from {@code h} and {@code c}. */
    public State forward(Variable input, Variable h, Variable c) {
        CellKind.Scan s = step(input, h, c);
        return new State(s.h(), s.c());
    }
}
