package dev.descent.nn.recurrent;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;

/**
 * A multi-layer gated recurrent unit, PyTorch's {@code nn.GRU}: per layer, direction and step
 *
 * <pre>
 * r = σ(x W_ir^T + b_ir + h W_hr^T + b_hr)     z = σ(x W_iz^T + b_iz + h W_hz^T + b_hz)
 * n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn))                  (b_hn inside the reset product)
 * h' = (1 - z) n + z h
 * </pre>
 *
 * with the gate blocks stacked (r, z, n) in {@code weight_ih_l0} {@code (3H, F)} and {@code weight_hh_l0}
 * {@code (3H, H)}, as in PyTorch's state dict.
 *
 * <pre>{@code
 * GRU gru = new GRU(Tensor.on(backend, DType.FLOAT32), RecurrentOptions.of(16, 32).withBidirectional(true), rng);
 * RecurrentOutput r = gru.forward(x, h0);          // r.output() (T, B, 64), r.h() (2, B, 32)
 * }</pre>
 */
public final class GRU extends RecurrentLayer {

    /** float32 (the default dtype) on the default backend with PyTorch's defaults. */
    public GRU(int inputSize, int hiddenSize, Rng rng) {
        this(Tensor.on(Backends.get()), RecurrentOptions.of(inputSize, hiddenSize), rng);
    }

    public GRU(TensorFactory f, RecurrentOptions options, Rng rng) {
        super("GRU", CellKind.GRU, f, options, rng);
    }

    /** The outputs and final states from the initial state {@code h0} (zeros when null). */
    public RecurrentOutput forward(Variable input, Variable h0) {
        return forward(input, h0, null, null);
    }
}
