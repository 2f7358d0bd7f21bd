package dev.descent.nn.recurrent;

import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.core.TensorFactory;

/**
 * One GRU step, PyTorch's {@code nn.GRUCell}: the gates (r, z, n) of {@link GRU} from {@code weight_ih}
 * {@code (3H, F)} and {@code weight_hh} {@code (3H, H)}, {@code b_hn} inside the reset product.
 *
 * <pre>{@code
 * GRUCell cell = new GRUCell(Tensor.on(backend, DType.FLOAT32), 10, 20, true, rng);
 * Variable h = cell.forward(x, null);                  // (B, 20)
 * }</pre>
 */
public final class GRUCell extends RecurrentCell {

    public GRUCell(TensorFactory f, int inputSize, int hiddenSize, boolean bias, Rng rng) {
        super("GRUCell", CellKind.GRU, f, inputSize, hiddenSize, bias, rng);
    }

    /** The next hidden state from {@code h} (zeros when null); input {@code (B, F)} or {@code (F)}. */
    public Variable forward(Variable input, Variable h) {
        return step(input, h, null).h();
    }
}
